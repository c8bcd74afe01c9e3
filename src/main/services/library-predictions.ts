// "Predict whole library": a completed run's model scores every readable image of the library and stores each
// prediction with the split it had in the run's snapshot (train = in-sample), so Browse can filter and sort any
// split by the run. Training does this itself at its end; this is for older runs and images added since.
import type { Emit } from '../../shared/contract';
import type { LibraryPredictionResult } from '../../shared/types';
import type { Library } from '../library';
import { predictLibrary } from '../engine/inference';
import { predictionCounts } from '../repos/runs.repo';
import { calibrateNewPredictions } from './calibration';
import { loadCompletedRunModel } from './run-model';

export async function predictWholeLibrary(lib: Library, runId: string, emit: Emit, signal?: AbortSignal): Promise<LibraryPredictionResult> {
  const { model } = await loadCompletedRunModel(lib, runId, 'only a completed run has a model to predict with');
  try {
    const predicted = await predictLibrary(lib, runId, model, { signal, onProgress: (done, total) => emit('runs.predictProgress', { runId, done, total }) });
    calibrateNewPredictions(lib, runId);
    emit('library.changed', { reason: 'predictions' });
    return { runId, predicted, bySplit: predictionCounts(lib.db, runId) };
  } finally {
    model.dispose();
  }
}
