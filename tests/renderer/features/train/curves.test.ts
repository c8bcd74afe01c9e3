import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTrainEvent, curves, newLiveRun } from '../../../../src/renderer/src/features/train/live';

test('the curves move within an epoch: every batch event adds a train point; val joins the epoch ends', () => {
  let run = newLiveRun('r', 0);
  run = applyTrainEvent(run, { type: 'started', runId: 'r', backend: 'wasm', config: {} as never, totalEpochs: 2, batchesPerEpoch: 4 });
  const batch = (epoch: number, b: number, loss: number) => (run = applyTrainEvent(run, { type: 'batch', runId: 'r', epoch, batch: b, batches: 4, loss, accuracy: 0.5, etaSeconds: 3 }));
  batch(1, 1, 2.0);
  batch(1, 2, 1.8);
  assert.deepEqual(curves(run).x, [0.25, 0.5], 'two points before the first epoch ends');
  assert.deepEqual(curves(run).loss, [2.0, 1.8]);
  assert.deepEqual(curves(run).valLoss, [null, null]);
  batch(1, 4, 1.5);
  run = applyTrainEvent(run, { type: 'epoch', runId: 'r', metrics: { epoch: 1, loss: 1.4, accuracy: 0.6, valLoss: 1.6, valAccuracy: 0.55, seconds: 1 } });
  batch(2, 2, 1.2);
  run = applyTrainEvent(run, { type: 'epoch', runId: 'r', metrics: { epoch: 2, loss: 1.0, accuracy: 0.7, valLoss: 1.2, valAccuracy: 0.6, seconds: 1 } });
  const c = curves(run);
  assert.deepEqual(c.x, [0.25, 0.5, 1, 1.5, 2]);
  assert.deepEqual(c.loss, [2.0, 1.8, 1.4, 1.2, 1.0], 'an epoch end shows the epoch\'s own metric');
  assert.deepEqual(c.valLoss.map((v) => v === null ? null : Math.round(v * 100) / 100), [null, null, 1.6, 1.4, 1.2]);
  // A replayed batch (x not after the last point) adds nothing.
  batch(1, 1, 9);
  assert.equal(run.trail.length, 4);
});

test('the trail stays bounded on long runs', () => {
  let run = applyTrainEvent(newLiveRun('r', 0), { type: 'started', runId: 'r', backend: 'wasm', config: {} as never, totalEpochs: 100, batchesPerEpoch: 100 });
  for (let e = 1; e <= 20; e++) for (let b = 1; b <= 100; b++) run = applyTrainEvent(run, { type: 'batch', runId: 'r', epoch: e, batch: b, batches: 100, loss: 1, accuracy: 0.5, etaSeconds: 1 });
  assert.ok(run.trail.length <= 400 && run.trail.length > 100, String(run.trail.length));
  assert.equal(run.trail.at(-1)!.x, 20);
});
