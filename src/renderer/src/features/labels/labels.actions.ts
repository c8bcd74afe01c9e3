// Labeling intents: one function each, called alike by number keys, the "Label as" menu, arrows and clicks.
// Every change goes to labels.set at once (the journal makes it undoable); the grid updates in place.
import { getApi } from '../../app/api';
import { refreshLibrarySoon, toast, useApp } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { idAt, invalidate, patchItems, setSelection, useBrowse } from '../browse/browse.store';
import { moveIndex, type MoveKey } from '../browse/grid-math';
import { advanceAfterLabel, clickSelect, labelTargets, moveFocus, selectIds, type Modifiers } from './selection';

/** Label the selection (or the focused image) with a class; a single image labeled moves the cursor on. */
export async function relabelSelection(classId: number): Promise<void> {
  const { selection, total } = useBrowse.getState();
  const cls = useApp.getState().library?.classes.find((c) => c.id === classId);
  const targets = labelTargets(selection, idAt);
  if (!cls) return toast('That class no longer exists', 'error');
  if (targets.length === 0) return toast('Select an image first (click one, or use the arrow keys)');
  try {
    const res = await getApi()['labels.set']({ imageIds: targets, classId });
    patchItems(targets, { classId, className: cls.name, origin: 'manual' });
    setSelection(advanceAfterLabel(useBrowse.getState().selection, targets.length, total ?? 0, idAt));
    toast(`${targets.length === 1 ? '1 image' : `${targets.length} images`} → ${cls.name}${res.changed < targets.length ? ` (${targets.length - res.changed} already were)` : ''}`, 'ok');
    refreshLibrarySoon();
  } catch (e) {
    toast(`Could not save the label: ${errorMessage(e)}`, 'error');
  }
}

/** Number key N: the class at position N in the class list. */
export function assignClassAt(position: number): Promise<void> | void {
  const cls = useApp.getState().library?.classes[position];
  if (!cls) return toast(`There is no class number ${position + 1}`);
  return relabelSelection(cls.id);
}

async function journalStep(kind: 'undo' | 'redo'): Promise<void> {
  try {
    const res = await getApi()[kind === 'undo' ? 'labels.undo' : 'labels.redo']({});
    if (res.changed === 0 && res.batchId === null) return toast(kind === 'undo' ? 'Nothing to undo' : 'Nothing to redo');
    invalidate();
    refreshLibrarySoon();
    toast(`${kind === 'undo' ? 'Undid' : 'Redid'} the label change of ${res.changed === 1 ? '1 image' : `${res.changed} images`}`, 'ok');
  } catch (e) {
    toast(`${kind === 'undo' ? 'Undo' : 'Redo'} failed: ${errorMessage(e)}`, 'error');
  }
}
export const undo = (): Promise<void> => journalStep('undo');
export const redo = (): Promise<void> => journalStep('redo');

export function clickImage(index: number, mods: Modifiers): void {
  setSelection(clickSelect(useBrowse.getState().selection, index, idAt, mods));
}

export function moveCursor(key: MoveKey, extend: boolean): void {
  const { selection, columns, rowsPerPage, total } = useBrowse.getState();
  if (!total) return;
  const from = selection.focus ?? -1;
  const to = from < 0 ? 0 : moveIndex(from, key, columns, total, rowsPerPage);
  setSelection(moveFocus(selection, to, idAt, extend));
}

export async function selectAllInFilter(): Promise<void> {
  const { filter, queryKey } = useBrowse.getState();
  try {
    const ids = await getApi()['images.ids']({ filter });
    if (useBrowse.getState().queryKey !== queryKey) return;
    setSelection(selectIds(useBrowse.getState().selection, ids));
    toast(`Selected ${ids.length.toLocaleString('en-US')} images`);
  } catch (e) {
    toast(`Could not select all: ${errorMessage(e)}`, 'error');
  }
}

export function clearSelection(): void {
  const s = useBrowse.getState().selection;
  setSelection({ ids: new Set(), anchor: s.anchor, focus: s.focus });
}
