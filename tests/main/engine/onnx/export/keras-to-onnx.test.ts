// Keras→ONNX export on small tfjs models with random weights: each ONNX output must match tfjs' predict. Covers
// what MobileNetV2 does not: asymmetric 'same' padding at stride 2 on odd sizes, depthwise multipliers,
// standalone BatchNormalization, explicit pads, pooling, Flatten order before Dense, softmax; Paddy's own CNN
// (Sequential); and a classifier head chained onto the frozen base.
import tf from '../../../../../src/main/engine/tfjs.cjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import ort from 'onnxruntime-node';
import { buildCnn } from '../../../../../src/main/engine/models/cnn';
import { ExportError, kerasToOnnx, samePads } from '../../../../../src/main/engine/onnx/export/keras-to-onnx';
import { OPSET, PORTABLE_OPSET } from '../../../../../src/main/engine/onnx/export/onnx-graph';
import { readLayersModel } from '../../../../../src/main/engine/onnx/export/layers-model';
import { MOBILENET_DIR, tempDir } from '../../../../helpers/tmp';

before(async () => {
  await tf.setBackend('cpu');
});

/** Saves a tfjs model as model.json + weights.bin (what Paddy keeps for a run) and reads it back for the exporter. */
async function saveAndRead(model: tf.LayersModel) {
  const dir = tempDir();
  await model.save({
    save: async (a) => {
      const data = Buffer.from(a.weightData as ArrayBuffer);
      fs.writeFileSync(path.join(dir, 'weights.bin'), data);
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  return readLayersModel(dir);
}

/** Random weights (seeded), variances kept positive, so BatchNorm folding is exercised for real. */
function randomise(model: tf.LayersModel, seed: number): void {
  const ws = model.getWeights();
  const next = ws.map((w, i) =>
    tf.tidy(() => {
      const r = tf.randomUniform(w.shape, -0.8, 0.8, 'float32', seed + i);
      return model.weights[i].name.includes('moving_variance') ? r.abs().add(0.2) : r;
    }),
  );
  model.setWeights(next);
  tf.dispose(next);
}

function uniform(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return (s / 0x7fffffff) * 2 - 1;
  });
}

async function compare(model: tf.LayersModel, hwc: [number, number, number], n: number, tol = 1e-4): Promise<number> {
  const saved = await saveAndRead(model);
  const x = uniform(n * hwc[0] * hwc[1] * hwc[2], 7);
  const numTensors = tf.memory().numTensors;
  const ref = tf.tidy(() => (model.predict(tf.tensor4d(x, [n, ...hwc])) as tf.Tensor).dataSync() as Float32Array);
  assert.equal(tf.memory().numTensors, numTensors, 'reference leaked tensors');
  // Both opsets: Paddy's own graphs (13) and the portable one exports are written at (10: attribute Clip and Pad).
  for (const [layout, opset] of [['nhwc', OPSET], ['nchw', OPSET], ['nhwc', PORTABLE_OPSET], ['nchw', PORTABLE_OPSET]] as const) {
    const out = kerasToOnnx(saved, { inputLayout: layout, opset });
    const session = await ort.InferenceSession.create(out.bytes);
    const [h, w, c] = hwc;
    let input = x;
    if (layout === 'nchw') {
      input = new Float32Array(x.length);
      for (let b = 0; b < n; b++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) input[((b * c + k) * h + i) * w + j] = x[((b * h + i) * w + j) * c + k];
    }
    const res = await session.run({ [out.inputName]: new ort.Tensor('float32', input, layout === 'nhwc' ? [n, h, w, c] : [n, c, h, w]) });
    const got = res[out.outputName].data as Float32Array;
    await session.release();
    assert.equal(got.length, ref.length);
    let maxDiff = 0;
    for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - ref[i]));
    assert.ok(maxDiff < tol, `${layout}, opset ${opset}: max |onnx − tfjs| = ${maxDiff}`);
  }
  return ref.length;
}

test("samePads puts TensorFlow's odd pixel on the bottom/right", () => {
  assert.deepEqual(samePads(224, 3, 1, 1), [1, 1]);
  assert.deepEqual(samePads(224, 3, 2, 1), [0, 1]);
  assert.deepEqual(samePads(17, 3, 2, 1), [1, 1]);
  assert.deepEqual(samePads(8, 4, 2, 1), [1, 1]);
  assert.deepEqual(samePads(7, 2, 2, 1), [0, 1]);
  assert.deepEqual(samePads(5, 3, 1, 2), [2, 2]);
  assert.deepEqual(samePads(3, 1, 1, 1), [0, 0]);
});

test('a functional model with every supported layer kind matches tfjs', async () => {
  const input = tf.input({ shape: [17, 13, 3] });
  let a = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: true }).apply(input) as tf.SymbolicTensor;
  a = tf.layers.batchNormalization({ epsilon: 0.01 }).apply(a) as tf.SymbolicTensor;
  a = tf.layers.reLU({ maxValue: 6 }).apply(a) as tf.SymbolicTensor;
  let b = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, useBias: true }).apply(a) as tf.SymbolicTensor;
  b = tf.layers.activation({ activation: 'relu' }).apply(b) as tf.SymbolicTensor;
  b = tf.layers.batchNormalization().apply(b) as tf.SymbolicTensor; // not after a conv: stays a node
  let c = tf.layers.zeroPadding2d({ padding: [[1, 2], [0, 1]] }).apply(b) as tf.SymbolicTensor;
  c = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'valid', dilationRate: 1, activation: 'tanh' }).apply(c) as tf.SymbolicTensor;
  const d = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }).apply(c) as tf.SymbolicTensor;
  const e = tf.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'relu6' }).apply(d) as tf.SymbolicTensor;
  let f = tf.layers.add().apply([d, e]) as tf.SymbolicTensor;
  f = tf.layers.zeroPadding2d({ padding: 1 }).apply(f) as tf.SymbolicTensor;
  f = tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }).apply(f) as tf.SymbolicTensor; // explicit Pad node
  let g = tf.layers.flatten().apply(f) as tf.SymbolicTensor;
  g = tf.layers.dense({ units: 6, activation: 'sigmoid' }).apply(g) as tf.SymbolicTensor;
  g = tf.layers.dropout({ rate: 0.5 }).apply(g) as tf.SymbolicTensor;
  g = tf.layers.dense({ units: 5, activation: 'softmax' }).apply(g) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: g });
  randomise(model, 11);
  assert.equal(await compare(model, [17, 13, 3], 3), 15);
  model.dispose();
});

test("Paddy's CNN (Sequential, with and without BatchNorm) matches tfjs", async () => {
  for (const batchNorm of [false, true]) {
    const model = buildCnn({ imageSize: 20, filters: [4, 8, 8], dense: [8], dropout: 0.3, numClasses: 5, seed: 3, batchNorm });
    randomise(model, 5);
    assert.equal(await compare(model, [20, 20, 3], 4), 20);
    model.dispose();
  }
});

test('a head chained onto the α0.35 base matches tfjs base → pooled → head', async () => {
  const baseDir = path.join(MOBILENET_DIR, 'mobilenet_v2_0.35_224_no_top');
  const base = readLayersModel(baseDir);
  const head = tf.sequential();
  head.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [1280] }));
  head.add(tf.layers.dropout({ rate: 0.2 }));
  head.add(tf.layers.dense({ units: 5, activation: 'softmax' }));
  randomise(head, 21);
  const headSaved = await saveAndRead(head);
  const out = kerasToOnnx(base, { inputLayout: 'nhwc', pool: 'avg', head: headSaved });
  assert.deepEqual(out.outputShape, [5]);
  const x = uniform(2 * 224 * 224 * 3, 3);
  const session = await ort.InferenceSession.create(out.bytes);
  const got = (await session.run({ input: new ort.Tensor('float32', x, [2, 224, 224, 3]) })).output.data as Float32Array;
  await session.release();
  const tfBase = await tf.loadLayersModel({ load: async () => ({ modelTopology: base.modelTopology as object, weightSpecs: base.weightSpecs, weightData: base.weightData }) });
  const ref = tf.tidy(() => (head.predict((tfBase.predict(tf.tensor4d(x, [2, 224, 224, 3])) as tf.Tensor4D).mean([1, 2])) as tf.Tensor).dataSync());
  tfBase.dispose();
  head.dispose();
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(got[i] - ref[i]) < 1e-4, `prob ${i}: ${got[i]} vs ${ref[i]}`);
  assert.ok(Math.abs(got[0] + got[1] + got[2] + got[3] + got[4] - 1) < 1e-5);
});

test('unsupported layers and wiring are refused with the layer named', async () => {
  const base = readLayersModel(path.join(MOBILENET_DIR, 'mobilenet_v2_0.35_224_no_top'));
  const topo = structuredClone(base.topology);
  topo.layers[5] = { ...topo.layers[5], class_name: 'LSTM' };
  assert.throws(() => kerasToOnnx({ topology: topo, weights: base.weights }, { inputLayout: 'nhwc' }), (e: Error) => e instanceof ExportError && e.message.includes(topo.layers[5].name) && e.message.includes('LSTM'));
  const weights = new Map(base.weights);
  weights.delete('block_3_project/kernel');
  assert.throws(() => kerasToOnnx({ topology: base.topology, weights }, { inputLayout: 'nhwc' }), /block_3_project\/kernel is missing/);
});
