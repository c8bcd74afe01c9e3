// Class editing: add, rename, merge. A merge relabels every image of one class into another as a single
// journaled 'manual' batch, so labels.undo brings the labels back. The merged-away class row is hidden, not
// deleted: the journal rows (and the labels undo restores) point at it, and undo shows it again.
import type { LibraryInfo } from '../../shared/types';
import type { Library } from '../library';
import { classById, ensureClass, findClassByName, imagesOfClass, recordClassMerge, setClassHidden, setClassName } from '../repos/classes.repo';
import { writeTx } from '../repos/statements';
import { libraryInfo } from './library-info';
import { setLabels } from './labels';

export class ClassError extends Error {}

function liveClass(lib: Library, classId: number): { id: number; name: string } {
  const cls = classById(lib.db, classId);
  if (!cls) throw new ClassError(`class ${classId} does not exist`);
  if (cls.hidden) throw new ClassError(`class "${cls.name}" (${classId}) was merged into another class`);
  return cls;
}

/** A new, empty class. Adding the name of a class merged away earlier brings that class back. */
export function addClass(lib: Library, rawName: string): LibraryInfo {
  const name = rawName.trim();
  if (!name) throw new ClassError('a class needs a name');
  writeTx(lib.db, () => {
    const existing = findClassByName(lib.db, name);
    if (existing && !existing.hidden) throw new ClassError(`a class named "${existing.name}" already exists`);
    if (existing) setClassHidden(lib.db, existing.id, false);
    else ensureClass(lib.db, name);
  });
  return libraryInfo(lib);
}

export function renameClass(lib: Library, classId: number, rawName: string): LibraryInfo {
  const name = rawName.trim();
  if (!name) throw new ClassError('a class needs a name');
  writeTx(lib.db, () => {
    const cls = liveClass(lib, classId);
    if (cls.name === name) return;
    const clash = findClassByName(lib.db, name);
    if (clash && clash.id !== classId) {
      throw new ClassError(
        clash.hidden
          ? `cannot rename "${cls.name}" to "${name}": that name belongs to a class merged earlier (add it back, or pick another name)`
          : `cannot rename "${cls.name}" to "${name}": a class named "${clash.name}" already exists`,
      );
    }
    setClassName(lib.db, classId, name);
  });
  return libraryInfo(lib);
}

export interface MergeResult {
  info: LibraryInfo;
  batchId: number | null;
  changed: number;
}

/** Relabel every image of `fromId` as `intoId` (one undoable batch) and hide `fromId`. */
export function mergeClasses(lib: Library, fromId: number, intoId: number): MergeResult {
  if (fromId === intoId) throw new ClassError('cannot merge a class into itself');
  const result = writeTx(lib.db, () => {
    liveClass(lib, fromId);
    liveClass(lib, intoId);
    const ids = imagesOfClass(lib.db, fromId);
    // setLabels nests as a savepoint inside this transaction: the relabel, the merge record and the hiding
    // commit together or not at all.
    const change = ids.length ? setLabels(lib.db, ids, intoId, 'manual') : { batchId: null, changed: 0 };
    if (change.batchId !== null) recordClassMerge(lib.db, change.batchId, fromId, intoId, new Date().toISOString());
    setClassHidden(lib.db, fromId, true);
    return change;
  });
  return { info: libraryInfo(lib), ...result };
}
