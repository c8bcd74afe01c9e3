// Label changes and their undo/redo, all through the label journal.
// Every change is one transaction writing the labels and one journal row per image that changed, grouped by a
// batch id. Undo/redo walk the batches as a stack; the import's 'folder' rows are the floor and never undone.
// Because the stack lives in the database, undo/redo survive closing the app (and a kill mid-way: each step is
// a single transaction).
import type Database from 'better-sqlite3';
import type { LabelChangeResult, UndoResult } from '../../shared/types';
import { classById, mergeOfBatch, setClassHidden } from '../repos/classes.repo';
import {
  currentLabels,
  discardUndoneBatches,
  insertJournalRow,
  journalBatchRows,
  newestUndoableBatch,
  nextJournalBatch,
  nextRedoableBatch,
  previousLabelOrigin,
  setJournalBatchState,
  writeLabel,
} from '../repos/labels.repo';
import { writeTx } from '../repos/statements';

export type EditOrigin = 'manual' | 'suggestion';

export class LabelError extends Error {}

const NOTHING: UndoResult = { batchId: null, changed: 0, imageIds: [] };

/** The class a label may be set to: it must exist and not have been merged away. */
export function requireLiveClass(db: Database.Database, classId: number): { id: number; name: string } {
  const cls = classById(db, classId);
  if (!cls) throw new LabelError(`class ${classId} does not exist`);
  if (cls.hidden) throw new LabelError(`class "${cls.name}" (${classId}) was merged into another class; pick a current class`);
  return cls;
}

/**
 * Set the label of `imageIds` to `classId` as one undoable batch. Images that already have that class are
 * left alone and not journaled; a change clears the redo stack, as in any editor. Unknown image ids are refused
 * before anything is written.
 */
export function setLabels(db: Database.Database, imageIds: readonly number[], classId: number, origin: EditOrigin): LabelChangeResult {
  return writeTx(db, (): LabelChangeResult => {
    requireLiveClass(db, classId);
    const unique = [...new Set(imageIds)];
    const rows = currentLabels(db, unique);
    const missing = rows.filter((r) => !r.exists).map((r) => r.imageId);
    if (missing.length) {
      const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
      throw new LabelError(`cannot label: no image with id ${shown} in this library`);
    }
    const changing = rows.filter((r) => r.classId !== classId);
    if (!changing.length) return { batchId: null, changed: 0 };
    discardUndoneBatches(db);
    const batchId = nextJournalBatch(db);
    const at = new Date().toISOString();
    for (const r of changing) {
      writeLabel(db, r.imageId, classId, origin, at);
      insertJournalRow(db, batchId, r.imageId, r.classId, classId, origin, at);
    }
    return { batchId, changed: changing.length };
  });
}

/** Revert the newest batch still applied. */
export function undo(db: Database.Database): UndoResult {
  return writeTx(db, (): UndoResult => {
    const batchId = newestUndoableBatch(db);
    if (batchId === null) return NOTHING;
    const rows = journalBatchRows(db, batchId);
    const at = new Date().toISOString();
    // Newest row first, so an image journaled twice in one batch (never done by setLabels) still ends right.
    for (const r of [...rows].reverse()) {
      writeLabel(db, r.imageId, r.oldClassId, previousLabelOrigin(db, r.imageId, r.id), at);
    }
    setJournalBatchState(db, batchId, 'undone');
    const merge = mergeOfBatch(db, batchId);
    if (merge) setClassHidden(db, merge.fromId, false);
    return { batchId, changed: rows.length, imageIds: rows.map((r) => r.imageId) };
  });
}

/** Re-apply the batch undone most recently. */
export function redo(db: Database.Database): UndoResult {
  return writeTx(db, (): UndoResult => {
    const batchId = nextRedoableBatch(db);
    if (batchId === null) return NOTHING;
    const rows = journalBatchRows(db, batchId);
    const at = new Date().toISOString();
    for (const r of rows) writeLabel(db, r.imageId, r.newClassId, r.origin, at);
    setJournalBatchState(db, batchId, 'done');
    const merge = mergeOfBatch(db, batchId);
    if (merge) setClassHidden(db, merge.fromId, true);
    return { batchId, changed: rows.length, imageIds: rows.map((r) => r.imageId) };
  });
}
