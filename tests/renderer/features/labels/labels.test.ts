import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_SELECTION, advanceAfterLabel, clickSelect, labelTargets, moveFocus, selectIds } from '../../../../src/renderer/src/features/labels/selection';
import { resolveKey, isTypingTarget } from '../../../../src/renderer/src/app/keymap';

const ids = [100, 101, 102, 103, 104, 105];
const idAt = (i: number) => ids[i];
const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

test('click selects one, shift-click a range from the anchor, ctrl-click toggles', () => {
  let s = clickSelect(EMPTY_SELECTION, 1, idAt, { shift: false, toggle: false });
  assert.deepEqual([...s.ids], [101]);
  s = clickSelect(s, 4, idAt, { shift: true, toggle: false });
  assert.deepEqual([...s.ids].sort(), [101, 102, 103, 104]);
  assert.equal(s.anchor, 1);
  assert.equal(s.focus, 4);
  s = clickSelect(s, 2, idAt, { shift: false, toggle: true });
  assert.deepEqual([...s.ids].sort(), [101, 103, 104]);
  s = clickSelect(s, 0, idAt, { shift: true, toggle: true });
  assert.deepEqual([...s.ids].sort(), [100, 101, 102, 103, 104], 'ctrl+shift adds the range to the selection');
  assert.equal(clickSelect(s, 99, idAt, { shift: false, toggle: false }), s, 'a cell not loaded yet changes nothing');
});

test('arrows move the cursor; shift-arrows extend from the anchor', () => {
  let s = moveFocus(EMPTY_SELECTION, 2, idAt, false);
  assert.deepEqual([...s.ids], [102]);
  s = moveFocus(s, 4, idAt, true);
  assert.deepEqual([...s.ids], [102, 103, 104]);
  s = moveFocus(s, 1, idAt, true);
  assert.deepEqual([...s.ids], [101, 102]);
});

test('labeling applies to the selection or the focus, and a single label moves on', () => {
  const one = moveFocus(EMPTY_SELECTION, 2, idAt, false);
  assert.deepEqual(labelTargets(one, idAt), [102]);
  const next = advanceAfterLabel(one, 1, ids.length, idAt);
  assert.equal(next.focus, 3);
  assert.deepEqual([...next.ids], [103]);
  const last = moveFocus(EMPTY_SELECTION, 5, idAt, false);
  assert.equal(advanceAfterLabel(last, 1, ids.length, idAt), last, 'the last image stays focused');
  const many = selectIds(one, [100, 104]);
  assert.deepEqual(labelTargets(many, idAt).sort(), [100, 104]);
  assert.equal(advanceAfterLabel(many, 2, ids.length, idAt), many, 'a multi-selection stays for review');
  const focusOnly = { ids: new Set<number>(), anchor: 3, focus: 3 };
  assert.deepEqual(labelTargets(focusOnly, idAt), [103]);
  assert.deepEqual(labelTargets(EMPTY_SELECTION, idAt), []);
});

test('keys resolve to actions by view; text fields keep their keys', () => {
  assert.deepEqual(resolveKey(key('3'), 'browse'), { action: 'label.assign', position: 2 });
  assert.equal(resolveKey(key('3'), 'train'), null);
  assert.deepEqual(resolveKey(key('z', { ctrlKey: true }), 'train'), { action: 'labels.undo' });
  assert.deepEqual(resolveKey(key('Z', { ctrlKey: true, shiftKey: true }), 'browse'), { action: 'labels.redo' });
  assert.deepEqual(resolveKey(key('z', { metaKey: true, shiftKey: true }), 'browse'), { action: 'labels.redo' });
  assert.deepEqual(resolveKey(key('ArrowDown', { shiftKey: true }), 'browse'), { action: 'grid.move', key: 'ArrowDown', extend: true });
  assert.deepEqual(resolveKey(key('a', { ctrlKey: true }), 'browse'), { action: 'select.all' });
  assert.deepEqual(resolveKey(key('?', { shiftKey: true }), 'runs'), { action: 'help.toggle' });
  assert.deepEqual(resolveKey(key('a'), 'suspects'), { action: 'suspects.accept' });
  assert.deepEqual(resolveKey(key('k'), 'suspects'), { action: 'suspects.keep' });
  assert.deepEqual(resolveKey(key('2'), 'suspects'), { action: 'suspects.relabel', position: 1 });
  assert.equal(resolveKey(key('1', { altKey: true }), 'browse'), null);
  assert.equal(isTypingTarget('INPUT', false), true);
  assert.equal(isTypingTarget('DIV', true), true);
  assert.equal(isTypingTarget('DIV', false), false);
});
