// A run's calibration end to end on one real tiny CNN run (real rice JPEGs, real tfjs training): computed from the
// stored val/test predictions and stored; an older run without val predictions scored with its model instead;
// predict answers and evaluation use the temperature; the request through dispatch. (`paddy eval --json`: tests/main/cli/train.test.ts.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import tf from '../../../src/main/engine/tfjs.cjs';
import { dispatch, handlers } from '../../../src/main/api/index';
import { resolveConfig } from '../../../src/main/engine/config';
import { runTraining } from '../../../src/main/engine/train/run-training';
import { useBackend } from '../../../src/main/engine/backends';
import { applyTemperature, calibrationScores } from '../../../src/main/engine/calibration';
import type { Library } from '../../../src/main/library';
import { getCalibration, splitPredictions } from '../../../src/main/repos/calibration.repo';
import { calibrate, calibrationWithoutModel, computeCalibration, MIN_FIT_IMAGES, runCalibration, runTemperature } from '../../../src/main/services/calibration';
import { evaluateRun } from '../../../src/main/services/evaluation';
import { predict } from '../../../src/main/services/predict';
import { createRun, runLifecycle } from '../../../src/main/services/runs';
import { fixtureContext } from '../../helpers/fixture-library';
import { makeTrainLibrary } from '../../helpers/train-lib';

let lib: Library;
let runId: string;
const CLASSES = ['Arborio', 'Basmati', 'Ipsala'];

before(async () => {
  lib = makeTrainLibrary(35, { classes: 3 });
  const config = resolveConfig({ model: 'cnn', imageSize: 24, filters: [4], dense: [8], epochs: 2, batchSize: 8, learningRate: 0.001, backend: 'wasm', augment: false, seed: 3 });
  runId = createRun(lib, config);
  await useBackend('wasm');
  const ac = new AbortController();
  let failure = '';
  const status = await runTraining(lib, runId, config, (e) => e.type === 'failed' && (failure = e.error), { cancelled: () => ac.signal.aborted, signal: ac.signal }, runLifecycle(lib));
  assert.equal(status, 'completed', failure);
});

after(() => lib.close());

/** The stored predictions of a split as n × k rows and labels (the run's classes are the library's first three). */
function stored(split: 'val' | 'test') {
  const rows = splitPredictions(lib.db, runId, split);
  const ids = (lib.db.prepare('SELECT id FROM classes ORDER BY position').all() as Array<{ id: number }>).map((r) => r.id);
  return { probs: rows.flatMap((r) => JSON.parse(r.probs) as number[]), labels: rows.map((r) => ids.indexOf(r.trueClassId)) };
}

test('a completed run: calibration from its stored predictions, stored once, with the shapes the views need', () => {
  assert.equal(getCalibration(lib.db, runId), undefined, 'nothing until first use');
  const c = calibrationWithoutModel(lib, runId)!;
  assert.ok(c, 'a run trained now has its val predictions stored');
  assert.ok(c.temperature > 0.05 && c.temperature < 20);
  assert.equal(c.val!.before.n, 21);
  assert.equal(c.test!.before.n, 21);
  assert.equal(c.fittedOn, 21);
  for (const s of [c.val!, c.test!]) {
    assert.equal(s.before.bins.length, 10);
    assert.equal(s.after.bins.reduce((a, b) => a + b.count, 0), s.after.n);
    assert.equal(s.after.accuracy, s.before.accuracy, 'a temperature never changes the top class');
  }
  // T minimises val NLL over a range holding T = 1, so it can only lower it.
  assert.ok(c.val!.after.nll <= c.val!.before.nll + 1e-9);
  // The numbers are the engine's, over exactly the stored rows.
  const val = stored('val');
  const test = stored('test');
  assert.ok(Math.abs(calibrationScores(val.probs, val.labels, 3).ece - c.val!.before.ece) < 1e-9);
  assert.ok(Math.abs(calibrationScores(applyTemperature(test.probs, 3, c.temperature), test.labels, 3).brier - c.test!.after.brier) < 1e-9);
  assert.deepEqual(c.perClass.map((r) => r.name), CLASSES);
  assert.deepEqual(c.perClass.map((r) => r.support), [7, 7, 7]);
  assert.ok(c.perClass.every((r) => r.curve.length > 0 && r.curve.length <= 100 && r.ap >= 0 && r.ap <= 1));
  assert.ok(c.unsureThreshold > 0 && c.unsureThreshold <= 1);
  assert.equal(getCalibration(lib.db, runId)!.temperature, c.temperature);
  assert.equal(calibrationWithoutModel(lib, runId)!.computedAt, c.computedAt, 'the second call reads the stored one');
  // Browse's stored confidences are now the calibrated top probability; the raw probabilities are kept.
  const rows = lib.db.prepare('SELECT split, confidence, probs FROM run_predictions WHERE run_id = ?').all(runId) as Array<{ split: string; confidence: number; probs: string }>;
  assert.ok(rows.length >= 42 && rows.some((r) => r.split === 'train'), 'every stored prediction, in-sample ones too');
  for (const r of rows) {
    const raw = JSON.parse(r.probs) as number[];
    assert.ok(Math.abs(r.confidence - Math.max(...calibrate(raw, c.temperature))) < 1e-9);
  }
  assert.ok(rows.some((r) => Math.abs(r.confidence - Math.max(...(JSON.parse(r.probs) as number[]))) > 1e-4), 'T ≠ 1 changed them');
  assert.deepEqual(stored('val').probs, val.probs, 'the raw probabilities the temperature is fitted on are untouched');
});

test('an older run without val predictions: scored with its model on first use, the same temperature', async () => {
  const t0 = (await runCalibration(lib, runId)).temperature;
  const valRows = lib.db.prepare(`SELECT * FROM run_predictions WHERE run_id = ? AND split = 'val'`).all(runId) as Array<Record<string, unknown>>;
  lib.db.prepare(`DELETE FROM run_calibration WHERE run_id = ?`).run(runId);
  lib.db.prepare(`DELETE FROM run_predictions WHERE run_id = ? AND split = 'val'`).run(runId);
  try {
    assert.equal(calibrationWithoutModel(lib, runId), null, 'needs the model');
    const tensors = tf.memory().numTensors;
    const c = await runCalibration(lib, runId);
    assert.equal(tf.memory().numTensors, tensors, 'no tensors leak');
    assert.equal(c.val!.before.n, 21);
    assert.ok(Math.abs(c.temperature - t0) < 1e-3, `${c.temperature} vs ${t0}`);
  } finally {
    const insert = lib.db.prepare(`INSERT INTO run_predictions (run_id, image_id, true_class_id, predicted_class_id, confidence, loss, probs, split)
      VALUES (@run_id, @image_id, @true_class_id, @predicted_class_id, @confidence, @loss, @probs, @split)`);
    for (const r of valRows) insert.run(r);
  }
  // A run that is not completed has none.
  const queued = createRun(lib, resolveConfig({ model: 'cnn' }));
  assert.throws(() => calibrationWithoutModel(lib, queued), /is queued: only a completed run has a calibration/);
});

test('predict answers and evaluation use the temperature; the request answers through dispatch', async () => {
  const T = await runTemperature(lib, runId);
  const row = lib.db.prepare(`SELECT i.source_path AS path, p.probs FROM run_predictions p JOIN images i ON i.id = p.image_id
    WHERE p.run_id = ? AND p.split = 'test' ORDER BY p.image_id LIMIT 1`).get(runId) as { path: string; probs: string };
  const [r] = await predict(lib, runId, [row.path]);
  const want = calibrate(JSON.parse(row.probs) as number[], T);
  CLASSES.forEach((c, j) => assert.ok(Math.abs(r!.probabilities[c]! - want[j]!) < 1e-4, `${c}: ${r!.probabilities[c]} vs ${want[j]}`));

  const m = await evaluateRun(lib, runId);
  const c = (await runCalibration(lib, runId)).test!;
  assert.equal(m.calibration!.temperature, T);
  assert.ok(Math.abs(m.calibration!.uncalibrated.ece - c.before.ece) < 1e-5);
  assert.ok(Math.abs(m.calibration!.nll - c.after.nll) < 1e-4);

  const res = await dispatch(handlers, fixtureContext(lib), 'runs.calibration', { runId });
  assert.ok(res.ok && res.value.temperature === T);
  const bad = await dispatch(handlers, fixtureContext(lib), 'runs.calibration', { runId: 'no-such-run' });
  assert.ok(!bad.ok && /no run "no-such-run"/.test(bad.error));
});

test('too few val images: no temperature is fitted (T = 1), the scores are still shown', () => {
  // 5 val rows that a fit would sharpen to an extreme (all right, at 40% confidence).
  const val = { probs: new Float64Array(Array.from({ length: 5 }, () => [0.4, 0.3, 0.3]).flat()), labels: [0, 0, 0, 0, 0] };
  const c = computeCalibration('r', CLASSES, val, val);
  assert.ok(val.labels.length < MIN_FIT_IMAGES);
  assert.equal(c.temperature, 1);
  assert.equal(c.fittedOn, 0);
  assert.ok(Math.abs(c.val!.after.ece - c.val!.before.ece) < 1e-12);
});
