// `paddy import --unlabeled`, `paddy prelabel --run ID` (a worker job) and `paddy next --run ID --n N --json` (#14).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeTrainLibrary, riceFiles, trainTinyCnn } from '../../helpers/train-lib';
import { tempDir } from '../../helpers/tmp';
import { paddy } from '../../helpers/cli';

test('paddy import --unlabeled, prelabel and next drive the loop; bad input exits with one clear line', async () => {
  const lib = makeTrainLibrary(5, { classes: 2 });
  const runId = await trainTinyCnn(lib);
  const dir = lib.dir;
  lib.close();
  const folder = tempDir('paddy-cli-unl-');
  for (const cls of ['Arborio', 'Basmati']) for (const f of riceFiles(cls, 3, 40)) fs.copyFileSync(f, path.join(folder, `${cls}-${path.basename(f)}`));

  const imp = await paddy(['import', folder, '--unlabeled', '--library', dir, '--json']);
  assert.equal(imp.code, 0, imp.err);
  const report = JSON.parse(imp.out);
  assert.equal(report.unlabeled, true);
  assert.equal(report.imported, 6);
  assert.equal(report.alreadyLabeled, 0);

  const pre = await paddy(['prelabel', '--run', runId, '--library', dir, '--json']);
  assert.equal(pre.code, 0, pre.err);
  const r = JSON.parse(pre.out);
  assert.equal(r.runId, runId);
  assert.equal(r.predicted, 6);
  assert.equal(typeof r.calibrated, 'boolean');
  assert.equal(r.accept.suggested, 6);
  assert.ok(r.accept.count >= 0 && r.accept.count <= 6);

  const next = await paddy(['next', '--run', runId, '--n', '3', '--library', dir, '--json']);
  assert.equal(next.code, 0, next.err);
  const q = JSON.parse(next.out);
  assert.equal(q.images.length, 3);
  for (const im of q.images) {
    assert.deepEqual(Object.keys(im).sort(), ['confidence', 'imageId', 'path', 'score', 'suggested']);
    assert.ok(fs.existsSync(im.path) && ['Arborio', 'Basmati'].includes(im.suggested));
  }
  assert.ok(q.images[0].score >= q.images[2].score, 'least certain first');

  const unknown = await paddy(['next', '--run', 'nope', '--library', dir]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /no run "nope"/);
});
