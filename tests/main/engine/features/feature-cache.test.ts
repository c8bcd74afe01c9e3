import assert from 'node:assert/strict';
import { test } from 'node:test';
import tf from '../../../../src/main/engine/tfjs.cjs';
import { useBackend } from '../../../../src/main/engine/backends';
import { ensureFeatures, ensureViewFeatures, FEATURE_SIZE } from '../../../../src/main/engine/features/feature-cache';
import { featureExtractors } from '../../../../src/main/repos/features.repo';
import { decodeImage, toBatch } from '../../../../src/main/engine/data/images';
import { orient, secondView } from '../../../../src/main/engine/data/views';
import type { FeatureExtractor } from '../../../../src/main/engine/features/extractor';
import { findWeights } from '../../../../src/main/engine/weights/find';
import { makeTrainLibrary } from '../../../helpers/train-lib';
import { MOBILENET_DIR, tempDir } from '../../../helpers/tmp';

test('ensureFeatures computes missing rows once, in imageIds order, and reuses the cache', async () => {
  await useBackend('wasm');
  const lib = makeTrainLibrary(2, { classes: 2 });
  const ids = (lib.db.prepare('SELECT id FROM images ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
  let calls = 0;
  let rowsComputed = 0;
  const before = tf.memory().numTensors;
  const first = await ensureFeatures(lib, ids.slice(0, 3), {
    alpha: 0.35,
    weightsDir: MOBILENET_DIR,
    onExtractor: () => calls++,
    onProgress: (d) => (rowsComputed = d),
  });
  assert.equal(first.dims, 1280);
  assert.equal(first.matrix.length, 3 * 1280);
  assert.equal(rowsComputed, 3);
  assert.ok(first.matrix.some((v) => v > 0), 'pooled relu features are not all zero');
  // Reversed order + one new id: rows follow the request, only the new one is computed.
  const counting: { n: number } = { n: 0 };
  const real = (await import('../../../../src/main/engine/features/tfjs-extractor')).createTfjsExtractor;
  const inner = await real(findWeights(0.35, { weightsDir: MOBILENET_DIR }), 0.35);
  const spy: FeatureExtractor = { name: inner.name, dims: inner.dims, extract: (b, n) => { counting.n += n; return inner.extract(b, n); }, dispose: () => inner.dispose() };
  const second = await ensureFeatures(lib, [ids[3]!, ids[2]!, ids[1]!, ids[0]!], { alpha: 0.35, weightsDir: MOBILENET_DIR, extractor: spy });
  assert.equal(counting.n, 1);
  assert.deepEqual(second.matrix.subarray(1280, 2560), first.matrix.subarray(2 * 1280, 3 * 1280));
  assert.deepEqual(second.matrix.subarray(3 * 1280), first.matrix.subarray(0, 1280));
  assert.equal(second.extractorKey, first.extractorKey);
  await inner.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  assert.ok(calls <= 1);
  lib.close();
});

test('ensureFeatures without weights fails with how to get them', async () => {
  const lib = makeTrainLibrary(1, { classes: 1 });
  const saved = process.env.PADDY_MOBILENET_DIR;
  delete process.env.PADDY_MOBILENET_DIR;
  await assert.rejects(ensureFeatures(lib, [1], { alpha: 1, weightsDir: tempDir() }), /MobileNetV2 weights not found[\s\S]*--weights DIR/);
  if (saved) process.env.PADDY_MOBILENET_DIR = saved;
  lib.close();
});

test('a cancel that lands before the first batch leaves no unhandled rejection behind (the prefetch is handled)', async () => {
  await useBackend('wasm');
  const lib = makeTrainLibrary(2, { classes: 2 });
  const ids = (lib.db.prepare('SELECT id FROM images ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
  const stray: unknown[] = [];
  const onStray = (e: unknown) => stray.push(e);
  process.on('unhandledRejection', onStray);
  try {
    const ac = new AbortController();
    // The cancel arrives while the extractor is being created, i.e. after the first decode was started.
    const slow: FeatureExtractor = { name: 'slow', dims: 4, extract: async (_b, n) => new Float32Array(n * 4), dispose: async () => {} };
    const run = ensureFeatures(lib, ids, { alpha: 0.35, weightsDir: MOBILENET_DIR, extractor: slow, signal: ac.signal, onExtractor: () => ac.abort() });
    await assert.rejects(run, /cancelled/);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(stray, []);
  } finally {
    process.off('unhandledRejection', onStray);
    lib.close();
  }
});

test('view features: computed from the flipped/turned pixels, keyed apart from the image as it is, once per view', async () => {
  await useBackend('wasm');
  const lib = makeTrainLibrary(2, { classes: 1 });
  const images = lib.db.prepare('SELECT id, sha256, source_path AS p FROM images ORDER BY id').all() as Array<{ id: number; sha256: string; p: string }>;
  const ids = images.map((r) => r.id);
  const real = (await import('../../../../src/main/engine/features/tfjs-extractor')).createTfjsExtractor;
  const inner = await real(findWeights(0.35, { weightsDir: MOBILENET_DIR }), 0.35);
  const seen: number[] = [];
  const spy: FeatureExtractor = { name: inner.name, dims: inner.dims, extract: (b, n) => { seen.push(n); return inner.extract(b, n); }, dispose: () => undefined };
  try {
    const [asIs, v3, second] = await ensureViewFeatures(lib, ids, [0, 3, 'second'], { alpha: 0.35, weightsDir: MOBILENET_DIR, extractor: spy });
    assert.equal(seen.reduce((a, b) => a + b, 0), 3 * ids.length);
    assert.equal(new Set([asIs!.extractorKey, v3!.extractorKey, second!.extractorKey]).size, 3, 'each view has its own rows');
    // "The image as it is" readers (label splits, similar images, the map) list 'mnv2-' keys: other views stay out.
    assert.deepEqual(featureExtractors(lib.db, 'mnv2-'), [asIs!.extractorKey]);
    for (const [i, im] of images.entries()) {
      const px = await decodeImage(im.p, FEATURE_SIZE);
      const want = await inner.extract(toBatch([orient(px, FEATURE_SIZE, 3)], FEATURE_SIZE, 'mobilenet'), 1);
      assert.deepEqual(v3!.matrix.subarray(i * 1280, (i + 1) * 1280), want, 'view 3 is the features of the turned image');
      const own = await inner.extract(toBatch([orient(px, FEATURE_SIZE, secondView(im.sha256))], FEATURE_SIZE, 'mobilenet'), 1);
      assert.deepEqual(second!.matrix.subarray(i * 1280, (i + 1) * 1280), own, "'second' is each image's own second view");
    }
    assert.ok(asIs!.matrix.some((v, i) => Math.abs(v - v3!.matrix[i]!) > 1e-4), 'a turned grain has other features');
    seen.length = 0;
    await ensureViewFeatures(lib, ids, [3, 'second', 0], { alpha: 0.35, weightsDir: MOBILENET_DIR, extractor: spy });
    assert.deepEqual(seen, [], 'cached: nothing computed again');
  } finally {
    await inner.dispose();
    lib.close();
  }
});
