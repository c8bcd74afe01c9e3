// Predict: the model picked, the typed paths, and the last prediction (its results, or why it failed).
// The finished runs and the run a prediction uses are derived from the runs store, never copied into this one.
import { useMemo } from 'react';
import { create } from 'zustand';
import { isCancelledError } from '../../../../shared/contract';
import type { PredictResult, RunSummary } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { toast } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { useRuns } from '../runs/runs.store';

interface PredictState {
  /** The run picked in the Model list; '' until the user picks one (then the newest finished run is used). */
  picked: string;
  /** The paths field, one path per line. */
  text: string;
  busy: boolean;
  results: PredictResult[] | null;
  error: string | null;
}

export const usePredict = create<PredictState>(() => ({ picked: '', text: '', busy: false, results: null, error: null }));

/** The runs a prediction can use: the completed ones, in the runs list's order (newest first). */
export function finishedRuns(runs: readonly RunSummary[]): RunSummary[] {
  return runs.filter((r) => r.status === 'completed');
}

/** The run a prediction uses: the one picked, else the newest finished one ('' when there is none). */
export function chosenRunId(picked: string, finished: readonly RunSummary[]): string {
  return picked || finished[0]?.id || '';
}

/** The finished runs, or null while the runs list has not loaded. */
export function useFinishedRuns(): RunSummary[] | null {
  const runs = useRuns((s) => s.runs);
  return useMemo(() => (runs ? finishedRuns(runs) : null), [runs]);
}

export function useChosenRunId(): string {
  const picked = usePredict((s) => s.picked);
  const finished = useFinishedRuns();
  return chosenRunId(picked, finished ?? []);
}

export function pickRun(runId: string): void {
  usePredict.setState({ picked: runId });
}

export function setPathsText(text: string): void {
  usePredict.setState({ text });
}

function currentRunId(): string {
  return chosenRunId(usePredict.getState().picked, finishedRuns(useRuns.getState().runs ?? []));
}

/** One prediction request: busy while it runs; a cancelled one keeps the previous results and says so. */
async function run(request: (runId: string) => Promise<PredictResult[]>): Promise<void> {
  const runId = currentRunId();
  if (!runId) return;
  usePredict.setState({ busy: true, error: null });
  try {
    usePredict.setState({ results: await request(runId) });
  } catch (e) {
    if (isCancelledError('runs.predict', e)) toast('Prediction cancelled');
    else usePredict.setState({ error: errorMessage(e) });
  }
  usePredict.setState({ busy: false });
}

export function predictPaths(paths: string[]): Promise<void> {
  if (paths.length === 0) return Promise.resolve();
  return run((runId) => getApi()['runs.predict']({ runId, paths }));
}

/** Dropped or chosen files travel as bytes: a browser has no paths, and the host may be another machine. */
export function predictFiles(files: readonly File[]): Promise<void> {
  if (files.length === 0) return Promise.resolve();
  return run(async (runId) => {
    const payload = await Promise.all(files.map(async (f) => ({ name: f.name, base64: await toBase64(f) })));
    return getApi()['runs.predictUpload']({ runId, files: payload });
  });
}

export async function cancelPrediction(): Promise<void> {
  try {
    await getApi()['jobs.cancel']({ name: 'runs.predict' });
  } catch (e) {
    toast(`Could not cancel: ${errorMessage(e)}`, 'error');
  }
}

/** The desktop app's file picker: the chosen paths go into the field and are predicted at once. */
export async function pickAndPredict(): Promise<void> {
  try {
    const files = await getApi()['dialog.pickFiles']({});
    if (files.length === 0) return;
    setPathsText(files.join('\n'));
    await predictPaths(files);
  } catch (e) {
    usePredict.setState({ error: errorMessage(e) });
  }
}

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
