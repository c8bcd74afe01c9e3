// Predict's unsure band (unsure.ts, predict.store's line) and the runs' calibration cache it reads its default
// from (one runs.calibration request per run, even when asked twice at once; a failure kept as the run's error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PaddyApi } from '../../../../src/shared/contract';
import type { RunCalibration } from '../../../../src/shared/types';
import { provideApi } from '../../../../src/renderer/src/app/api';
import { topTwo, unsureAnswer, unsureLine, DEFAULT_UNSURE_LINE } from '../../../../src/renderer/src/features/predict/unsure';
import { setUnsureAt, usePredict } from '../../../../src/renderer/src/features/predict/predict.store';
import { loadCalibration, useCalibration } from '../../../../src/renderer/src/features/runs/calibration.store';

test('the two likeliest classes, and an answer is unsure only below the line', () => {
  const p = { Arborio: 0.2, Basmati: 0.55, Jasmine: 0.25 };
  assert.deepEqual(topTwo(p), { first: { name: 'Basmati', p: 0.55 }, second: { name: 'Jasmine', p: 0.25 } });
  assert.deepEqual(unsureAnswer(p, 0.6)?.second?.name, 'Jasmine');
  assert.equal(unsureAnswer(p, 0.55), null, 'at the line is sure');
  assert.equal(topTwo({}), null);
  assert.deepEqual(topTwo({ Only: 1 }), { first: { name: 'Only', p: 1 }, second: null });
});

test("the line: the user's, else the run's val default, else 50%; the user's is clamped to 0–1", () => {
  assert.equal(unsureLine(null, undefined), DEFAULT_UNSURE_LINE);
  assert.equal(unsureLine(null, 0.8), 0.8);
  assert.equal(unsureLine(0.3, 0.8), 0.3);
  setUnsureAt(1.7);
  assert.equal(usePredict.getState().unsureAt, 1);
  setUnsureAt(Number.NaN);
  assert.equal(usePredict.getState().unsureAt, null);
});

test('loadCalibration asks once per run and keeps a failure as that run\u2019s error', async () => {
  const calls: string[] = [];
  provideApi({
    'runs.calibration': async ({ runId }: { runId: string }) => {
      calls.push(runId);
      if (runId === 'bad') throw new Error('no run "bad"');
      return { runId, temperature: 1.5, unsureThreshold: 0.7 } as RunCalibration;
    },
  } as unknown as PaddyApi);
  const [a, b] = await Promise.all([loadCalibration('r1'), loadCalibration('r1')]);
  assert.equal(a, b);
  await loadCalibration('r1');
  assert.deepEqual(calls, ['r1']);
  assert.equal(useCalibration.getState().byRun.r1?.unsureThreshold, 0.7);
  assert.equal(await loadCalibration('bad'), null);
  assert.match(useCalibration.getState().errors.bad!, /no run "bad"/);
});
