// Runs: the list, the two picked for comparison, the comparison itself and the detail of one run.
import { create } from 'zustand';
import type { CompareResult, RunDetail, RunSummary } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { navigate, toast, useApp } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { replaceFilter } from '../browse/browse.store';
import { confusionCellFilter, confusionCellLabel, togglePick } from './compare';

interface RunsState {
  runs: RunSummary[] | null;
  error: string | null;
  picked: string[];
  compare: CompareResult | null;
  compareError: string | null;
  comparing: boolean;
  details: Record<string, RunDetail>;
  /** Confusion matrices show row shares (each true class sums to 100%) or counts. */
  cmMode: 'normalised' | 'absolute';
}

/** The run Predict and Browse start from, as the host decided it (marked, else best val accuracy); '' if none. */
export function defaultRunId(runs: readonly RunSummary[] | null): string {
  return runs?.find((r) => r.isDefault && r.status === 'completed')?.id ?? '';
}

export const useRuns = create<RunsState>(() => ({
  runs: null,
  error: null,
  picked: [],
  compare: null,
  compareError: null,
  comparing: false,
  details: {},
  cmMode: 'normalised',
}));

let listSeq = 0;

/**
 * Reloads the list. Calls overlap (a short run's 'started' and 'finished' events each trigger one) and their
 * answers can arrive in any order: only the newest request's answer is applied, so an older one cannot put
 * a finished run back to 'running'.
 */
export async function loadRuns(): Promise<void> {
  const seq = ++listSeq;
  try {
    const runs = await getApi()['runs.list']({});
    if (seq === listSeq) useRuns.setState({ runs, error: null });
  } catch (e) {
    if (seq === listSeq) useRuns.setState({ error: errorMessage(e), runs: useRuns.getState().runs });
  }
}

async function loadRunDetail(runId: string): Promise<void> {
  try {
    const d = await getApi()['runs.get']({ runId });
    useRuns.setState((s) => ({ details: { ...s.details, [runId]: d } }));
  } catch (e) {
    toast(`Could not load run ${runId}: ${errorMessage(e)}`, 'error');
  }
}

/** Tick a run in the table; with two picked, compare them. */
export function pickRun(runId: string): void {
  const picked = togglePick(useRuns.getState().picked, runId);
  useRuns.setState({ picked, compare: null, compareError: null });
  for (const id of picked) void loadRunDetail(id);
  if (picked.length === 2) void compareRuns(picked[0], picked[1]);
}

export async function compareRuns(a: string, b: string): Promise<void> {
  useRuns.setState({ comparing: true, compareError: null });
  try {
    const compare = await getApi()['runs.compare']({ a, b });
    useRuns.setState({ compare, comparing: false });
  } catch (e) {
    useRuns.setState({ compareError: errorMessage(e), comparing: false });
  }
}

export async function deleteRun(runId: string): Promise<void> {
  try {
    await getApi()['runs.delete']({ runId });
    useRuns.setState((s) => ({ picked: s.picked.filter((p) => p !== runId), compare: null }));
    await loadRuns();
    toast(`Deleted run ${runId}`);
  } catch (e) {
    toast(`Could not delete: ${errorMessage(e)}`, 'error');
  }
}

/**
 * Clicking a confusion-matrix cell: open those test images in Browse. Classes are found by the run's class ids
 * (its detail has them), so a class renamed since the run still opens.
 */
export async function openConfusionCell(runId: string, classes: string[], t: number, p: number): Promise<void> {
  try {
    let detail: RunDetail | undefined = useRuns.getState().details[runId];
    if (!detail?.classIds) {
      detail = await getApi()['runs.get']({ runId });
      const d = detail;
      useRuns.setState((s) => ({ details: { ...s.details, [runId]: d } }));
    }
    const library = useApp.getState().library?.classes ?? [];
    const filter = confusionCellFilter(runId, classes, t, p, library, detail.classIds);
    replaceFilter(filter, { label: confusionCellLabel(filter, library), keys: ['classIds', 'predictedClassIds', 'runId', 'splits'], kind: 'cell' });
    navigate('browse');
  } catch (e) {
    toast(errorMessage(e), 'error');
  }
}

/**
 * Opening a gallery ("A right, B wrong") in Browse with those images and a run's predictions; `title` names
 * the set on the chip that shows it is applied.
 */
export function openImagesInBrowse(imageIds: number[], runId?: string, title?: string): void {
  if (imageIds.length === 0) return;
  const count = `${imageIds.length.toLocaleString('en-US')} ${imageIds.length === 1 ? 'image' : 'images'}`;
  replaceFilter({ imageIds, ...(runId ? { runId } : {}) }, { label: title ? `${title} · ${count}` : count, keys: ['imageIds', 'runId'] });
  navigate('browse');
}
