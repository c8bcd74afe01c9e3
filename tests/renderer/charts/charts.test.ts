import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extent, heatColor, linePath, linear, ticks } from '../../../src/renderer/src/charts/scale';
import { bytes, duration, pValue, pct, runSeconds } from '../../../src/renderer/src/app/format';
import { confusionCellFilter, togglePick } from '../../../src/renderer/src/features/runs/compare';
import { parsePaths } from '../../../src/renderer/src/features/predict/paths';

test('scales, ticks and paths', () => {
  const s = linear([0, 10], [0, 100]);
  assert.equal(s(5), 50);
  assert.deepEqual(ticks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(ticks(0.13, 0.87, 4), [0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(extent([[null, null]]), [0, 1]);
  assert.deepEqual(extent([[2, 2]]), [1.5, 2.5]);
  const id = linear([0, 1], [0, 1]);
  assert.equal(linePath([0, 1, 2, 3], [1, null, 2, 3], id, id), 'M0.0,1.0M2.0,2.0L3.0,3.0', 'a null breaks the line');
  assert.notEqual(heatColor(0.5, true), heatColor(0.5, false));
  assert.equal(heatColor(0, true), heatColor(0, false));
});

test('formatting', () => {
  assert.equal(pct(0.9712), '97.1%');
  assert.equal(pct(null), '—');
  assert.equal(duration(65), '1 m 05 s');
  assert.equal(duration(7380), '2 h 03 m');
  assert.equal(bytes(1536), '1.5 KB');
  assert.equal(pValue(0.0001234), '1.2e-4');
  assert.equal(pValue(0.25), '0.250');
  assert.equal(runSeconds({ train: 3, evaluate: 1 }), 4);
  assert.equal(runSeconds({ total: 9, train: 3 }), 9);
});

test('a confusion-matrix cell becomes the Browse filter of its images', () => {
  const lib = [
    { id: 7, name: 'Arborio', count: 1, perSplit: { train: 1, val: 0, test: 0 } },
    { id: 9, name: 'Basmati', count: 1, perSplit: { train: 1, val: 0, test: 0 } },
  ];
  assert.deepEqual(confusionCellFilter('run-1', ['Arborio', 'Basmati'], 0, 1, lib), { runId: 'run-1', classIds: [7], predictedClassIds: [9], splits: ['test'] });
  assert.throws(() => confusionCellFilter('run-1', ['Arborio', 'Gone'], 0, 1, lib), /Gone/);
  assert.deepEqual(togglePick(['a'], 'b'), ['a', 'b']);
  assert.deepEqual(togglePick(['a', 'b'], 'c'), ['b', 'c']);
  assert.deepEqual(togglePick(['a', 'b'], 'a'), ['b']);
  assert.deepEqual(parsePaths('/x/a.jpg\n\n  /x/b.jpg \n'), ['/x/a.jpg', '/x/b.jpg']);
});
