// Predict: the model picked, the typed paths, and every result of this session (newest first) or why the last
// prediction failed. The finished runs and the run a prediction uses are derived from the runs store, never
// copied into this one. A dropped or chosen file keeps an object URL of its bytes as its preview until Clear.
import { useMemo } from 'react';
import { create } from 'zustand';
import { isCancelledError } from '../../../../shared/contract';
import type { PredictResult, RunSummary } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { toast } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { useRuns } from '../runs/runs.store';

interface PredictState {
  /** The run picked in the Model list; '' until the user picks one (then the default model is used). */
  picked: string;
  /** The paths field, one path per line. */
  text: string;
  busy: boolean;
  /** Every result of this session, newest first (null before the first prediction). */
  results: PredictResult[] | null;
  /** What each result came from: the run that predicted it and, for uploaded bytes, their object URL. */
  about: ReadonlyMap<PredictResult, ResultSource>;
  error: string | null;
  /** The unsure line the user set (0–1), or null: each run's default from its val set. */
  unsureAt: number | null;
}

export interface ResultSource {
  runId: string;
  /** An object URL of the uploaded bytes (null for a typed path: the page cannot read the host's files). */
  preview: string | null;
}

export const usePredict = create<PredictState>(() => ({ picked: '', text: '', busy: false, results: null, about: new Map(), error: null, unsureAt: null }));

/** The runs a prediction can use: the completed ones, in the runs list's order (newest first). */
export function finishedRuns(runs: readonly RunSummary[]): RunSummary[] {
  return runs.filter((r) => r.status === 'completed');
}

/**
 * The run a prediction uses: the one picked, else the default model the host names (marked, else best val
 * accuracy), else the newest finished one ('' when there is none).
 */
export function chosenRunId(picked: string, finished: readonly RunSummary[]): string {
  return picked || finished.find((r) => r.isDefault)?.id || finished[0]?.id || '';
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

/**
 * One prediction request: busy while it runs; its results go on top of the session's list. A cancelled one
 * keeps the previous results and says so. `previewOf` gives an uploaded result its object URL.
 */
async function run(
  request: (runId: string) => Promise<PredictResult[]>,
  previewOf: (results: PredictResult[]) => Array<string | null> = (r) => r.map(() => null),
): Promise<void> {
  const runId = currentRunId();
  if (!runId) return;
  usePredict.setState({ busy: true, error: null });
  try {
    const fresh = await request(runId);
    const previews = previewOf(fresh);
    const { results, about } = usePredict.getState();
    const next = new Map(about);
    fresh.forEach((r, i) => next.set(r, { runId, preview: previews[i] ?? null }));
    usePredict.setState({ results: [...fresh, ...(results ?? [])], about: next });
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
  return run(
    async (runId) => {
      const payload = await Promise.all(files.map(async (f) => ({ name: f.name, base64: await toBase64(f) })));
      return getApi()['runs.predictUpload']({ runId, files: payload });
    },
    (results) => previewsFor(files, results),
  );
}

/** Each result's file (by name, in order: two files may share a name) as an object URL. */
function previewsFor(files: readonly File[], results: readonly PredictResult[]): Array<string | null> {
  const unused = [...files];
  return results.map((r) => {
    const i = unused.findIndex((f) => f.name === r.path);
    if (i < 0) return null;
    const [file] = unused.splice(i, 1);
    return URL.createObjectURL(file!);
  });
}

/**
 * What a card shows as its image: the uploaded bytes, else the library's thumbnail of the same bytes (through
 * the host's image route, never a file:// URL), else nothing (a typed path is on the host, not in the page).
 */
export function previewUrl(r: PredictResult, source: ResultSource | undefined): string | null {
  if (source?.preview) return source.preview;
  return r.match ? getApi().imageUrl('thumb', r.match.imageId) : null;
}

/** Clear: the session's results go, and the uploaded bytes they kept alive with them. */
export function clearResults(): void {
  for (const source of usePredict.getState().about.values()) if (source.preview) URL.revokeObjectURL(source.preview);
  usePredict.setState({ results: null, about: new Map(), error: null });
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

/** The unsure line (0–1), or null to go back to the run's default from its val set. */
export function setUnsureAt(line: number | null): void {
  usePredict.setState({ unsureAt: line === null || !Number.isFinite(line) ? null : Math.max(0, Math.min(1, line)) });
}
