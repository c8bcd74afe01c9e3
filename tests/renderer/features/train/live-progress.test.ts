// The live run's progress as the Train view shows it: epochs numbered from 1 (as the engine's batch and epoch
// events number them) and the run-wide train bar moved by batch events within an epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTrainEvent, epochLabel, newLiveRun, overallProgress } from '../../../../src/renderer/src/features/train/live';
import { resolveConfig } from '../../../../src/main/engine/config';

const config = resolveConfig({ model: 'cnn', epochs: 3 });
const batch = (epoch: number, b: number) => ({ type: 'batch' as const, runId: 'r', epoch, batch: b, batches: 4, loss: 1, accuracy: 0.5, etaSeconds: 9 });
const epoch = (n: number) => ({ type: 'epoch' as const, runId: 'r', metrics: { epoch: n, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1 } });

test('epoch 1 of 3 is called epoch 1, and the train bar counts batches over the run', () => {
  let r = applyTrainEvent(newLiveRun('r', 0), { type: 'started', runId: 'r', backend: 'wasm', config, totalEpochs: 3, batchesPerEpoch: 4 });
  r = applyTrainEvent(r, { type: 'phase', runId: 'r', phase: 'train', done: 0, total: 3 });
  assert.equal(epochLabel(r), null);
  r = applyTrainEvent(r, batch(1, 1));
  assert.equal(epochLabel(r), 'Epoch 1 of 3');
  assert.deepEqual(r.phase, { name: 'train', done: 1, total: 12 });
  assert.equal(overallProgress(r), 1 / 12);
  r = applyTrainEvent(r, batch(1, 4));
  assert.equal(overallProgress(r), 4 / 12);
  // The epoch's metrics arrive after its last batch: counted once, not twice.
  r = applyTrainEvent(r, epoch(1));
  assert.equal(overallProgress(r), 4 / 12);
  r = applyTrainEvent(r, batch(2, 2));
  assert.equal(epochLabel(r), 'Epoch 2 of 3');
  assert.deepEqual(r.phase, { name: 'train', done: 6, total: 12 });
  assert.equal(overallProgress(r), 6 / 12);
  // Another phase (decode, test) is not touched by batch events.
  r = applyTrainEvent(r, { type: 'phase', runId: 'r', phase: 'test', done: 0, total: 9 });
  assert.deepEqual(applyTrainEvent(r, batch(3, 1)).phase, { name: 'test', done: 0, total: 9 });
});
