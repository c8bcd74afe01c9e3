// Test-time views (issue 12): a run with testViews averages each image's eight flips/quarter turns wherever it
// predicts — its test split, the rest of the library, new files — and a MobileNetV2 head with augment also
// trains on each training image's second view. Checked against predictions recomputed view by view.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import tf from '../../../../src/main/engine/tfjs.cjs';
import type { TrainEvent } from '../../../../src/shared/contract';
import { defaultConfig, resolveConfig } from '../../../../src/main/engine/config';
import { runTraining } from '../../../../src/main/engine/train/run-training';
import { useBackend } from '../../../../src/main/engine/backends';
import { createRun, runLifecycle } from '../../../../src/main/services/runs';
import { ensureViewFeatures } from '../../../../src/main/engine/features/feature-cache';
import { predictHead } from '../../../../src/main/engine/train/head-trainer';
import { predictImages } from '../../../../src/main/engine/train/cnn-trainer';
import { loadRunModel } from '../../../../src/main/engine/saved-model';
import { scoreFiles } from '../../../../src/main/engine/inference';
import { decodeMany } from '../../../../src/main/engine/data/images';
import { ALL_VIEWS, averageViews, orient } from '../../../../src/main/engine/data/views';
import { makeTrainLibrary } from '../../../helpers/train-lib';
import { explainImages } from '../../../../src/main/services/explain';
import { argmax } from '../../../../src/main/engine/metrics';
import { MOBILENET_DIR } from '../../../helpers/tmp';
import { ensureShapes, SHAPE_DIMS, withShapes } from '../../../../src/main/engine/features/shape';
import { fuseWithShape, shapesOfPixels } from '../../../../src/main/engine/train/shape-head';
import type { LoadedModel } from '../../../../src/main/engine/saved-model';

const control = () => {
  const ac = new AbortController();
  return { cancelled: () => ac.signal.aborted, signal: ac.signal };
};

type Row = { imageId: number; split: string; probs: string; sourcePath: string };
const stored = (lib: ReturnType<typeof makeTrainLibrary>, runId: string, split: string): Row[] =>
  lib.db.prepare(`SELECT p.image_id AS imageId, p.split, p.probs, i.source_path AS sourcePath FROM run_predictions p JOIN images i ON i.id = p.image_id
    WHERE p.run_id = ? AND p.split = ? ORDER BY p.image_id`).all(runId, split) as Row[];
const rowsOf = (rows: Row[]) => rows.map((r) => JSON.parse(r.probs) as number[]);
/** The head's probabilities for cached features, with the images' cached shape numbers when the head takes them. */
async function headProbs(lib: ReturnType<typeof makeTrainLibrary>, model: LoadedModel, ids: number[], f: { matrix: Float32Array; dims: number }): Promise<Float32Array> {
  if (!model.meta.shapeFeatures) return predictHead(model.main, f.matrix, f.dims);
  return predictHead(model.main, withShapes(f.matrix, f.dims, await ensureShapes(lib, ids)), f.dims + SHAPE_DIMS);
}
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}: [${i}] ${a[i]} vs ${b[i]}`);
};

test('the defaults: MobileNetV2 trains its head on two views and predicts with eight; the CNN keeps one unless asked', () => {
  const m = defaultConfig('mobilenetv2');
  assert.equal(m.augment, true);
  assert.equal(m.testViews, true);
  assert.throws(() => resolveConfig({ model: 'cnn', testViews: 'yes' as unknown as boolean }), /train config: testViews/);
});

test('MobileNetV2 with test-time views: test, val and new files average eight views, in-sample images the two it trained on', async () => {
  const lib = makeTrainLibrary(5, { classes: 2 });
  const config = resolveConfig({ model: 'mobilenetv2', alpha: 0.35, weightsDir: MOBILENET_DIR, epochs: 2, batchSize: 2, backend: 'wasm' });
  assert.equal(config.augment && config.testViews, true);
  const runId = createRun(lib, config);
  await useBackend('wasm');
  const events: TrainEvent[] = [];
  const before = tf.memory().numTensors;
  assert.equal(await runTraining(lib, runId, config, (e) => events.push(e), control(), runLifecycle(lib)), 'completed');
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  const started = events.find((e) => e.type === 'started') as Extract<TrainEvent, { type: 'started' }>;
  const train = stored(lib, runId, 'train');
  assert.equal(started.batchesPerEpoch, Math.ceil((2 * train.length) / 2), 'an epoch goes over both views of each training image');
  const meta = JSON.parse(fs.readFileSync(path.join(lib.paths.models, runId, 'meta.json'), 'utf8'));
  assert.equal(meta.testViews, true);
  assert.equal(meta.secondView, true);
  assert.equal(meta.shapeFeatures, true, 'the head also takes the object shape numbers by default');

  const model = await loadRunModel(lib, runId, MOBILENET_DIR);
  try {
    // Every view's features are cached by now (the run computed them): nothing is extracted again here.
    const probsOf = async (rows: Row[], views: Parameters<typeof ensureViewFeatures>[2]) => {
      const feats = await ensureViewFeatures(lib, rows.map((r) => r.imageId), views, { alpha: 0.35, weightsDir: MOBILENET_DIR });
      return Promise.all(feats.map((f) => headProbs(lib, model, rows.map((r) => r.imageId), f)));
    };
    for (const s of ['test', 'val']) {
      const rows = stored(lib, runId, s);
      assert.ok(rows.length >= 2, s);
      const perView = await probsOf(rows, ALL_VIEWS);
      close(rowsOf(rows).flat(), averageViews(perView), 1e-5, `${s}: the average of the eight views`);
      assert.ok(perView.some((p) => p.some((v, i) => Math.abs(v - perView[0]![i]!) > 1e-6)), 'the views do differ');
    }
    close(rowsOf(train).flat(), averageViews(await probsOf(train, [0, 'second'])), 1e-5, 'in-sample: the two views the head trained on');
    // New files (Predict, paddy eval --images): the same eight views, from the files.
    const test = stored(lib, runId, 'test');
    const files = await scoreFiles(model, test.map((r) => r.sourcePath));
    close(files.probs.flatMap((p) => Array.from(p!)), rowsOf(test).flat(), 2e-4, 'scoreFiles agrees with the stored test predictions');
  } finally {
    model.dispose();
  }

  // --no-test-views: the image as it is, as earlier runs.
  const one = resolveConfig({ ...config, testViews: false, augment: false });
  const oneId = createRun(lib, one);
  assert.equal(await runTraining(lib, oneId, one, () => undefined, control(), runLifecycle(lib)), 'completed');
  const oneMeta = JSON.parse(fs.readFileSync(path.join(lib.paths.models, oneId, 'meta.json'), 'utf8'));
  assert.equal(oneMeta.testViews, undefined);
  const m1 = await loadRunModel(lib, oneId, MOBILENET_DIR);
  try {
    const rows = stored(lib, oneId, 'test');
    const [f] = await ensureViewFeatures(lib, rows.map((r) => r.imageId), [0], { alpha: 0.35, weightsDir: MOBILENET_DIR });
    close(rowsOf(rows).flat(), await headProbs(lib, m1, rows.map((r) => r.imageId), f!), 1e-5, 'one view');
  } finally {
    m1.dispose();
  }
  lib.close();
});

test('a CNN with test-time views averages the eight views of its test images, and scoreFiles does the same', async () => {
  const lib = makeTrainLibrary(6, { classes: 2 });
  const config = resolveConfig({ model: 'cnn', imageSize: 16, filters: [4, 8], dense: [], epochs: 1, batchSize: 8, backend: 'wasm', testViews: true });
  const runId = createRun(lib, config);
  await useBackend('wasm');
  assert.equal(await runTraining(lib, runId, config, () => undefined, control(), runLifecycle(lib)), 'completed');
  const model = await loadRunModel(lib, runId);
  try {
    assert.equal(model.meta.testViews, true);
    for (const s of ['test', 'train']) {
      const rows = stored(lib, runId, s);
      const px = await decodeMany(rows.map((r) => r.sourcePath), 16);
      const perView = ALL_VIEWS.map((v) => predictImages(model.main, px.map((p) => orient(p, 16, v)), 16));
      // The default shape classifier is weighed into the average (train/shape-head.ts).
      assert.ok(model.shape && model.meta.shapeFusion === 0.25, 'the CNN weighs in its shape classifier by default');
      const shapeProbs = predictHead(model.shape, shapesOfPixels(px, 16), SHAPE_DIMS);
      close(rowsOf(rows).flat(), fuseWithShape(averageViews(perView), shapeProbs, 2), 1e-5, `${s}: the average of the eight views, with the shape classifier`);
      assert.ok(averageViews(perView).some((v, i) => Math.abs(v - rowsOf(rows).flat()[i]!) > 1e-4), `${s}: which it moves`);
    }
    const test = stored(lib, runId, 'test');
    const files = await scoreFiles(model, test.map((r) => r.sourcePath));
    close(files.probs.flatMap((p) => Array.from(p!)), rowsOf(test).flat(), 1e-5, 'scoreFiles agrees');

    // Explain shows (and, with no class picked, explains) the eight-view prediction, not one view's.
    const results = await explainImages(lib, { runId, imageIds: test.map((r) => r.imageId) }, () => undefined);
    const px = await decodeMany(test.map((r) => r.sourcePath), 16);
    const oneView = predictImages(model.main, px, 16);
    test.forEach((r, i) => {
      const sha = (lib.db.prepare('SELECT sha256 FROM images WHERE id = ?').get(r.imageId) as { sha256: string }).sha256;
      const cached = JSON.parse(fs.readFileSync(path.join(lib.paths.cache, 'heatmaps', runId, `${sha}.json`), 'utf8')) as { probabilities: number[] };
      close(cached.probabilities, files.probs[i]!, 1e-6, 'explain keeps the eight-view probabilities');
      assert.ok(cached.probabilities.some((v, j) => Math.abs(v - oneView[i * 2 + j]!) > 1e-4), 'which are not the image-as-it-is ones');
      assert.equal(results[i]!.class, model.meta.classes[argmax(Array.from(files.probs[i]!))], 'the heat map is for the eight-view prediction');
    });
  } finally {
    model.dispose();
  }
  lib.close();
});
