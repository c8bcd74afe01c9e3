// The built-in sample: real photos from the CC0 Rice Image Dataset shipped in resources/sample-rice (small, with
// its license), copied into the library and imported like any folder, and enough to train on for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { resolveConfig } from '../../../src/main/engine/config';
import { runTraining } from '../../../src/main/engine/train/run-training';
import { openLibrary } from '../../../src/main/library';
import { findSampleDir, importDemo, sampleClasses } from '../../../src/main/services/demo';
import { createRun, getRun, runLifecycle } from '../../../src/main/services/runs';
import { ROOT } from '../../helpers/root';
import { RICE_DIR, tempDir } from '../../helpers/tmp';

const CLASSES = ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'];
const PER_CLASS = 40;

test('the shipped sample: five real rice classes, unchanged dataset files, at most 2 MB, with its license', () => {
  const dir = findSampleDir();
  assert.equal(dir, path.join(ROOT, 'resources', 'sample-rice'));
  assert.deepEqual(sampleClasses(dir), CLASSES);
  let bytes = 0;
  for (const cls of CLASSES) {
    const files = fs.readdirSync(path.join(dir, cls));
    assert.equal(files.length, PER_CLASS, cls);
    for (const f of files) {
      const mine = fs.readFileSync(path.join(dir, cls, f));
      bytes += mine.length;
      // The very bytes of the dataset (where the shared copy is there to compare with).
      const original = path.join(RICE_DIR, cls, f);
      if (fs.existsSync(original)) assert.ok(mine.equals(fs.readFileSync(original)), `${cls}/${f} is the dataset's file`);
    }
  }
  const license = fs.readFileSync(path.join(dir, 'LICENSE.txt'), 'utf8');
  bytes += license.length;
  assert.ok(bytes <= 2 * 1024 * 1024, `${bytes} bytes`);
  for (const word of ['Rice Image Dataset', 'Koklu', 'Cinar', 'Taspinar', '2021', 'CC0']) assert.ok(license.includes(word), word);
});

test('the demo sample: real grains on black, imported into the library; running it again adds nothing', async () => {
  const lib = openLibrary(tempDir(), { create: true });
  const report = await importDemo(lib);
  assert.equal(report.imported, CLASSES.length * PER_CLASS);
  assert.deepEqual(report.skipped, []);
  assert.deepEqual(report.classes, Object.fromEntries(CLASSES.map((c) => [c, PER_CLASS])));
  const src = path.join(lib.paths.cache, 'demo-source');
  assert.equal(report.folder, fs.realpathSync(src));

  // 250×250 photos whose corners are black with one bright grain, and the varieties differ in shape the way real
  // rice does: Basmati is long and thin, Karacadag short and round.
  const elongation = async (cls: string): Promise<number> => {
    let sum = 0;
    const files = fs.readdirSync(path.join(src, cls)).slice(0, 8);
    for (const f of files) {
      const { data, info } = await sharp(path.join(src, cls, f)).greyscale().raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual([info.width, info.height], [250, 250]);
      assert.ok(data[0]! < 30, 'black background');
      const pts: Array<[number, number]> = [];
      for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) if (data[y * info.width + x]! > 100) pts.push([x, y]);
      assert.ok(pts.length > 100, 'a visible grain');
      // Ratio of the principal axes of the bright pixels (rotation-invariant).
      const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
      const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
      let sxx = 0, syy = 0, sxy = 0;
      for (const [x, y] of pts) (sxx += (x - mx) ** 2), (syy += (y - my) ** 2), (sxy += (x - mx) * (y - my));
      const tr = sxx + syy, det = sxx * syy - sxy * sxy, d = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
      sum += Math.sqrt((tr / 2 + d) / Math.max(1e-9, tr / 2 - d));
    }
    return sum / files.length;
  };
  const basmati = await elongation('Basmati');
  const karacadag = await elongation('Karacadag');
  assert.ok(basmati > karacadag * 1.8, `Basmati ${basmati.toFixed(2)} vs Karacadag ${karacadag.toFixed(2)}`);

  // The library's copies are its own (writable), not the app's read-only files.
  const one = path.join(src, 'Jasmine', fs.readdirSync(path.join(src, 'Jasmine'))[0]!);
  fs.accessSync(one, fs.constants.W_OK);

  const again = await importDemo(lib);
  assert.deepEqual([again.imported, again.alreadyPresent], [0, CLASSES.length * PER_CLASS]);
  lib.close();
});

test('a tiny CNN trains on the sample for real and beats chance on its test split', { timeout: 300_000 }, async () => {
  const lib = openLibrary(tempDir('paddy-demo-train-'), { create: true });
  await importDemo(lib);
  const cfg = resolveConfig({ model: 'cnn', imageSize: 40, filters: [8, 16], dense: [16], epochs: 12, batchSize: 16, learningRate: 0.003, backend: 'wasm', seed: 1 });
  const id = createRun(lib, cfg);
  const go = { cancelled: () => false, signal: new AbortController().signal };
  const status = await runTraining(lib, id, cfg, () => undefined, go, runLifecycle(lib));
  const run = getRun(lib, id);
  assert.equal(status, 'completed', run.error ?? '');
  assert.equal(run.imageCount, CLASSES.length * PER_CLASS);
  assert.ok(run.testAccuracy !== null && run.testAccuracy >= 0.5, `test accuracy ${run.testAccuracy} (chance 0.2)`);
  lib.close();
});
