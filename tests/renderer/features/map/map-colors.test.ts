// The Map view's colouring: one colour per class (library order), split, correctness and suspect-score buckets,
// with legend counts; a lasso fades the points outside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MapPointsResult } from '../../../../src/shared/types';
import { pointColors } from '../../../../src/renderer/src/features/map/map-colors';

const info: MapPointsResult = {
  classes: ['Arborio', 'Basmati'],
  runId: 'r1',
  points: [
    { imageId: 1, label: 'Arborio', predicted: 'Arborio', split: 'train', correct: true, suspectScore: null },
    { imageId: 2, label: 'Basmati', predicted: 'Arborio', split: 'test', correct: false, suspectScore: 0.93 },
    { imageId: 3, label: null, predicted: null, split: null, correct: null, suspectScore: null },
  ],
};
const points = info.points.map((p) => ({ imageId: p.imageId }));

test('legend and colours per colouring; classes keep their library colours', () => {
  const byLabel = pointColors(points, info, 'label', new Set());
  assert.deepEqual(byLabel.legend.map((l) => [l.label, l.count]), [['Arborio', 1], ['Basmati', 1], ['unlabeled', 1]]);
  assert.equal(byLabel.legend[0]!.color, '#e0a84a');
  assert.equal(byLabel.rgba.length, 12);
  assert.ok(Math.abs(byLabel.rgba[0]! - 0xe0 / 255) < 1e-6);
  const pred = pointColors(points, info, 'predicted', new Set());
  assert.deepEqual(pred.legend.map((l) => [l.label, l.count]), [['Arborio', 2], ['not predicted', 1]]);
  assert.equal(pred.legend[0]!.color, byLabel.legend[0]!.color, 'a class has one colour in every colouring');
  assert.deepEqual(pointColors(points, info, 'correctness', new Set()).legend.map((l) => [l.label, l.count]), [['not predicted', 1], ['right', 1], ['wrong', 1]]);
  assert.deepEqual(pointColors(points, info, 'split', new Set()).legend.map((l) => l.label), ['no split', 'test', 'train']);
  assert.deepEqual(pointColors(points, info, 'suspect', new Set()).legend.map((l) => l.label), ['not a suspect', 'score 0.8–1.0']);
});

test('a lasso fades the rest', () => {
  const { rgba } = pointColors(points, info, 'label', new Set([2]));
  assert.ok(rgba[3]! < 0.3 && rgba[7]! > 0.8 && rgba[11]! < 0.3);
});
