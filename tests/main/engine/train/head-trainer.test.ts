import assert from 'node:assert/strict';
import { test } from 'node:test';
import tf from '../../../../src/main/engine/tfjs.cjs';
import { useBackend } from '../../../../src/main/engine/backends';
import { predictHead, trainHead } from '../../../../src/main/engine/train/head-trainer';
import { rng } from '../../../../src/main/engine/random';

/** Three Gaussian blobs in 8 dims: separable, so a head must learn them. */
function blobs(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const r = rng(seed);
  const x = new Float32Array(n * 8);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let d = 0; d < 8; d++) x[i * 8 + d] = (d % 3 === y[i] ? 2 : 0) + (r() - 0.5);
  }
  return { x, y };
}

test('trainHead learns separable features, reports epochs, and is reproducible with a seed', async () => {
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const train = blobs(150, 1);
  const val = blobs(60, 2);
  const epochs: number[] = [];
  const opts = { dense: [16], dropout: 0.2, epochs: 8, batchSize: 16, learningRate: 0.01, seed: 7, validation: val };
  const m1 = await trainHead(train.x, 8, train.y, 3, { ...opts, onEpoch: (m) => epochs.push(m.valAccuracy!) });
  assert.equal(epochs.length, 8);
  assert.ok(epochs.at(-1)! > 0.95, `val accuracy ${epochs.at(-1)}`);
  const p1 = predictHead(m1, val.x, 8);
  assert.equal(p1.length, 60 * 3);
  assert.ok(Math.abs(p1[0]! + p1[1]! + p1[2]! - 1) < 1e-4);
  const m2 = await trainHead(train.x, 8, train.y, 3, opts);
  assert.deepEqual(predictHead(m2, val.x, 8), p1, 'same seed, same backend: same model');
  m1.dispose();
  m2.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('trainHead stops between batches when asked, and rejects mismatched input', async () => {
  await useBackend('wasm');
  const d = blobs(64, 3);
  let batches = 0;
  const m = await trainHead(d.x, 8, d.y, 3, {
    dense: [], dropout: 0, epochs: 50, batchSize: 8, learningRate: 0.01, seed: 1,
    onBatch: () => batches++, shouldStop: () => batches >= 3,
  });
  assert.equal(batches, 3);
  m.dispose();
  await assert.rejects(trainHead(d.x, 8, new Int32Array(3), 3, { dense: [], dropout: 0, epochs: 1, batchSize: 8, learningRate: 0.01, seed: 1 }), /64 feature rows but 3 labels/);
  await assert.rejects(trainHead(d.x, 7, d.y, 3, { dense: [], dropout: 0, epochs: 1, batchSize: 8, learningRate: 0.01, seed: 1 }), /not a multiple of dims 7/);
});

test('the hand-written head gradients equal tfjs autodiff (two dense layers, no dropout)', async () => {
  const { buildHead, headGradients, gather, gatherT } = await import('../../../../src/main/engine/train/head-trainer');
  await useBackend('wasm');
  const d = blobs(12, 4);
  const model = buildHead(8, 3, [6, 5], 0, 11);
  const rows = Array.from({ length: 12 }, (_, i) => i);
  const { grads, probs } = headGradients(model, gather(d.x, 8, rows), gatherT(d.x, 8, rows), d.y, 8, 3, 0, rng(1));
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const auto = tf.variableGrads(() => {
    const p = model.apply(tf.tensor2d(d.x, [12, 8])) as tf.Tensor;
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(d.y, 'int32'), 3), tf.log(p)), 1))) as tf.Scalar;
  }, vars);
  for (const v of vars) {
    const a = auto.grads[v.name]!.dataSync();
    const b = grads[v.name]!.dataSync();
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-5, `${v.name}[${i}]: ${a[i]} vs ${b[i]}`);
  }
  tf.dispose([probs, auto.value, ...Object.values(auto.grads), ...Object.values(grads)]);
  model.dispose();
});

test('early stopping: stops when val loss stops improving and keeps the best weights', async () => {
  await useBackend('wasm');
  const train = blobs(90, 5);
  const val = blobs(30, 6);
  // Validation labels rotated: the better the head fits the training data, the worse its val loss.
  const wrong = { x: val.x, y: Int32Array.from(val.y, (c) => (c + 1) % 3) };
  const losses: number[] = [];
  const m = await trainHead(train.x, 8, train.y, 3, {
    dense: [8], dropout: 0, epochs: 40, batchSize: 10, learningRate: 0.05, seed: 2, validation: wrong, patience: 2,
    onEpoch: (e) => losses.push(e.valLoss!),
  });
  assert.ok(losses.length < 40, `stopped after ${losses.length} epochs`);
  const best = Math.min(...losses);
  const { evaluateHead } = await import('../../../../src/main/engine/train/head-trainer');
  assert.ok(Math.abs(evaluateHead(m, wrong.x, 8, wrong.y).loss - best) < 1e-5, 'best weights restored');
  m.dispose();
});
