// The object's shape numbers (issue 12): exact on drawn shapes, the same for every flip/quarter turn, telling
// long grains from round ones on real rice photos, cached once per image (by the feature pass too), and folded
// into a head so that raw numbers give what standardised ones gave in training.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { decodeMany } from '../../../../src/main/engine/data/images';
import { ALL_VIEWS, orient } from '../../../../src/main/engine/data/views';
import { applyShapeScaling, ensureShapes, foldShapeScaling, SHAPE_DIMS, SHAPE_KEY, shapeOf, standardiseShapes, withShapes } from '../../../../src/main/engine/features/shape';
import { ensureFeatures } from '../../../../src/main/engine/features/feature-cache';
import { makeTrainLibrary, riceFiles } from '../../../helpers/train-lib';
import { fuseWithShape } from '../../../../src/main/engine/train/shape-head';
import { MOBILENET_DIR } from '../../../helpers/tmp';

/** A size×size RGB image: black, with `inside(x, y)` painted in `rgb`. */
function draw(size: number, inside: (x: number, y: number) => boolean, rgb = [200, 180, 160]): Uint8Array {
  const px = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (inside(x, y)) px.set(rgb, (y * size + x) * 3);
  return px;
}

test('a drawn rectangle: area, length and width along its axes, elongation, colour', () => {
  const size = 100;
  const s = shapeOf(draw(size, (x, y) => x >= 20 && x < 80 && y >= 40 && y < 60), size); // 60 × 20
  assert.ok(Math.abs(s[0]! - Math.sqrt(1200) / size) < 1e-6, `sqrt(area) ${s[0]}`);
  assert.ok(Math.abs(s[7]! - 0.6) < 1e-6, `length ${s[7]}`);
  assert.ok(Math.abs(s[8]! - 0.2) < 1e-6, `width ${s[8]}`);
  assert.ok(Math.abs(s[4]! - 3) < 0.01, `elongation (axis ratio) ${s[4]}`);
  assert.ok(Math.abs(s[5]! - (2 * 60 + 2 * 20 - 4) / size) < 1e-6, `perimeter pixels ${s[5] * size}`);
  assert.deepEqual(Array.from(s.slice(9, 12), (v) => Math.round(v * 255)), [200, 180, 160]);
  assert.ok(s[12]! < 1e-6, 'one grey level inside: no spread');
  // A disc is round: elongation ~1, roundness near 1 (a pixel boundary runs a little long).
  const d = shapeOf(draw(size, (x, y) => (x - 50) ** 2 + (y - 50) ** 2 < 30 ** 2), size);
  assert.ok(Math.abs(d[4]! - 1) < 0.02 && d[3]! < 0.2, `disc elongation ${d[4]}, eccentricity ${d[3]}`);
  assert.ok(d[6]! > 0.9, `disc roundness ${d[6]}`);
  // Nothing to measure: zeros, not NaN.
  assert.deepEqual(Array.from(shapeOf(new Uint8Array(size * size * 3), size)), new Array(SHAPE_DIMS).fill(0));
});

test('real grains: the same numbers for all eight views; Basmati is longer and slimmer than Arborio', async () => {
  const size = 224;
  const arborio = await decodeMany(riceFiles('Arborio', 8, 300), size);
  const basmati = await decodeMany(riceFiles('Basmati', 8, 300), size);
  for (const px of [...arborio.slice(0, 2), ...basmati.slice(0, 2)]) {
    const base = shapeOf(px, size);
    for (const v of ALL_VIEWS.slice(1)) {
      const s = shapeOf(orient(px, size, v), size);
      s.forEach((x, k) => assert.ok(Math.abs(x - base[k]!) <= 1e-4 * Math.max(1, Math.abs(base[k]!)), `view ${v} number ${k}: ${x} vs ${base[k]}`));
    }
  }
  const mean = (list: Uint8Array[], k: number) => list.reduce((a, px) => a + shapeOf(px, size)[k]!, 0) / list.length;
  assert.ok(mean(basmati, 7) > mean(arborio, 7) * 1.2, `length ${mean(basmati, 7)} vs ${mean(arborio, 7)}`);
  assert.ok(mean(basmati, 4) > mean(arborio, 4) * 1.5, `elongation ${mean(basmati, 4)} vs ${mean(arborio, 4)}`);
});

test('folding the standardisation into the first layer: raw numbers give what standardised ones gave', () => {
  const dims = 3, units = 4, n = 6;
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const x = Float32Array.from({ length: n * (dims + SHAPE_DIMS) }, (_, i) => (i % (dims + SHAPE_DIMS) >= dims ? 5 + 3 * rnd() : rnd()));
  const raw = x.slice();
  const scaling = standardiseShapes(x, dims);
  assert.deepEqual(applyShapeScaling(raw, dims, scaling), x, 'the same scaling on other rows');
  const kernel = Float32Array.from({ length: (dims + SHAPE_DIMS) * units }, rnd);
  const bias = Float32Array.from({ length: units }, rnd);
  const dense = (inp: Float32Array, k: Float32Array, b: Float32Array) =>
    Array.from({ length: n * units }, (_, j) => b[j % units]! + Array.from({ length: dims + SHAPE_DIMS }, (_, i) => inp[Math.floor(j / units) * (dims + SHAPE_DIMS) + i]! * k[i * units + (j % units)]!).reduce((a, v) => a + v, 0));
  const folded = foldShapeScaling(kernel, bias, dims, scaling);
  const want = dense(x, kernel, bias), got = dense(raw, folded.kernel, folded.bias);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-4, `${i}: ${v} vs ${want[i]}`));
  assert.throws(() => withShapes(new Float32Array(6), 3, new Float32Array(SHAPE_DIMS)), /2 feature rows but 1 shape rows/);
});

test('shape numbers are cached once per image, by the feature pass too, and read back without the files', async () => {
  const lib = makeTrainLibrary(2, { classes: 2 });
  try {
    const ids = (lib.db.prepare('SELECT id FROM images ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
    const count = () => (lib.db.prepare('SELECT COUNT(*) AS n FROM feature_cache WHERE extractor = ?').get(SHAPE_KEY) as { n: number }).n;
    // The feature pass of the image as it is stores each image's shape numbers from the pixels it decoded.
    await ensureFeatures(lib, ids.slice(0, 2), { alpha: 0.35, weightsDir: MOBILENET_DIR });
    assert.equal(count(), 2);
    const paths = (lib.db.prepare('SELECT source_path AS p FROM images ORDER BY id').all() as Array<{ p: string }>).map((r) => r.p);
    const fromPass = await ensureShapes(lib, ids.slice(0, 2));
    const direct = (await decodeMany(paths.slice(0, 2), 224)).map((px) => shapeOf(px, 224));
    assert.deepEqual(Array.from(fromPass), direct.flatMap((s) => Array.from(s)));
    const progress: number[] = [];
    const all = await ensureShapes(lib, ids, { onProgress: (d) => progress.push(d) });
    assert.equal(count(), ids.length);
    assert.equal(progress.at(-1), ids.length - 2, 'only the images not cached were decoded');
    // Cached: the sources can be gone (the library points elsewhere; ../shared is never touched).
    const gone = path.join(path.dirname(lib.paths.root), 'gone');
    lib.db.prepare(`UPDATE images SET source_path = ? || '/' || file_name`).run(gone);
    assert.ok(!fs.existsSync(gone));
    assert.deepEqual(await ensureShapes(lib, ids), all);
  } finally {
    lib.close();
  }
});

test('a CNN weighs in its shape classifier: softmax(log p + w log q), p itself at weight 0, rows apart', () => {
  const p = Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.1, 0.8);
  const q = Float32Array.of(0.1, 0.8, 0.1, 1 / 3, 1 / 3, 1 / 3);
  const fused = fuseWithShape(p, q, 3, 0.25);
  const row0 = [0, 1, 2].map((j) => Math.exp(Math.log(p[j]!) + 0.25 * Math.log(q[j]!)));
  const z = row0.reduce((a, v) => a + v, 0);
  row0.forEach((v, j) => assert.ok(Math.abs(fused[j]! - v / z) < 1e-6));
  // A uniform q changes nothing; weight 0 gives p back; a zero probability is clamped, not -Infinity.
  [3, 4, 5].forEach((j) => assert.ok(Math.abs(fused[j]! - p[j]!) < 1e-6));
  assert.ok(fuseWithShape(p, q, 3, 0).every((v, j) => Math.abs(v - p[j]!) < 1e-6));
  assert.ok(fuseWithShape(Float32Array.of(1, 0), Float32Array.of(0, 1), 2).every(Number.isFinite));
});
