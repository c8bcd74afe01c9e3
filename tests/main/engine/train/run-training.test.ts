import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import tf from '../../../../src/main/engine/tfjs.cjs';
import type { TrainEvent } from '../../../../src/shared/contract';
import { resolveConfig } from '../../../../src/main/engine/config';
import { runTraining } from '../../../../src/main/engine/train/run-training';
import { useBackend } from '../../../../src/main/engine/backends';
import { createRun, getRun, runLifecycle } from '../../../../src/main/services/runs';
import { runImages, runPredictions } from '../../../../src/main/repos/runs.repo';
import { makeTrainLibrary } from '../../../helpers/train-lib';
import { MOBILENET_DIR } from '../../../helpers/tmp';

const control = () => {
  const ac = new AbortController();
  return { cancelled: () => ac.signal.aborted, signal: ac.signal, abort: () => ac.abort() };
};

test('a tiny CNN run trains on wasm and keeps snapshot, epochs, predictions, metrics and model', async () => {
  const lib = makeTrainLibrary(10, { classes: 3 });
  const config = resolveConfig({ model: 'cnn', imageSize: 16, filters: [4, 8], dense: [8], epochs: 2, batchSize: 8, backend: 'wasm', augment: true });
  const runId = createRun(lib, config);
  const events: TrainEvent[] = [];
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const status = await runTraining(lib, runId, config, (e) => events.push(e), control(), runLifecycle(lib));
  assert.equal(status, 'completed', JSON.stringify(events.find((e) => e.type === 'failed')));
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  const run = getRun(lib, runId);
  assert.equal(run.status, 'completed');
  assert.equal(run.backend, 'wasm');
  assert.match(run.engine ?? '', /^(onnxruntime|tfjs)/, 'the run records what ran its steps');
  assert.deepEqual(events.filter((e) => e.type === 'engine'), [{ type: 'engine', runId, engine: run.engine }], 'and reports it once');
  assert.equal(run.imageCount, 30);
  assert.equal(run.epochs.length, 2);
  assert.ok(run.epochs.every((e) => e.valAccuracy !== null && Number.isFinite(e.loss)));
  assert.ok(run.params! > 0 && run.modelBytes! > 0);
  assert.equal(run.test!.n, 6);
  assert.deepEqual(run.test!.classes, ['Arborio', 'Basmati', 'Ipsala']);
  assert.equal(run.test!.confusion.flat().reduce((a, b) => a + b, 0), 6);
  assert.ok(run.snapshotHash && /^[0-9a-f]{64}$/.test(run.snapshotHash));
  assert.ok(['decode', 'train', 'test', 'save', 'total'].every((k) => typeof run.seconds[k] === 'number'), JSON.stringify(run.seconds));
  assert.equal(runImages(lib.db, runId).length, 30);
  const preds = runPredictions(lib.db, runId);
  assert.equal(preds.length, 6);
  assert.ok(preds.every((p) => Math.abs(p.probs.reduce((a, b) => a + b, 0) - 1) < 1e-3 && Math.abs(p.confidence - Math.max(...p.probs)) < 1e-5));
  assert.ok(fs.existsSync(path.join(lib.paths.models, runId, 'model', 'model.json')));
  const kinds = new Set(events.map((e) => e.type));
  for (const k of ['started', 'phase', 'batch', 'epoch', 'finished'] as const) assert.ok(kinds.has(k), `event ${k}`);
  assert.ok(events.every((e) => e.runId === runId));
  lib.close();
});

test('same seed, same backend: the same CNN run twice gives the same epochs and predictions', async () => {
  const lib = makeTrainLibrary(6, { classes: 2 });
  const config = resolveConfig({ model: 'cnn', imageSize: 16, filters: [4], dense: [8], dropout: 0.5, epochs: 2, batchSize: 4, backend: 'wasm', augment: true, seed: 5 });
  const a = createRun(lib, config);
  await runTraining(lib, a, config, () => undefined, control(), runLifecycle(lib));
  const b = createRun(lib, config);
  await runTraining(lib, b, config, () => undefined, control(), runLifecycle(lib));
  assert.deepEqual(getRun(lib, a).epochs.map((e) => [e.loss, e.valLoss]), getRun(lib, b).epochs.map((e) => [e.loss, e.valLoss]));
  assert.deepEqual(runPredictions(lib.db, a).map((p) => p.probs), runPredictions(lib.db, b).map((p) => p.probs));
  lib.close();
});

test('MobileNetV2 frozen: features + head, base weights untouched, cancel mid-epoch ends as cancelled', async () => {
  const lib = makeTrainLibrary(5, { classes: 2 });
  const config = resolveConfig({ model: 'mobilenetv2', alpha: 0.35, weightsDir: MOBILENET_DIR, epochs: 3, batchSize: 2, backend: 'wasm' });
  const runId = createRun(lib, config);
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const status = await runTraining(lib, runId, config, () => undefined, control(), runLifecycle(lib));
  assert.equal(status, 'completed');
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  const run = getRun(lib, runId);
  assert.equal(run.epochs.length, 3);
  assert.ok(run.params! > 410_208);
  assert.equal(typeof run.seconds.features, 'number');
  assert.match(run.engine ?? '', /^features: \S+ · head: onnxruntime-cpu, \d+ threads?$/);
  const meta = JSON.parse(fs.readFileSync(path.join(lib.paths.models, runId, 'meta.json'), 'utf8'));
  assert.equal(meta.ownBase, false);
  assert.equal(meta.alpha, 0.35);

  const c = control();
  const cancelId = createRun(lib, { ...config, epochs: 50 });
  const events: TrainEvent[] = [];
  const st = await runTraining(lib, cancelId, { ...config, epochs: 50 }, (e) => {
    events.push(e);
    if (e.type === 'batch' && e.epoch === 2) c.abort();
  }, c, runLifecycle(lib));
  assert.equal(st, 'cancelled');
  assert.equal(getRun(lib, cancelId).status, 'cancelled');
  assert.equal(events.at(-1)!.type, 'cancelled');
  assert.ok(!fs.existsSync(path.join(lib.paths.models, cancelId)));
  lib.close();
});

test('a run that cannot train fails with the reason', async () => {
  const lib = makeTrainLibrary(3, { classes: 1 });
  const config = resolveConfig({ model: 'cnn', imageSize: 16, filters: [4], dense: [], epochs: 1, backend: 'wasm' });
  const runId = createRun(lib, config);
  const events: TrainEvent[] = [];
  assert.equal(await runTraining(lib, runId, config, (e) => events.push(e), control(), runLifecycle(lib)), 'failed');
  const run = getRun(lib, runId);
  assert.equal(run.status, 'failed');
  assert.match(run.error!, /at least 2 classes/);
  assert.deepEqual(events.at(-1), { type: 'failed', runId, error: run.error });
  assert.throws(() => resolveConfig({ model: 'cnn', epochs: 0 }), /train config: epochs/);
  lib.close();
});
