// Grad-CAM by autodiff: the channel weights match a central finite difference of the class score, nothing leaks,
// the map is at the input size, ≥ 0 with max 1, and on real rice photos a tiny trained CNN puts its heat on the grain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import tf from '../../../../src/main/engine/tfjs.cjs';
import { useBackend } from '../../../../src/main/engine/backends';
import { buildCnn } from '../../../../src/main/engine/models/cnn';
import { channelWeights, cnnTarget, gradCam, mobilenetTarget, upsampleHeat, type GradCamTarget } from '../../../../src/main/engine/explain/gradcam';
import { brightMask, heatOnMask } from '../../../../src/main/engine/explain/heat-stats';
import { decodeImage, toBatch } from '../../../../src/main/engine/data/images';
import { riceFiles, RICE_CLASSES } from '../../../helpers/train-lib';
import { withSeededMathRandom } from '../../../../src/main/engine/random';

/** f(A) = the class score, and the central difference along e_k = 1 on channel k / (h·w): the mean gradient. */
function finiteDifferenceCheck(target: GradCamTarget, x: tf.Tensor4D, cls: number): void {
  const a = tf.tidy(() => target.toMap(x));
  const [n, h, w, c] = a.shape;
  assert.equal(n, 1);
  const w1 = channelWeights(target, a, [cls], target.toLogits(a).shape[1]);
  const auto = w1.dataSync();
  const eps = 1e-2;
  let checked = 0;
  for (let k = 0; k < c; k++) {
    const fd = tf.tidy(() => {
      const e = tf.oneHot(tf.fill([h, w], k, 'int32'), c).toFloat().div(h * w).expandDims(0) as tf.Tensor4D;
      const f = (t: tf.Tensor4D) => target.toLogits(t).dataSync()[cls]!;
      return (f(a.add(e.mul(eps)) as tf.Tensor4D) - f(a.sub(e.mul(eps)) as tf.Tensor4D)) / (2 * eps);
    });
    assert.ok(Math.abs(fd - auto[k]!) <= 2e-3 + 1e-2 * Math.abs(fd), `channel ${k}: autodiff ${auto[k]} vs finite difference ${fd}`);
    if (Math.abs(fd) > 1e-4) checked++;
  }
  assert.ok(checked >= Math.ceil(c / 2), `most channels have a non-zero weight (${checked} of ${c})`);
  w1.dispose();
  a.dispose();
}

test('Grad-CAM channel weights equal the finite-difference mean gradient (CNN and pooled-map head)', async () => {
  await useBackend('wasm', 'infer');
  const cnn = buildCnn({ imageSize: 12, filters: [3, 5], dense: [6], dropout: 0, numClasses: 3, seed: 7, batchNorm: false });
  const x = tf.randomUniform([1, 12, 12, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const t = cnnTarget(cnn);
  assert.match(t.describe(), /conv_1 6×6×5/);
  for (const cls of [0, 2]) finiteDifferenceCheck(t, x, cls);

  // A MobileNetV2-shaped split (base ending in a ReLU map, dense head on the pooled vector), small.
  const input = tf.input({ shape: [12, 12, 3] });
  const map = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 2 }) }).apply(input) as tf.SymbolicTensor;
  const base = tf.model({ inputs: input, outputs: map });
  const head = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [6], units: 5, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }), biasInitializer: tf.initializers.constant({ value: 0.5 }) }),
    tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
  ] });
  const m = mobilenetTarget(base, head);
  finiteDifferenceCheck(m, x, 1);
  // The softmax of the split's scores is the model's own output.
  const same = tf.tidy(() => tf.softmax(m.toLogits(m.toMap(x))).sub(head.predict((base.predict(x) as tf.Tensor4D).mean([1, 2])) as tf.Tensor).abs().max().dataSync()[0]!);
  assert.ok(same < 1e-5, `split model = whole model (max diff ${same})`);
  x.dispose();
  cnn.dispose();
  base.dispose();
  head.dispose();
});

test('Grad-CAM maps: input resolution, ≥ 0, max 1, predicted or chosen class, and no tensor left behind', async () => {
  await useBackend('wasm', 'infer');
  const cnn = buildCnn({ imageSize: 16, filters: [4, 4], dense: [], dropout: 0, numClasses: 3, seed: 3, batchNorm: true });
  const target = cnnTarget(cnn);
  assert.match(target.describe(), /relu_1/, 'with BatchNorm the map is taken after its ReLU');
  const x = tf.randomUniform([3, 16, 16, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
  gradCam(target, x, null); // warm-up: kernels and layer weights allocate once
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const r = gradCam(target, x, i === 2 ? 1 : null);
    assert.equal(r.size, 16);
    assert.equal(r.mapSize, 8, 'the last conv sees the 8×8 map the first pool left');
    assert.equal(r.heat.length, 3);
    for (const [j, h] of r.heat.entries()) {
      assert.equal(h.length, 16 * 16);
      const max = Math.max(...h);
      assert.ok(Math.min(...h) >= 0, 'non-negative');
      assert.ok(max === 0 || Math.abs(max - 1) < 1e-6, `max 1 (got ${max})`);
      const p = r.probabilities[j]!;
      assert.ok(Math.abs(p.reduce((s, v) => s + v, 0) - 1) < 1e-5);
      assert.equal(r.classIndex[j], i === 2 ? 1 : p.indexOf(Math.max(...p)));
    }
  }
  assert.equal(tf.memory().numTensors, before, 'tf.memory().numTensors does not grow');
  // The JS upsampling is tf.image.resizeBilinear with half-pixel centres, scaled to max 1.
  const cam = Float32Array.from({ length: 49 }, (_, i) => (i * 37) % 11);
  const ref = tf.tidy(() => {
    const up = tf.image.resizeBilinear(tf.tensor4d(cam, [1, 7, 7, 1]), [64, 64], false, true);
    return up.div(up.max()).dataSync();
  });
  const mine = upsampleHeat(cam, 7, 64);
  assert.ok(mine.every((v, i) => Math.abs(v - ref[i]!) < 1e-5), 'same as tfjs resizeBilinear(halfPixelCenters)');
  assert.ok(upsampleHeat(new Float32Array(4), 2, 8).every((v) => v === 0), 'no evidence: all zero');
  assert.throws(() => gradCam(target, x, 5), /class index 5 is outside 0\.\.2/);
  assert.equal(tf.memory().numTensors, before, 'a refused class leaks nothing either');
  x.dispose();
  cnn.dispose();
});

test('a tiny CNN trained on rice puts more of its heat on the grain than the grain\'s share of the image', async () => {
  await useBackend('wasm', 'train-conv');
  // Trained here with tfjs' own fit (the run pipeline is covered elsewhere): 12 photos per class, 24 px.
  const size = 24;
  const train = RICE_CLASSES.flatMap((c) => riceFiles(c, 12));
  const y = RICE_CLASSES.flatMap((_, k) => Array<number>(12).fill(k));
  const trainPx = await Promise.all(train.map((f) => decodeImage(f, size)));
  const cnn = buildCnn({ imageSize: size, filters: [8], dense: [], dropout: 0, numClasses: 5, seed: 11, batchNorm: false });
  cnn.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor4d(toBatch(trainPx, size, 'unit'), [train.length, size, size, 3]);
  const ys = tf.oneHot(tf.tensor1d(y, 'int32'), 5);
  // tfjs' fit shuffles with Math.random: seeded, so the net (and the maps) are the same on every run — unseeded,
  // the per-map count below moved between 6 and 7 of 12 from one run to the next and failed a CI run.
  await withSeededMathRandom(5, () => cnn.fit(xs, ys, { epochs: 6, batchSize: 10, shuffle: true, verbose: 0 }));
  tf.dispose([xs, ys]);

  const files = RICE_CLASSES.flatMap((c) => riceFiles(c, 4, 100));
  const pixels = await Promise.all(files.map((f) => decodeImage(f, size)));
  const x = tf.tensor4d(toBatch(pixels, size, 'unit'), [files.length, size, size, 3]);
  const r = gradCam(cnnTarget(cnn), x, null);
  x.dispose();
  cnn.dispose();
  let heat = 0;
  let area = 0;
  let denser = 0;
  let hot = 0;
  r.heat.forEach((h, i) => {
    const s = heatOnMask(h, brightMask(pixels[i]!));
    heat += s.heatShare / files.length;
    area += s.areaShare / files.length;
    // A map can be all 0: a tiny net may pick its class only by evidence against the others (Grad-CAM keeps the positive).
    if (h.some((v) => v > 0)) hot++;
    if (s.densityRatio > 1) denser++;
  });
  assert.ok(heat > area, `mean heat share on the grain ${heat.toFixed(3)} > its mean area share ${area.toFixed(3)}`);
  assert.ok(hot > 0 && denser > hot / 2, `heat denser on the grain than off it in most maps with heat (${denser}/${hot})`);
});
