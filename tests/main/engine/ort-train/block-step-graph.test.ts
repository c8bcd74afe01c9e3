// The MobileNetV2 block training step (block-step-graph.ts) against tfjs autodiff on the real α0.35 weights and
// real rice images through the cut: loss and every gradient of the tuned blocks + head, the top 2 blocks and the
// top 4 (block_13: zero padding + stride-2 depthwise), a stride-2 'same' depthwise alone, and fineTune on the
// ONNX step: reproducible, following tfjs, leaving no tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import tf from '../../../../src/main/engine/tfjs.cjs';
import { useBackend } from '../../../../src/main/engine/backends';
import { buildBlockGraph } from '../../../../src/main/engine/ort-train/block-step-graph';
import { blockModelOf } from '../../../../src/main/engine/ort-train/block-spec';
import { loadOrt, sessionOptions } from '../../../../src/main/engine/onnx/runtime/extractor';
import { cutActivations, cutTensor, splitBase, tryCutRunner } from '../../../../src/main/engine/train/finetune-cut';
import { fineTune, fineTuneLayers } from '../../../../src/main/engine/train/mobilenet-trainer';
import { buildHead } from '../../../../src/main/engine/train/head-trainer';
import { findWeights, loadBase } from '../../../../src/main/engine/weights/find';
import { rng } from '../../../../src/main/engine/random';
import { riceFiles } from '../../../helpers/train-lib';
import { MOBILENET_DIR } from '../../../helpers/tmp';

const maxAbs = (a: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!)); return m; };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!)); return m; };
const dir = findWeights(0.35, { weightsDir: MOBILENET_DIR });
const CLASSES = ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'];

/** Loss and gradients of (net from cut, pooled, head with dropout → mask) by tfjs autodiff and by the ONNX graph. */
async function parity(base: tf.LayersModel, top: tf.LayersModel, cut: tf.SymbolicTensor, head: tf.LayersModel, x: Float32Array, labels: Int32Array) {
  const model = blockModelOf(base, cut, head);
  if ('reason' in model) throw new Error(model.reason);
  const rows = labels.length, k = head.outputs[0]!.shape[1] as number;
  const g = buildBlockGraph({ ...model.net, batch: rows });
  const rand = rng(9);
  const masks = g.masks.map((m) => Float32Array.from({ length: rows * m.units }, () => (rand() < m.rate ? 0 : 1 / (1 - m.rate))));
  const y = new Float32Array(rows * k);
  labels.forEach((c, i) => (y[i * k + c] = 1));
  const ort = (await loadOrt())!;
  const session = await ort.InferenceSession.create(g.bytes, sessionOptions({ threads: 1 }));
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
    x: new ort.Tensor('float32', x, [rows, ...model.net.input]),
    y: new ort.Tensor('float32', y, [rows, k]),
  };
  g.masks.forEach((m, i) => (feeds[m.name] = new ort.Tensor('float32', masks[i]!, [rows, m.units])));
  model.vars.forEach((v, i) => (feeds[`p${i}`] = new ort.Tensor('float32', v.read().dataSync() as Float32Array, v.shape as number[])));
  const out = await session.run(feeds);

  const vars = model.vars.map((v) => v.read() as tf.Variable);
  const { value, grads } = tf.tidy(() => {
    const xt = tf.tensor4d(x, [rows, ...model.net.input]);
    const yt = tf.tensor2d(y, [rows, k]);
    const maskTs = masks.map((m, i) => tf.tensor2d(m, [rows, g.masks[i]!.units]));
    return tf.variableGrads(() => {
      let a = (top.apply(xt, { training: false }) as tf.Tensor).mean([1, 2]);
      let mi = 0;
      for (const l of head.layers) a = l.getClassName() === 'Dropout' ? tf.mul(a, maskTs[mi++]!) : (l.apply(a) as tf.Tensor);
      return tf.neg(tf.mean(tf.sum(tf.mul(yt, tf.log(a)), 1))) as tf.Scalar;
    }, vars);
  });
  try {
    const loss = Number(out.loss!.data[0]) / rows;
    assert.ok(Math.abs(loss - value.dataSync()[0]!) < 1e-4, `loss ${loss} vs tfjs ${value.dataSync()[0]}`);
    vars.forEach((v, i) => {
      const want = grads[v.name]!.dataSync();
      assert.ok(maxAbs(want) > 1e-6, `${v.name}: the reference gradient is not trivially zero`);
      const diff = maxDiff(want, out[`g${i}`]!.data as Float32Array);
      assert.ok(diff <= 5e-5 * maxAbs(want), `${v.name} [${v.shape}]: max |Δ| ${diff} (max |g| ${maxAbs(want)})`);
    });
    return model.vars.length;
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
    await session.release();
  }
}

test('block step graph: loss and every gradient match tfjs autodiff, top 2 and top 4 blocks (stride-2 depthwise), real rice', async () => {
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const base = await loadBase(dir);
  const head = buildHead(1280, 5, [16], 0.5, 3);
  const files = CLASSES.slice(0, 4).map((c) => riceFiles(c, 1)[0]!);
  const labels = Int32Array.from([0, 1, 2, 3]);
  for (const blocks of [2, 4]) {
    const split = splitBase(base, blocks)!;
    const runner = await tryCutRunner(dir, split.bottom);
    const acts = (await cutActivations(split.bottom, files, { runner }))!;
    await runner?.dispose();
    const n = await parity(base, split.top, cutTensor(base, blocks)!, head, acts.data, labels);
    // Every tuned layer's kernel and the head's kernels and biases, in the order fineTune trains them.
    assert.equal(n, fineTuneLayers(base, blocks).length + head.trainableWeights.length);
    split.dispose();
  }
  head.dispose();
  base.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('block step graph: a stride-2 depthwise with tfjs "same" padding, folded and unfolded BatchNorm, gradients to a 1×1 conv', async () => {
  await useBackend('wasm');
  const input = tf.input({ shape: [9, 8, 6] });
  let a = tf.layers.conv2d({ filters: 4, kernelSize: 1, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  // A BatchNorm after a conv is folded into it; one after the ReLU6 stays a separate affine op.
  const bns = [tf.layers.batchNormalization(), tf.layers.batchNormalization()];
  a = tf.layers.reLU({ maxValue: 6 }).apply(bns[0]!.apply(a)) as tf.SymbolicTensor;
  a = bns[1]!.apply(a) as tf.SymbolicTensor;
  a = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', useBias: false, depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(a) as tf.SymbolicTensor;
  a = tf.layers.reLU({ maxValue: 6 }).apply(a) as tf.SymbolicTensor;
  a = tf.layers.conv2d({ filters: 5, kernelSize: 1, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(a) as tf.SymbolicTensor;
  const net = tf.model({ inputs: input, outputs: a });
  const r = rng(5);
  for (const bn of bns) {
    const stats = [0.5, 1.5, -0.5, 2].map((scale, i) => tf.tensor1d(Array.from({ length: 4 }, () => (i === 3 ? 0.2 + r() : scale * r()))));
    bn.setWeights(stats);
    tf.dispose(stats);
  }
  const head = buildHead(5, 3, [], 0, 4);
  const x = Float32Array.from({ length: 3 * 9 * 8 * 6 }, () => r() * 4 - 1);
  await parity(net, net, input, head, x, Int32Array.from([0, 1, 2]));
  net.dispose();
  head.dispose();
});

test('fineTune on the ONNX block step: same seed → same weights, steps follow tfjs, no tensors left', async () => {
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const paths = CLASSES.flatMap((c) => riceFiles(c, 3));
  const y = Int32Array.from(paths, (_, i) => Math.floor(i / 3));
  const run = async (engine: 'onnxruntime' | 'tfjs', dropout = 0.3, extra: Partial<Parameters<typeof fineTune>[1]> = {}) => {
    const head = buildHead(1280, 5, [16], dropout, 7);
    const engines: string[] = [];
    const losses: number[] = [];
    const { base, completed } = await fineTune(head, {
      modelDir: dir, blocks: 2, epochs: 1, batchSize: 8, learningRate: 1e-3, seed: 11, engine,
      train: { paths, y }, onEngine: (e) => engines.push(e), onBatch: (p) => losses.push(p.loss), ...extra,
    });
    const w = base.getLayer('block_16_project').getWeights()[0]!.dataSync().slice();
    const hw = head.getWeights()[0]!.dataSync().slice();
    base.dispose();
    head.dispose();
    return { completed, engines, losses, w, hw };
  };
  const a = await run('onnxruntime');
  assert.ok(a.completed);
  assert.match(a.engines[0]!, /^onnxruntime-cpu/);
  const b = await run('onnxruntime');
  assert.deepEqual(Array.from(b.w), Array.from(a.w), 'same seed, same engine → same tuned weights');
  assert.deepEqual(Array.from(b.hw), Array.from(a.hw));
  // Cut activations handed in (benchmarks compute them once for many settings) train exactly as computed ones.
  const cutBase = await loadBase(dir);
  const split = splitBase(cutBase, 2)!;
  const runner = await tryCutRunner(dir, split.bottom);
  const acts = (await cutActivations(split.bottom, paths, { runner }))!;
  await runner?.dispose();
  split.dispose();
  cutBase.dispose();
  const given = await run('onnxruntime', 0.3, { cut: { train: acts } });
  assert.deepEqual(Array.from(given.w), Array.from(a.w), 'given cut activations → the same tuned weights');
  const badHead = buildHead(1280, 5, [16], 0.3, 7);
  await assert.rejects(fineTune(badHead, { modelDir: dir, blocks: 2, epochs: 1, batchSize: 8, learningRate: 1e-3, seed: 11, train: { paths, y }, cut: { train: { data: acts.data.subarray(acts.per), per: acts.per } } }),
    /given train cut activations do not match 15 images/);
  badHead.dispose();
  // The recipe's options (fine-tuning's defaults: label smoothing, cosine decay) change the steps, reproducibly.
  const recipe = { labelSmoothing: 0.05, cosineDecay: true, warmup: 0.1 };
  const r1 = await run('onnxruntime', 0.3, recipe);
  const r2 = await run('onnxruntime', 0.3, recipe);
  assert.deepEqual(Array.from(r1.w), Array.from(r2.w));
  assert.notDeepEqual(Array.from(r1.w), Array.from(a.w));
  // Without dropout (whose masks come from different generators) the ONNX step follows tfjs's steps.
  const o = await run('onnxruntime', 0);
  const t = await run('tfjs', 0);
  assert.match(t.engines[0]!, /^tfjs/);
  assert.ok(Math.abs(o.losses[0]! - t.losses[0]!) < 1e-4 * t.losses[0]!, `first loss ${o.losses[0]} vs tfjs ${t.losses[0]}`);
  assert.ok(Math.abs(o.losses[1]! - t.losses[1]!) < 1e-2 * t.losses[1]!, `second loss ${o.losses[1]} vs tfjs ${t.losses[1]}`);
  // Two Adam steps move a weight by up to 2·lr = 2e-3; where a gradient is ~0, m/√v amplifies float noise.
  assert.ok(maxDiff(o.w, t.w) < 5e-4, `tuned weights after 2 steps: max |Δ| ${maxDiff(o.w, t.w)}`);
  assert.equal(tf.memory().numTensors, before);
});
