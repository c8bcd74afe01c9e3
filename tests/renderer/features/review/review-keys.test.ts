// Pre-labels in the studio (#14): the tile text never reads as a label, and the keys of Browse and Review.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suggestionText } from '../../../../src/renderer/src/features/browse/tile-text';
import { resolveKey } from '../../../../src/renderer/src/app/keymap';
import type { ImageSummary } from '../../../../src/shared/types';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

test('an unlabeled tile shows "? Class NN%"; a labeled one shows no suggestion', () => {
  const item: ImageSummary = { id: 1, fileName: 'a.jpg', classId: null, className: null, origin: null, split: null, conflict: false, width: 1, height: 1,
    suggestedClassId: 4, suggestedClassName: 'Jasmine', suggestionConfidence: 0.873 };
  assert.equal(suggestionText(item)?.text, '? Jasmine 87%');
  assert.match(suggestionText(item)!.title, /not a label until accepted/);
  assert.equal(suggestionText({ ...item, classId: 2, className: 'Basmati' }), null);
  assert.equal(suggestionText({ ...item, suggestedClassId: undefined }), null);
});

test('A accepts in Browse (Ctrl+A still selects all); Review: digits label, A accepts, K skips', () => {
  assert.deepEqual(resolveKey(key('a'), 'browse'), { action: 'suggestions.accept' });
  assert.deepEqual(resolveKey(key('a', { ctrlKey: true }), 'browse'), { action: 'select.all' });
  assert.deepEqual(resolveKey(key('3'), 'review'), { action: 'review.label', position: 2 });
  assert.deepEqual(resolveKey(key('A'), 'review'), { action: 'review.accept' });
  assert.deepEqual(resolveKey(key('k'), 'review'), { action: 'review.skip' });
  assert.deepEqual(resolveKey(key('ArrowDown'), 'review'), { action: 'review.move', delta: 1 });
  assert.deepEqual(resolveKey(key('z', { ctrlKey: true }), 'review'), { action: 'labels.undo' });
});
