import { test } from 'node:test';
import assert from 'node:assert/strict';
import tf from '../../../../src/main/engine/tfjs.cjs';
import { centeredUnitRows, nearDuplicatePairs } from '../../../../src/main/services/suspects/near-duplicates';
import { rng } from '../../../../src/main/engine/random';

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
}

/** n random non-negative rows (like pooled ReLU features) with planted near-copies. */
function planted(n: number, dims: number, seed: number) {
  const r = rng(seed);
  const x = new Float32Array(n * dims);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 4;
    for (let d = 0; d < dims; d++) x[i * dims + d] = Math.max(0, 1 + gaussian(r));
  }
  // rows 0..39 get a twin at 200+i: slightly perturbed copies; odd i twins carry a different label
  for (let i = 0; i < 40; i++) {
    for (let d = 0; d < dims; d++) x[(200 + i) * dims + d] = x[i * dims + d] * (1 + 0.03 * gaussian(r));
    labels[200 + i] = i % 2 ? (labels[i] + 1) % 4 : labels[i];
  }
  return { x, labels };
}

function bruteForce(x: Float32Array, dims: number, labels: Int32Array, threshold: number) {
  const u = centeredUnitRows(x, dims);
  const n = labels.length;
  const out: string[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      if (labels[a] === labels[b]) continue;
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += u[a * dims + d] * u[b * dims + d];
      if (dot >= threshold) out.push(`${a}-${b}`);
    }
  }
  return out.sort();
}

test('LSH near-duplicates find exactly the differently labeled pairs brute force finds', async () => {
  const dims = 96;
  const { x, labels } = planted(400, dims, 3);
  const before = tf.memory().numTensors;
  let progress = 0;
  const pairs = await nearDuplicatePairs(x, dims, labels, { threshold: 0.98, onProgress: (d) => (progress = d) });
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  assert.equal(progress, 16);
  const expected = bruteForce(x, dims, labels, 0.98);
  assert.equal(expected.length, 20, 'the 20 planted pairs with different labels (and nothing else) pass 0.98');
  assert.deepEqual(pairs.map((p) => `${p.a}-${p.b}`).sort(), expected);
  for (const p of pairs) {
    assert.ok(p.similarity >= 0.98 && p.similarity <= 1.0001);
    assert.notEqual(labels[p.a], labels[p.b]);
  }
  // most similar first
  for (let i = 1; i < pairs.length; i++) assert.ok(pairs[i - 1].similarity >= pairs[i].similarity);
});

test('centering: uniformly positive rows that differ only by noise are not near-duplicates', async () => {
  const dims = 64;
  const r = rng(9);
  const n = 200;
  const x = new Float32Array(n * dims).map(() => 5 + r()); // raw cosines all ≈ 0.999
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  assert.deepEqual(await nearDuplicatePairs(x, dims, labels), []);
  await assert.rejects(nearDuplicatePairs(x, dims, labels.slice(1)), /199 labels but 200 feature rows/);
});
