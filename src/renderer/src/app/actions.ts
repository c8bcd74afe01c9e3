// Performs a resolved shortcut by calling the same action functions the buttons and menus call.
import { toggleDetail } from '../features/browse/browse.store';
import { assignClassAt, clearSelection, moveCursor, redo, selectAllInFilter, undo } from '../features/labels/labels.actions';
import { acceptSuggestion, keepLabel, moveSuspect, relabelSuspectAt, undoDecision } from '../features/suspects/suspects.actions';
import { toggleHelp } from './app.store';
// Pre-labels and the review queue (#14)
import { acceptSelected } from '../features/browse/suggestions';
import { acceptCurrent, labelCurrentAt, moveReview, skipCurrent } from '../features/review/review.actions';
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
    // Pre-labels and the review queue (#14)
    case 'suggestions.accept':
      return void acceptSelected();
    case 'review.label':
      return void labelCurrentAt(r.position);
    case 'review.accept':
      return void acceptCurrent();
    case 'review.skip':
      return skipCurrent();
    case 'review.move':
      return moveReview(r.delta);
  }
}
