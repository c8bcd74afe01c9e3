// Performs a resolved shortcut by calling the same action functions the buttons and menus call.
import { toggleDetail } from '../features/browse/browse.store';
import { assignClassAt, clearSelection, moveCursor, redo, selectAllInFilter, undo } from '../features/labels/labels.actions';
import { acceptSuggestion, keepLabel, moveSuspect, relabelSuspectAt, undoDecision } from '../features/suspects/suspects.actions';
import { toggleHelp } from './app.store';
import type { Resolved } from './keymap';

export function perform(r: Resolved): void {
  switch (r.action) {
    case 'label.assign':
      return void assignClassAt(r.position);
    case 'grid.move':
      return moveCursor(r.key, r.extend);
    case 'select.all':
      return void selectAllInFilter();
    case 'select.clear':
      return clearSelection();
    case 'detail.toggle':
      return toggleDetail();
    case 'labels.undo':
      return void undo();
    case 'labels.redo':
      return void redo();
    case 'help.toggle':
      return toggleHelp();
    case 'suspects.accept':
      return void acceptSuggestion();
    case 'suspects.keep':
      return void keepLabel();
    case 'suspects.relabel':
      return void relabelSuspectAt(r.position);
    case 'suspects.move':
      return moveSuspect(r.delta);
    case 'suspects.undo':
      return void undoDecision();
  }
}
