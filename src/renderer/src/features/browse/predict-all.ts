// "Predict the rest" in Browse: a run predicts the whole library when it finishes, but images imported later
// (or a run from before whole-library predictions) have none: their tiles carry no prediction and the filters on
// predictions leave them out. This store knows how
// many readable images the selected run has not predicted, and runs runs.predictAll on demand with progress and
// Cancel — the studio's counterpart of `paddy predict-all`.
import { create } from 'zustand';
import { isCancelledError } from '../../../../shared/contract';
import type { Progress } from '../../../../shared/contract';
import { getApi } from '../../app/api';
import { toast } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { invalidate } from './browse.store';

interface PredictAllState {
  /** The run the numbers belong to (a stale answer for another run is dropped). */
  runId: string | null;
  /** Readable images of the library the run has no prediction for (null: not counted yet). */
  unpredicted: number | null;
  running: boolean;
  progress: Progress | null;
  error: string | null;
}

export const usePredictAll = create<PredictAllState>(() => ({ runId: null, unpredicted: null, running: false, progress: null, error: null }));

const countOf = async (filter: Parameters<ReturnType<typeof getApi>['images.query']>[0]['filter']): Promise<number> =>
  (await getApi()['images.query']({ filter, sort: 'name', desc: false, offset: 0, limit: 1 })).total;

/** Counts what `runId` has not predicted: every image whose source is readable, less the run's predictions. */
export async function countUnpredicted(runId: string | undefined): Promise<void> {
  if (!runId) return usePredictAll.setState({ runId: null, unpredicted: null, error: null });
  if (usePredictAll.getState().runId !== runId) usePredictAll.setState({ runId, unpredicted: null, error: null });
  try {
    const [all, missing, predicted] = await Promise.all([countOf({}), countOf({ missingOnly: true }), countOf({ runId, runOnly: true })]);
    if (usePredictAll.getState().runId === runId) usePredictAll.setState({ unpredicted: Math.max(0, all - missing - predicted) });
  } catch {
    // A count that fails (library switched mid-way) just hides the offer; the grid shows its own error.
    if (usePredictAll.getState().runId === runId) usePredictAll.setState({ unpredicted: null });
  }
}

export function onPredictAllProgress(p: { runId: string } & Progress): void {
  if (usePredictAll.getState().running && p.runId === usePredictAll.getState().runId) usePredictAll.setState({ progress: p });
}

export async function predictRest(): Promise<void> {
  const { runId, running } = usePredictAll.getState();
  if (!runId || running) return;
  usePredictAll.setState({ running: true, progress: null, error: null });
  try {
    const r = await getApi()['runs.predictAll']({ runId });
    toast(`Predicted ${r.predicted.toLocaleString('en-US')} images with this run`, 'ok');
    usePredictAll.setState({ running: false, progress: null });
    invalidate();
    await countUnpredicted(runId);
  } catch (e) {
    if (isCancelledError('runs.predictAll', e)) {
      usePredictAll.setState({ running: false, progress: null });
      toast('Prediction cancelled');
    } else usePredictAll.setState({ running: false, progress: null, error: errorMessage(e) });
  }
}

export async function cancelPredictRest(): Promise<void> {
  if (usePredictAll.getState().running) await getApi()['jobs.cancel']({ name: 'runs.predictAll' });
}
