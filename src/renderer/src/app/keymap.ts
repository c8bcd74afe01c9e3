// Every keyboard shortcut in one table. A key press resolves to an action id (+ argument); the same action
// functions are called by buttons and menus, so the keyboard is never a second implementation.

export type ViewId = 'library' | 'browse' | 'train' | 'runs' | 'predict' | 'suspects'
  | 'review' // the review queue of unlabeled images (#14)
  | 'map'; // the embedding map (#13)

export type Resolved =
  | { action: 'label.assign'; position: number }
  | { action: 'grid.move'; key: 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown'; extend: boolean }
  | { action: 'select.all' }
  | { action: 'select.clear' }
  | { action: 'detail.toggle' }
  | { action: 'labels.undo' }
  | { action: 'labels.redo' }
  | { action: 'help.toggle' }
  | { action: 'suspects.accept' }
  | { action: 'suspects.keep' }
  | { action: 'suspects.relabel'; position: number }
  | { action: 'suspects.move'; delta: 1 | -1 }
  | { action: 'suspects.undo' }
  // Pre-labels and the review queue (#14)
  | { action: 'suggestions.accept' }
  | { action: 'review.label'; position: number }
  | { action: 'review.accept' }
  | { action: 'review.skip' }
  | { action: 'review.move'; delta: 1 | -1 };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

const MOVE_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

export function resolveKey(e: KeyLike, view: ViewId): Resolved | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && !e.altKey) {
    // In Suspects, Ctrl+Z takes back the last review decision (a keep changes no label, so the label journal
    // alone would undo some older change instead) and puts its image back in the queue.
    if (key === 'z' && view === 'suspects' && !e.shiftKey) return { action: 'suspects.undo' };
    if (key === 'z') return { action: e.shiftKey ? 'labels.redo' : 'labels.undo' };
    if (key === 'y') return { action: 'labels.redo' };
    if (key === 'a' && view === 'browse') return { action: 'select.all' };
    return null;
  }
  if (e.altKey) return null;
  if (e.key === '?') return { action: 'help.toggle' };
  const digit = /^[1-9]$/.test(e.key) ? Number(e.key) - 1 : null;
  if (view === 'browse') {
    if (digit !== null) return { action: 'label.assign', position: digit };
    if (MOVE_KEYS.has(e.key)) return { action: 'grid.move', key: e.key as never, extend: e.shiftKey };
    if (e.key === 'Escape') return { action: 'select.clear' };
    if (e.key === 'Enter' || e.key === ' ') return { action: 'detail.toggle' };
  }
  if (view === 'suspects') {
    if (digit !== null) return { action: 'suspects.relabel', position: digit };
    if (key === 'a' || e.key === 'Enter') return { action: 'suspects.accept' };
    if (key === 'k') return { action: 'suspects.keep' };
    if (e.key === 'ArrowDown' || key === 'j') return { action: 'suspects.move', delta: 1 };
    if (e.key === 'ArrowUp') return { action: 'suspects.move', delta: -1 };
  }
  // Pre-labels and the review queue (#14): A accepts a suggestion; in Review, digits label, K skips.
  if (view === 'browse' && key === 'a') return { action: 'suggestions.accept' };
  if (view === 'review') {
    if (digit !== null) return { action: 'review.label', position: digit };
    if (key === 'a' || e.key === 'Enter') return { action: 'review.accept' };
    if (key === 'k') return { action: 'review.skip' };
    if (e.key === 'ArrowDown' || key === 'j') return { action: 'review.move', delta: 1 };
    if (e.key === 'ArrowUp') return { action: 'review.move', delta: -1 };
  }
  return null;
}

/** The shortcut sheet (`?`), grouped by where the keys work. */
export const SHORTCUTS: Array<{ scope: string; keys: string[]; what: string }> = [
  { scope: 'Browse', keys: ['←', '→', '↑', '↓'], what: 'Move the cursor (shift extends the selection)' },
  { scope: 'Browse', keys: ['1', '…', '9'], what: 'Label the selection with the class at that position, then move on' },
  { scope: 'Browse', keys: ['Click'], what: 'Select one image; shift-click selects a range, ctrl/⌘-click toggles' },
  { scope: 'Browse', keys: ['Ctrl', 'A'], what: 'Select every image matching the filter' },
  { scope: 'Browse', keys: ['Enter'], what: 'Show or hide the detail panel' },
  { scope: 'Browse', keys: ['Esc'], what: 'Clear the selection' },
  { scope: 'Everywhere', keys: ['Ctrl', 'Z'], what: 'Undo the last label change' },
  { scope: 'Everywhere', keys: ['Ctrl', 'Shift', 'Z'], what: 'Redo' },
  { scope: 'Suspects', keys: ['A'], what: 'Accept the suggested label' },
  { scope: 'Suspects', keys: ['K'], what: 'Keep the current label' },
  { scope: 'Suspects', keys: ['Ctrl', 'Z'], what: 'Undo the last decision (its image comes back)' },
  { scope: 'Suspects', keys: ['1', '…', '9'], what: 'Give the class at that position' },
  // Pre-labels and the review queue (#14)
  { scope: 'Browse', keys: ['A'], what: 'Accept the suggestion of the selected (or focused) unlabeled images' },
  { scope: 'Review', keys: ['A'], what: 'Accept the suggested class' },
  { scope: 'Review', keys: ['K'], what: 'Skip this image for now' },
  { scope: 'Review', keys: ['1', '…', '9'], what: 'Label with the class at that position' },
  { scope: 'Everywhere', keys: ['?'], what: 'Show this sheet' },
];

/** Keys typed into a text field belong to the field, not to the shortcuts. */
export function isTypingTarget(tagName: string | undefined, editable: boolean): boolean {
  return editable || tagName === 'INPUT' || tagName === 'TEXTAREA' || tagName === 'SELECT';
}
