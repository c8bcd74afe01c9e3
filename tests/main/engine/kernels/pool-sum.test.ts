// Paddy's wasm MaxPoolGrad and leading-axes Sum against the cpu backend (ties included: ReLU outputs are
// full of equal zeros, and the gradient must go to the first maximum exactly as on cpu).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import tf from '../../../../src/main/engine/tfjs.cjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../../src/main/engine/kernels/index';
import { maxAbsDiff, rand } from '../../../helpers/conv-reference';

before(async () => {
  assert.ok(registerWasmTrainingKernels().includes('MaxPoolGrad'));
  await tf.setBackend('wasm');
});

function on<T>(backend: 'wasm' | 'cpu', fn: () => T): T {
  const prev = tf.getBackend();
  tf.setBackend(backend);
  try { return fn(); } finally { tf.setBackend(prev); }
}

const poolCases = [
  { x: [2, 8, 8, 3], size: 2, stride: 2, pad: 'valid' },
  { x: [2, 7, 9, 4], size: 2, stride: 2, pad: 'valid' },
  { x: [1, 7, 7, 2], size: 3, stride: 2, pad: 'same' },
  { x: [2, 6, 5, 3], size: 2, stride: 1, pad: 'same' },
  { x: [1, 9, 9, 5], size: 3, stride: 3, pad: 'valid' },
] as const;

for (const [i, c] of poolCases.entries()) {
  test(`MaxPool gradient matches cpu: x=${c.x} pool ${c.size} stride ${c.stride} ${c.pad}`, () => {
    const before = tf.memory().numTensors;
    // Quantised values and a ReLU make many ties, the case where routing rules differ.
    const xs = Float32Array.from(rand(c.x.reduce((a: number, b: number) => a * b, 1), 7 + i), (v) => Math.max(0, Math.round(v * 3)));
    const grad = () => tf.tidy(() => {
      const x = tf.tensor4d(xs, c.x as unknown as [number, number, number, number]);
      const pool = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, c.size, c.stride, c.pad);
      const outShape = pool(x).shape;
      // Distinct weights per output so a gradient routed to the wrong window cannot cancel out.
      const weights = tf.reshape(tf.range(1, 1 + outShape.reduce((a, b) => a * b, 1)), outShape);
      const f = (t: tf.Tensor) => tf.sum(tf.mul(pool(t), weights));
      return tf.grad(f)(x).dataSync().slice();
    });
    const cpu = on('cpu', grad);
    const wasm = on('wasm', grad);
    assert.ok(cpu.some((v) => v !== 0));
    assert.equal(maxAbsDiff(wasm, cpu), 0);
    assert.equal(tf.memory().numTensors, before);
  });
}

test('Sum over leading axes matches cpu; other reductions still work', () => {
  const before = tf.memory().numTensors;
  const xs = Float32Array.from(rand(3 * 5 * 4 * 6, 3));
  const sums = () => tf.tidy(() => {
    const x = tf.tensor4d(xs, [3, 5, 4, 6]);
    return [tf.sum(x, [0, 1, 2]), tf.sum(x, 0), tf.sum(x, [0, 1], true), tf.sum(x, [1, 2]), tf.sum(x), tf.sum(x, -1)]
      .map((t) => ({ shape: t.shape, data: t.dataSync().slice() }));
  });
  const cpu = on('cpu', sums);
  const wasm = on('wasm', sums);
  for (let i = 0; i < cpu.length; i++) {
    assert.deepEqual(wasm[i].shape, cpu[i].shape, `case ${i}`);
    assert.ok(maxAbsDiff(wasm[i].data, cpu[i].data) < 1e-4, `case ${i}`);
  }
  assert.equal(tf.memory().numTensors, before);
});
