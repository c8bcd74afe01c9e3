// The Predict view's state as its buttons drive it (predict.store): which run a prediction uses, the busy flag,
// results, a failure shown as an error, a cancellation as a note that keeps the previous results, and dropped
// files sent as their exact bytes. The host is a scripted PaddyApi; the dropped file is a real rice photo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { PaddyApi } from '../../../../src/shared/contract';
import type { PredictResult, RunSummary } from '../../../../src/shared/types';
import { provideApi } from '../../../../src/renderer/src/app/api';
import { useApp } from '../../../../src/renderer/src/app/app.store';
import { ApiError } from '../../../../src/renderer/src/api/unwrap';
import { useRuns } from '../../../../src/renderer/src/features/runs/runs.store';
import {
  cancelPrediction,
  chosenRunId,
  finishedRuns,
  pickRun,
  predictFiles,
  predictPaths,
  usePredict,
} from '../../../../src/renderer/src/features/predict/predict.store';
import { RICE_DIR } from '../../../helpers/tmp';

const run = (id: string, status: RunSummary['status']): RunSummary => ({ id, status } as RunSummary);
const runs = [run('run-c', 'running'), run('run-b', 'completed'), run('run-a', 'completed'), run('run-x', 'failed')];
const answer = (p: string): PredictResult => ({ path: p, predicted: 'Basmati', probabilities: { Basmati: 0.9, Jasmine: 0.1 } });

function scriptedApi() {
  const calls: Array<[string, unknown]> = [];
  let settle: { resolve: (r: PredictResult[]) => void; reject: (e: Error) => void } | null = null;
  const pending = (name: string) => (input: unknown) => {
    calls.push([name, input]);
    return new Promise((resolve, reject) => (settle = { resolve, reject }));
  };
  provideApi({
    'runs.predict': pending('runs.predict'),
    'runs.predictUpload': pending('runs.predictUpload'),
    'jobs.cancel': async (input: { name: 'runs.predict' }) => {
      calls.push(['jobs.cancel', input]);
      // What every host answers: the pending request then rejects with the one cancelled message.
      const s = settle!;
      settle = null;
      setTimeout(() => s.reject(new ApiError('runs.predict', `${input.name} was cancelled`)), 5);
      return { cancelled: 1 };
    },
  } as unknown as PaddyApi);
  // The request may still be on its way (a dropped file is read first): wait for it, then settle it.
  const pendingRequest = async () => {
    for (let i = 0; i < 500 && !settle; i++) await new Promise((r) => setTimeout(r, 2));
    const s = settle!;
    settle = null;
    return s;
  };
  return {
    calls,
    answer: async (r: PredictResult[]) => (await pendingRequest()).resolve(r),
    fail: async (m: string) => (await pendingRequest()).reject(new ApiError('runs.predict', m)),
  };
}

function reset(): void {
  usePredict.setState({ picked: '', text: '', busy: false, results: null, error: null });
  useRuns.setState({ runs });
  useApp.setState({ toasts: [] });
}

test('a prediction uses the run picked, else the newest finished one; none without a finished run', async () => {
  assert.deepEqual(finishedRuns(runs).map((r) => r.id), ['run-b', 'run-a']);
  assert.equal(chosenRunId('', finishedRuns(runs)), 'run-b');
  assert.equal(chosenRunId('run-a', finishedRuns(runs)), 'run-a');
  assert.equal(chosenRunId('', []), '');

  reset();
  const api = scriptedApi();
  pickRun('run-a');
  const predicting = predictPaths(['/x/1.jpg']);
  assert.equal(usePredict.getState().busy, true);
  await api.answer([answer('/x/1.jpg')]);
  await predicting;
  assert.deepEqual(api.calls, [['runs.predict', { runId: 'run-a', paths: ['/x/1.jpg'] }]]);
  assert.deepEqual(usePredict.getState().results, [answer('/x/1.jpg')]);
  assert.equal(usePredict.getState().busy, false);

  useRuns.setState({ runs: [run('run-c', 'running')] });
  usePredict.setState({ picked: '' });
  await predictPaths(['/x/2.jpg']);
  await predictPaths([]);
  assert.equal(api.calls.length, 1, 'no finished run, or no paths: nothing is asked');
});

test('Cancel keeps the previous results and says so as a note; a real failure shows as the error', async () => {
  reset();
  const api = scriptedApi();
  const first = predictPaths(['/x/1.jpg']);
  await api.answer([answer('/x/1.jpg')]);
  await first;
  const previous = usePredict.getState().results;

  const cancelled = predictPaths(['/x/1.jpg', '/x/2.jpg']);
  await cancelPrediction();
  await cancelled;
  assert.deepEqual(api.calls.map(([n]) => n), ['runs.predict', 'runs.predict', 'jobs.cancel']);
  let s = usePredict.getState();
  assert.deepEqual({ busy: s.busy, error: s.error }, { busy: false, error: null });
  assert.equal(s.results, previous);
  assert.deepEqual(useApp.getState().toasts.map((t) => [t.text, t.kind]), [['Prediction cancelled', 'info']]);

  const failing = predictPaths(['/x/3.jpg']);
  await api.fail('run run-b has no model file');
  await failing;
  s = usePredict.getState();
  assert.deepEqual({ busy: s.busy, error: s.error }, { busy: false, error: 'run run-b has no model file' });
  assert.equal(s.results, previous);
});

test('dropped files reach runs.predictUpload as their exact bytes, under their own names', async () => {
  reset();
  const api = scriptedApi();
  const dir = path.join(RICE_DIR, 'Basmati');
  const name = fs.readdirSync(dir).find((f) => f.endsWith('.jpg'))!;
  const bytes = fs.readFileSync(path.join(dir, name));
  const uploading = predictFiles([new File([bytes], name, { type: 'image/jpeg' })]);
  await api.answer([answer(name)]);
  await uploading;
  const [call] = api.calls as Array<[string, { runId: string; files: Array<{ name: string; base64: string }> }]>;
  assert.equal(call![0], 'runs.predictUpload');
  assert.equal(call![1].runId, 'run-b');
  assert.deepEqual(call![1].files.map((f) => f.name), [name]);
  assert.ok(Buffer.from(call![1].files[0]!.base64, 'base64').equals(bytes), 'the bytes arrive unchanged');
  assert.deepEqual(usePredict.getState().results, [answer(name)]);
});
