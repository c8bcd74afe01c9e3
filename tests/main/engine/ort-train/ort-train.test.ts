// The ONNX Runtime training step: its hand-written backward pass against tfjs autodiff, its Adam against tfjs
// Adam, the worker split against one session, and fitImages on real rice images following the tfjs curve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import tf from '../../../../src/main/engine/tfjs.cjs';
import { buildCnn } from '../../../../src/main/engine/models/cnn';
import { buildReferenceCnn } from '../../../../src/main/engine/models/reference-cnn';
import { fitImages } from '../../../../src/main/engine/train/cnn-trainer';
import { trainHead } from '../../../../src/main/engine/train/head-trainer';
import { createGradEngine } from '../../../../src/main/engine/ort-train/grad-engine';
import { stepLayersOf } from '../../../../src/main/engine/ort-train/model-spec';
import { createOrtTrainer, createOrtTrainerFor } from '../../../../src/main/engine/ort-train/ort-trainer';
import { rng } from '../../../../src/main/engine/random';
import { tinyRice } from '../../../helpers/rice-subset';

const maxAbs = (a: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!)); return m; };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!)); return m; };

/** The model's forward pass layer by layer, with each dropout replaced by multiplying the given mask. */
function forwardWithMasks(model: tf.LayersModel, x: tf.Tensor, masks: tf.Tensor[]): tf.Tensor {
  let a = x;
  let mi = 0;
  for (const l of model.layers) {
    if (l.getClassName() === 'InputLayer') continue;
    // Batch norms in training mode: normalised by this batch's statistics, as the step graph does.
    a = l.getClassName() === 'Dropout' ? tf.mul(a, masks[mi++]!) : (l.apply(a, { training: l.getClassName() === 'BatchNormalization' }) as tf.Tensor);
  }
  return a;
}

async function gradParity(model: tf.LayersModel, rows: number, dropoutRate = 0) {
  const spec = stepLayersOf(model);
  if ('reason' in spec) throw new Error(spec.reason);
  const S = (spec.input as { size: number }).size, k = model.outputs[0]!.shape[1] as number;
  const x = tf.randomUniform([rows, S, S, 3], 0, 1, 'float32', 5);
  const labels = Int32Array.from({ length: rows }, (_, i) => (i * 3) % k);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), k).cast('float32');
  const rand = rng(9);
  const maskData = spec.layers.filter((l) => l.kind === 'dropout').map(() => null as Float32Array | null);
  const denseUnits = model.layers.filter((l) => l.getClassName() === 'Dropout').map((l) => (l.inboundNodes[0]!.inputTensors[0]!.shape[1] as number));
  const masks = denseUnits.map((u) => Float32Array.from({ length: rows * u }, () => (rand() < dropoutRate ? 0 : 1 / (1 - dropoutRate))));
  maskData.splice(0, maskData.length, ...masks);
  const maskTs = masks.map((m, i) => tf.tensor2d(m, [rows, denseUnits[i]!]));
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const lossFn = () => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(forwardWithMasks(model, x, maskTs))), 1))) as tf.Scalar;
  const { value, grads } = tf.variableGrads(lossFn, vars);
  const engine = await createGradEngine(spec.layers, spec.input, 1);
  try {
    const r = await engine.run(rows, rows, x.dataSync() as Float32Array, Float32Array.from(y.dataSync()), masks, model.getWeights().map((w) => w.dataSync() as Float32Array));
    assert.ok(Math.abs(r.loss / rows - value.dataSync()[0]!) < 1e-5, `loss ${r.loss / rows} vs tfjs ${value.dataSync()[0]}`);
    vars.forEach((v, i) => {
      const want = grads[v.name]!.dataSync();
      assert.ok(maxAbs(want) > 1e-4, `${v.name}: the reference gradient is not trivially zero`);
      const diff = maxDiff(want, r.grads[i]!);
      assert.ok(diff <= 2e-6 + 1e-4 * maxAbs(want), `${v.name} [${v.shape}]: max |Δ| ${diff} (max |g| ${maxAbs(want)})`);
    });
  } finally {
    await engine.release();
    tf.dispose([x, y, value, ...Object.values(grads), ...maskTs]);
  }
}

test('step gradients equal tfjs autodiff: reference CNN (valid + same padding, odd pools)', async () => {
  await tf.setBackend('cpu');
  const model = buildReferenceCnn(5, 3, 21); // 21 → 19 → 9 → 9 → 4 → 4 → 2: every pool meets an odd size
  await gradParity(model, 6);
  model.dispose();
});

test("step gradients equal tfjs autodiff: Paddy's CNN with hidden ReLU dense layers and dropout masks", async () => {
  await tf.setBackend('cpu');
  const model = buildCnn({ imageSize: 16, filters: [4, 8], dense: [12, 7], dropout: 0.4, numClasses: 3, seed: 2 });
  await gradParity(model, 5, 0.4);
  model.dispose();
});

test('step gradients equal tfjs autodiff: batch norm (conv without bias → BN → ReLU → pool), global average pooling, dropout after it', async () => {
  await tf.setBackend('cpu');
  const model = buildCnn({ imageSize: 12, filters: [4, 6], dense: [], dropout: 0.3, numClasses: 3, seed: 2, batchNorm: true, globalPool: true });
  const spec = stepLayersOf(model);
  assert.ok(!('reason' in spec) && spec.layers.map((l) => l.kind).join() === 'conv,bn,pool,conv,bn,pool,gap,dropout,dense', JSON.stringify(spec));
  // γ and β away from 1 and 0, so their gradients' roles in dx are tested too.
  const moved = model.getWeights().map((w, i) => (i < model.trainableWeights.length && w.shape.length === 1 ? tf.add(w, tf.randomUniform(w.shape, -0.5, 0.5, 'float32', i)) : w.clone()));
  model.setWeights(moved);
  tf.dispose(moved);
  await gradParity(model, 5, 0.3);
  // And on a ReLU dense layer after flattening a batch-normed map.
  const flat = buildCnn({ imageSize: 8, filters: [3], dense: [6], dropout: 0, numClasses: 2, seed: 3, batchNorm: true });
  await gradParity(flat, 4);
  model.dispose();
  flat.dispose();
});

test('batch norm on the ONNX step: Adam steps and moving statistics match tfjs trainOnBatch; the tfjs model predicts with them', async () => {
  await tf.setBackend('cpu');
  const spec = { imageSize: 10, filters: [4, 5], dense: [], dropout: 0, numClasses: 3, seed: 6, batchNorm: true, globalPool: true };
  const ref = buildCnn(spec), ours = buildCnn(spec);
  ref.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy' });
  const one = await createOrtTrainerFor(ours, { threads: 1, rand: rng(1) });
  const two = await createOrtTrainerFor(ours, { threads: 2, rand: rng(1) });
  const again = await createOrtTrainerFor(ours, { threads: 2, rand: rng(1) });
  const rand = rng(8);
  const x = Float32Array.from({ length: 8 * 10 * 10 * 3 }, () => rand());
  try {
    for (let s = 0; s < 5; s++) {
      const labels = Int32Array.from({ length: 8 }, (_, i) => (i + s) % 3);
      const a = await one.step(x.slice(), labels, 1e-2);
      await two.step(x.slice(), labels, 1e-2);
      await again.step(x.slice(), labels, 1e-2);
      const xt = tf.tensor4d(x, [8, 10, 10, 3]);
      const yt = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).cast('float32');
      const loss = (await ref.trainOnBatch(xt, yt)) as number;
      tf.dispose([xt, yt]);
      assert.ok(Math.abs(a.loss - loss) < 1e-4, `step ${s}: loss ${a.loss} vs tfjs ${loss}`);
    }
    const want = ref.getWeights().map((w) => w.dataSync());
    const nt = ref.trainableWeights.length;
    one.params().forEach((p, i) => assert.ok(maxDiff(p, want[i]!) < 1e-3, `param ${i}: ${maxDiff(p, want[i]!)} from tfjs`));
    one.stats().forEach((st, i) => assert.ok(maxDiff(st, want[nt + i]!) < 1e-4, `moving statistic ${i}: ${maxDiff(st, want[nt + i]!)} from tfjs`));
    assert.ok(maxAbs(one.stats()[0]!) > 1e-3, 'the moving means moved');
    // Two workers normalise each half of the batch by its own statistics ("ghost" batch norm): close to, not equal to, one session.
    two.stats().forEach((st, i) => assert.ok(maxDiff(st, one.stats()[i]!) < 0.05 * Math.max(1, maxAbs(one.stats()[i]!)), `2 workers, statistic ${i}`));
    assert.deepEqual([...again.params(), ...again.stats()], [...two.params(), ...two.stats()], 'same seed, same engine → the same weights and statistics');
    one.copyInto(ours);
    const xt = tf.tensor4d(x, [8, 10, 10, 3]);
    const [p1, p2] = [ours, ref].map((m) => m.predict(xt) as tf.Tensor);
    assert.ok(maxDiff(p1!.dataSync(), p2!.dataSync()) < 1e-3, 'the same predictions as the tfjs-trained model');
    // Inference uses the moving statistics, not the batch's: a single image scores the same alone and in the batch.
    const alone = ours.predict(xt.slice(0, 1)) as tf.Tensor;
    assert.ok(maxDiff(alone.dataSync(), p1!.dataSync().subarray(0, 3)) < 1e-5);
    tf.dispose([xt, p1!, p2!, alone]);
  } finally {
    await Promise.all([one.dispose(), two.dispose(), again.dispose()]);
    ref.dispose();
    ours.dispose();
  }
});

test('a layer list the graph cannot express fails when the trainer is created, not at the first batch', async () => {
  await assert.rejects(
    createOrtTrainer({ layers: [{ kind: 'conv', filters: 2, kernel: 3, padding: 'valid', relu: true }, { kind: 'pool' }, { kind: 'pool' }, { kind: 'flatten' }, { kind: 'dense', units: 2, activation: 'softmax' }], input: { size: 4 }, numClasses: 2, params: [], rand: Math.random }),
    /step graph: input \[3, 4, 4\] is too small for these layers/,
  );
});

/** A model the step cannot train (a strided conv), named conv_0 as in buildCnn. */
const stridedCnn = (size: number) => tf.sequential({ layers: [
  tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, inputShape: [size, size, 3], name: 'conv_0' }),
  tf.layers.flatten(),
  tf.layers.dense({ units: 2, activation: 'softmax' }),
] });

test('models the step cannot train are named with the reason', () => {
  const strided = stridedCnn(16);
  const r = stepLayersOf(strided);
  assert.ok('reason' in r && /conv_0 \(Conv2D\): strides/.test(r.reason), JSON.stringify(r));
  strided.dispose();
});

test('Adam steps match tfjs Adam, and 2 worker threads match one session', async () => {
  await tf.setBackend('cpu');
  const model = buildReferenceCnn(4, 5, 16, 1e-2);
  const spec = stepLayersOf(model);
  if ('reason' in spec) throw new Error(spec.reason);
  const start = model.getWeights().map((w) => new Float32Array(w.dataSync()));
  const one = await createOrtTrainer({ layers: spec.layers, input: spec.input, numClasses: 4, params: start, threads: 1, rand: rng(1) });
  const two = await createOrtTrainer({ layers: spec.layers, input: spec.input, numClasses: 4, params: start, threads: 2, rand: rng(1) });
  try {
    assert.match(two.name, /2 worker threads/);
    assert.match(one.name, /1 thread$/);
    const rand = rng(4);
    for (let s = 0; s < 6; s++) {
      const n = s === 5 ? 5 : 8; // a short last batch too
      const x = Float32Array.from({ length: n * 16 * 16 * 3 }, () => rand());
      const labels = Int32Array.from({ length: n }, (_, i) => (i + s) % 4);
      const a = await one.step(x.slice(), labels, 1e-2);
      const b = await two.step(x.slice(), labels, 1e-2);
      const xt = tf.tensor4d(x, [n, 16, 16, 3]);
      const yt = tf.oneHot(tf.tensor1d(labels, 'int32'), 4).cast('float32');
      const [loss, acc] = (await model.trainOnBatch(xt, yt)) as number[];
      tf.dispose([xt, yt]);
      assert.ok(Math.abs(a.loss - loss!) < 1e-4, `step ${s}: loss ${a.loss} vs tfjs ${loss}`);
      assert.ok(Math.abs(b.loss - a.loss) < 1e-5, `step ${s}: 2 workers ${b.loss} vs 1 session ${a.loss}`);
      assert.ok(Math.abs(a.accuracy - acc!) < 1e-6, `step ${s}: accuracy ${a.accuracy} vs tfjs ${acc}`);
    }
    const want = model.getWeights().map((w) => w.dataSync());
    const moved = maxDiff(want[0]!, start[0]!);
    assert.ok(moved > 1e-3, 'the weights moved');
    for (const [i, p] of one.params().entries()) assert.ok(maxDiff(p, want[i]!) < 1e-4 * Math.max(1, moved * 100), `param ${i}: ${maxDiff(p, want[i]!)} from tfjs`);
    for (const [i, p] of two.params().entries()) assert.ok(maxDiff(p, one.params()[i]!) < 1e-5, `param ${i}: workers vs session`);
  } finally {
    await one.dispose();
    await two.dispose();
    model.dispose();
  }
});


test('fitImages on real rice: the ONNX Runtime engine follows the tfjs curve, leaks no tensors, reports itself', async () => {
  await tf.setBackend('cpu');
  const data = await tinyRice(20, 8);
  const spec = { imageSize: 20, filters: [6, 8], dense: [16], dropout: 0, numClasses: 5, seed: 4 };
  const curves: Record<string, number[]> = {};
  const engines: string[] = [];
  for (const engine of ['tfjs', 'onnxruntime'] as const) {
    const model = buildCnn(spec);
    const before = tf.memory().numTensors;
    const curve: number[] = [];
    const done = await fitImages(model, data, {
      size: 20, epochs: 5, batchSize: 8, learningRate: 1e-2, seed: 1, augment: false, engine, threads: 2,
      validation: data, onEpoch: (m) => curve.push(m.loss, m.valLoss!), onEngine: (e) => engines.push(e),
    });
    assert.equal(done, true);
    assert.equal(tf.memory().numTensors, before, `${engine}: tensors before and after fitImages`);
    curves[engine] = curve;
    model.dispose();
  }
  assert.deepEqual(engines, ['tfjs cpu', 'onnxruntime-cpu, 2 worker threads']);
  const [a, b] = [curves.tfjs!, curves.onnxruntime!];
  assert.equal(a.length, 10);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 0.02 * Math.max(1, a[i]!), `epoch ${Math.floor(i / 2) + 1}: tfjs ${a[i]} vs onnxruntime ${b[i]}`);
  assert.ok(b.at(-1)! < b[1]! * 0.8, `validation loss falls by 20%: ${b}`);
});

test("engine 'onnxruntime' refuses a model it cannot train instead of silently using tfjs", async () => {
  await tf.setBackend('cpu');
  const model = stridedCnn(8);
  const data = { pixels: [new Uint8Array(8 * 8 * 3), new Uint8Array(8 * 8 * 3).fill(200)], y: Int32Array.from([0, 1]) };
  await assert.rejects(
    fitImages(model, data, { size: 8, epochs: 1, batchSize: 2, learningRate: 1e-3, seed: 1, augment: false, engine: 'onnxruntime' }),
    /ONNX Runtime training step cannot train this model: layer conv_0 \(Conv2D\)/,
  );
  const engines: string[] = [];
  assert.equal(await fitImages(model, data, { size: 8, epochs: 1, batchSize: 2, learningRate: 1e-3, seed: 1, augment: false, onEngine: (e) => engines.push(e) }), true);
  assert.deepEqual(engines, ['tfjs cpu']);
  model.dispose();
});

test('trainHead: the ONNX Runtime session follows the tfjs curve on feature vectors, with dropout on the input too', async () => {
  await tf.setBackend('cpu');
  // Separable but noisy 40-d features for 3 classes.
  const r = rng(11), n = 240, dims = 40;
  const x = new Float32Array(n * dims), y = Int32Array.from({ length: n }, (_, i) => i % 3);
  for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) x[i * dims + d] = r() + (d % 3 === y[i] ? 0.6 : 0);
  const curves: Record<string, number[]> = {};
  const engines: string[] = [];
  for (const engine of ['tfjs', 'auto'] as const) {
    const before = tf.memory().numTensors;
    const curve: number[] = [];
    const model = await trainHead(x, dims, y, 3, {
      dense: [16], dropout: 0, epochs: 6, batchSize: 32, learningRate: 1e-2, seed: 5, engine,
      validation: { x, y }, onEpoch: (m) => curve.push(m.loss, m.valLoss!), onEngine: (e) => engines.push(e),
    });
    curves[engine] = curve;
    model.dispose();
    assert.equal(tf.memory().numTensors, before, `${engine}: no tensors left behind`);
  }
  assert.equal(engines[0], 'tfjs cpu');
  assert.match(engines[1]!, /^onnxruntime-cpu, \d+ threads?$/);
  const [a, b] = [curves.tfjs!, curves.auto!];
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 0.02 * Math.max(1, a[i]!), `epoch ${Math.floor(i / 2) + 1}: tfjs ${a[i]} vs onnxruntime ${b[i]}`);
  assert.ok(b.at(-1)! < b[1]! * 0.7, `validation loss falls: ${b}`);
  // Dropout straight on the input (a head with no hidden layer) trains too.
  const drop = await trainHead(x, dims, y, 3, { dense: [], dropout: 0.3, epochs: 3, batchSize: 32, learningRate: 1e-2, seed: 5, validation: { x, y } });
  const probs = drop.predict(tf.tensor2d(x.subarray(0, 3 * dims), [3, dims])) as tf.Tensor;
  assert.ok(probs.dataSync().every(Number.isFinite));
  tf.dispose([probs]);
  drop.dispose();
});
