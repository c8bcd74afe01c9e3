import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictionFlag, sortDirectionFor, splitNote } from '../../../../src/renderer/src/features/browse/tile-text';

const names = new Map([[1, 'Arborio'], [2, 'Basmati']]);
const base = { id: 7, fileName: 'a.jpg', classId: 1, className: 'Arborio', origin: 'folder' as const, split: 'train' as const, conflict: false, width: 1, height: 1 };

test('a wrong tile names the predicted class; a right one a tick; in-sample ones say so', () => {
  assert.deepEqual(predictionFlag({ ...base, predictedClassId: 2, confidence: 0.58, predictionSplit: 'test' }, names),
    { wrong: true, text: '→ Basmati 58%', title: 'Predicted Basmati with 58.0% confidence (test split)' });
  assert.deepEqual(predictionFlag({ ...base, predictedClassId: 1, confidence: 0.91, predictionSplit: 'train' }, names),
    { wrong: false, text: '✓ 91% · in-sample', title: 'Predicted Arborio with 91.0% confidence (train split: in-sample, the model learned this image)' });
  assert.equal(predictionFlag({ ...base, predictedClassId: null }, names), null);
  assert.equal(predictionFlag(base, names), null);
  // No label: nothing to be right or wrong about, just the prediction.
  assert.deepEqual(predictionFlag({ ...base, classId: null, className: null, predictedClassId: 2, confidence: 0.5, predictionSplit: null }, names),
    { wrong: false, text: '→ Basmati 50%', title: 'Predicted Basmati with 50.0% confidence (outside the run\'s splits)' });
});

test('sort by loss starts with the worst (descending); name and date start ascending', () => {
  assert.equal(sortDirectionFor('loss'), true);
  assert.equal(sortDirectionFor('confidence'), false);
  assert.equal(sortDirectionFor('name'), false);
  assert.equal(sortDirectionFor('date'), false);
});

test('the count says which split its numbers come from', () => {
  assert.equal(splitNote({}), null);
  assert.equal(splitNote({ runId: 'r' }), 'all splits · train in-sample');
  assert.equal(splitNote({ runId: 'r', splits: ['test'] }), 'test split');
  assert.equal(splitNote({ runId: 'r', splits: ['train'] }), 'train split · in-sample');
  assert.equal(splitNote({ splits: ['val'] }), 'val split');
});
