// The training recipe behind the accuracy defaults (issue 12): quarter-turn augmentation, the warm-up + cosine
// schedule, and label smoothing — the same on the tfjs and ONNX Runtime engines, CNN and head alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import tf from '../../../../src/main/engine/tfjs.cjs';
import { augment } from '../../../../src/main/engine/data/images';
import { rng } from '../../../../src/main/engine/random';
import { learningRateAt, smoothedTargets } from '../../../../src/main/engine/train/schedule';
import { fitImages } from '../../../../src/main/engine/train/cnn-trainer';
import { trainHead } from '../../../../src/main/engine/train/head-trainer';
import { buildCnn } from '../../../../src/main/engine/models/cnn';
import { CNN_RECIPE, defaultConfig } from '../../../../src/main/engine/config';
import { tinyRice } from '../../../helpers/rice-subset';

/** The eight flips/quarter turns of a size×size×3 image. */
function dihedral(src: Uint8Array, size: number): Uint8Array[] {
  const views: Uint8Array[] = [];
  for (const swap of [false, true]) for (const fh of [false, true]) for (const fv of [false, true]) {
    const out = new Uint8Array(src.length);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
      let sx = swap ? y : x, sy = swap ? x : y;
      if (fh) sx = size - 1 - sx;
      if (fv) sy = size - 1 - sy;
      for (let k = 0; k < 3; k++) out[(y * size + x) * 3 + k] = src[(sy * size + sx) * 3 + k]!;
    }
    views.push(out);
  }
  return views;
}

test('augment: by default one of the eight flips/quarter turns, pixel for pixel, all eight reached; seeded', () => {
  const size = 7;
  const src = Uint8Array.from({ length: size * size * 3 }, (_, i) => (i * 37) % 251);
  const views = dihedral(src, size).map((v) => Buffer.from(v).toString('hex'));
  assert.equal(new Set(views).size, 8);
  const seen = new Set<number>();
  const r = rng(5);
  for (let i = 0; i < 64; i++) {
    const at = views.indexOf(Buffer.from(augment(src, size, r)).toString('hex'));
    assert.ok(at >= 0, `draw ${i} is a flip/quarter turn of the input`);
    seen.add(at);
  }
  assert.equal(seen.size, 8);
  assert.deepEqual(augment(src, size, rng(3)), augment(src, size, rng(3)));
  const bright = augment(src, size, rng(3), { quarterTurns: false, brightness: 0.5 });
  assert.ok(!views.includes(Buffer.from(bright).toString('hex')), 'brightness changes values');
  assert.deepEqual(augment(src, size, rng(3), { quarterTurns: false }), src, 'nothing asked, nothing done');
  assert.equal(defaultConfig('cnn').augment, true, 'the CNN default augments');
  assert.equal(CNN_RECIPE.augmentation.quarterTurns, true);
});

test('learning rate: warm-up from a tenth, then cosine to 5%; smoothed targets sum to 1', () => {
  const lr = (step: number, warmup = 0.1) => learningRateAt({ learningRate: 1, warmup }, step, 100);
  assert.ok(Math.abs(lr(0) - 0.1) < 1e-12);
  assert.ok(lr(5) > lr(0) && lr(5) < 1);
  assert.ok(Math.abs(lr(10) - 1) < 1e-12, 'the peak right after the warm-up');
  assert.ok(lr(99) < 0.06 && lr(99) >= 0.05);
  for (let s = 11; s < 100; s++) assert.ok(lr(s) <= lr(s - 1), `falls after the peak (step ${s})`);
  // Without a warm-up, the old cosine decay exactly.
  for (const s of [0, 17, 50, 99]) assert.equal(lr(s, 0), 0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * s) / 100)));
  assert.equal(learningRateAt({ learningRate: 2, cosineDecay: false }, 60, 100), 2);
  const y = smoothedTargets([2, 0], 5, 0.05);
  assert.ok(Math.abs(y[2]! - 0.96) < 1e-6 && Math.abs(y[0]! - 0.01) < 1e-6 && Math.abs(y[5]! - 0.96) < 1e-6);
  for (const row of [0, 1]) assert.ok(Math.abs(y.subarray(row * 5, row * 5 + 5).reduce((a, b) => a + b, 0) - 1) < 1e-6);
});


test('the CNN recipe (augment, warm-up, label smoothing): ONNX Runtime follows tfjs, same seed → same run', async () => {
  await tf.setBackend('cpu');
  const data = await tinyRice(12, 4);
  const spec = { imageSize: 12, filters: [4, 8], dense: [8], dropout: 0, numClasses: 5, seed: 4 };
  const curves: Record<string, number[]> = {};
  for (const engine of ['tfjs', 'onnxruntime', 'onnxruntime'] as const) {
    const model = buildCnn(spec);
    const before = tf.memory().numTensors;
    const curve: number[] = [];
    await fitImages(model, data, {
      size: 12, epochs: 3, batchSize: 10, learningRate: 1e-2, seed: 1, augment: true, ...CNN_RECIPE, engine, threads: 2,
      validation: data, onEpoch: (m) => curve.push(m.loss, m.valLoss!),
    });
    assert.equal(tf.memory().numTensors, before, `${engine}: tensors before and after`);
    model.dispose();
    if (curves[engine]) assert.deepEqual(curve, curves[engine], 'same seed, same engine: the same run');
    curves[engine] = curve;
  }
  const [a, b] = [curves.tfjs!, curves.onnxruntime!];
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 0.02 * Math.max(1, a[i]!), `epoch ${Math.floor(i / 2) + 1}: tfjs ${a[i]} vs onnxruntime ${b[i]}`);
  // Smoothed targets: the training loss cannot fall below their entropy (≈ 0.22 for ε 0.05 over 5 classes).
  assert.ok(b.filter((_, i) => i % 2 === 0).every((l) => l > 0.2), `smoothed training losses ${b}`);
});

test('the head recipe (label smoothing, cosine decay): ONNX Runtime follows tfjs', async () => {
  await tf.setBackend('cpu');
  const r = rng(11), n = 180, dims = 24;
  const x = new Float32Array(n * dims), y = Int32Array.from({ length: n }, (_, i) => i % 3);
  for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) x[i * dims + d] = r() + (d % 3 === y[i] ? 0.6 : 0);
  const curves: Record<string, number[]> = {};
  for (const engine of ['tfjs', 'auto'] as const) {
    const curve: number[] = [];
    const model = await trainHead(x, dims, y, 3, {
      dense: [12], dropout: 0, epochs: 5, batchSize: 30, learningRate: 1e-2, seed: 5, engine, labelSmoothing: 0.1, cosineDecay: true,
      validation: { x, y }, onEpoch: (m) => curve.push(m.loss, m.valLoss!),
    });
    model.dispose();
    curves[engine] = curve;
  }
  const [a, b] = [curves.tfjs!, curves.auto!];
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 0.01 * Math.max(1, a[i]!), `epoch ${Math.floor(i / 2) + 1}: tfjs ${a[i]} vs onnxruntime ${b[i]}`);
  assert.ok(b.at(-1)! < b[1]! * 0.9, `validation loss falls: ${b}`);
});
