// `paddy predict-all --run ID`: a run from before (only its test split predicted) gets a prediction on every image.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTrainLibrary, trainTinyCnn } from '../../helpers/train-lib';
import { openLibrary } from '../../../src/main/library';
import { paddy } from '../../helpers/cli';

test('paddy predict-all --run ID predicts every image of the library, split by split', async () => {
  const lib = makeTrainLibrary(5, { classes: 2 });
  const runId = await trainTinyCnn(lib);
  // As a run trained before whole-library predictions: its test split alone.
  lib.db.prepare(`DELETE FROM run_predictions WHERE split <> 'test'`).run();
  const dir = lib.dir;
  lib.close();

  const r = await paddy(['predict-all', '--run', runId, '--library', dir, '--json']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { runId, predicted: 10, bySplit: { train: 6, val: 2, test: 2, none: 0 } });
  const text = await paddy(['predict-all', '--run', runId, '--library', dir]);
  assert.match(text.out, /predicted 10 images .* train 6 \(in-sample\), val 2, test 2, outside the run 0/);
  assert.equal((await paddy(['predict-all', '--library', dir])).code, 2, 'no --run: a usage error');
  const again = openLibrary(dir);
  assert.equal((again.db.prepare(`SELECT COUNT(*) AS n FROM run_predictions WHERE run_id = ?`).get(runId) as { n: number }).n, 10);
  again.close();
});
