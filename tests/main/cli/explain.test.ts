// `paddy explain`: Grad-CAM heat maps as JSON (input resolution, ≥ 0, max 1), overlay PNGs with --out, the class
// picked by name, repeat requests from the cache, and clear errors for a bad run, file, class or argument.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { makeTrainLibrary, riceFiles } from '../../helpers/train-lib';
import { savedCnnRun } from '../../helpers/saved-run';
import { tempDir } from '../../helpers/tmp';
import { paddy } from '../../helpers/cli';

interface Out {
  results: Array<{ path: string; predicted: string | null; probabilities: Record<string, number>; class: string | null; heatmap: { width: number; height: number; values: number[] } | null; error?: string }>;
}

test('paddy explain --run ID FILE... --json [--class] [--out]: heat maps, overlays, cache and errors', async () => {
  const classes = ['Arborio', 'Basmati', 'Ipsala'];
  const lib = makeTrainLibrary(1, { classes: 3 });
  await savedCnnRun(lib, 'explain-cnn', classes, 16);
  const dir = lib.dir;
  lib.close();
  const files = [riceFiles('Arborio', 1, 50)[0]!, riceFiles('Ipsala', 1, 50)[0]!];
  const out = tempDir('paddy-explain-out-');

  const r = await paddy(['explain', '--run', 'explain-cnn', ...files, '--out', out, '--json', '--library', dir]);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as Out;
  assert.equal(json.results.length, 2);
  for (const [i, res] of json.results.entries()) {
    assert.equal(res.path, files[i]);
    assert.deepEqual(Object.keys(res.probabilities), classes);
    assert.ok(Math.abs(Object.values(res.probabilities).reduce((a, b) => a + b, 0) - 1) < 1e-4);
    assert.equal(res.class, res.predicted, 'the predicted class by default');
    const h = res.heatmap!;
    assert.equal(h.width, 16);
    assert.equal(h.height, 16);
    assert.equal(h.values.length, 256);
    assert.ok(h.values.every((v) => v >= 0 && v <= 1));
    const max = Math.max(...h.values);
    assert.ok(max === 0 || max === 1, `max 1 (got ${max})`);
  }
  const pngs = fs.readdirSync(out).sort();
  assert.equal(pngs.length, 2, pngs.join(', '));
  for (const p of pngs) {
    const meta = await sharp(path.join(out, p)).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 16, 'the overlay is the image as the model sees it');
  }
  const cache = path.join(dir, 'cache', 'heatmaps', 'explain-cnn');
  assert.ok(fs.readdirSync(cache).length >= 4, 'probabilities and one map per image are cached');

  // A picked class (the first file already cached), as text; a missing file is reported on its own (exit 1).
  const missing = path.join(out, 'nope.jpg');
  const picked = await paddy(['explain', '--run', 'explain-cnn', files[0]!, missing, '--class', 'Basmati', '--library', dir]);
  assert.equal(picked.code, 1, picked.err);
  const lines = picked.out.trim().split('\n');
  assert.match(lines[0]!, new RegExp(`Arborio.*\\.jpg: ${json.results[0]!.predicted} \\(\\d+\\.\\d%\\), heat map for Basmati 16×16`));
  assert.match(lines[1]!, /nope\.jpg: error: cannot read .*nope\.jpg: no such file/);

  const badRun = await paddy(['explain', '--run', 'no-such-run', files[0]!, '--library', dir]);
  assert.equal(badRun.code, 1);
  assert.match(badRun.err, /no run "no-such-run"/);
  const noRun = await paddy(['explain', files[0]!, '--library', dir]);
  assert.equal(noRun.code, 2);
  assert.match(noRun.err, /--run ID is required/);
});
