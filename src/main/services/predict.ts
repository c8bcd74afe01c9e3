// Predict: image files → class probabilities with a run's saved model. A bad file gets its own error.
import type { PredictResult } from '../../shared/types';
import type { Library } from '../library';
import { useBackend } from '../engine/backends';
import { scoreFiles } from '../engine/inference';
import { loadRunModel } from '../engine/saved-model';
import { getSettings } from './settings';
import { requireRun } from './runs';

/** `signal`: checked between batches; an aborted prediction throws. */
export async function predict(lib: Library, runId: string, paths: string[], signal?: AbortSignal): Promise<PredictResult[]> {
  const run = requireRun(lib, runId);
  if (run.status !== 'completed') throw new Error(`run ${runId} is ${run.status}: only a completed run has a model to predict with`);
  const settings = getSettings(lib.db);
  await useBackend(settings.backend, 'infer');
  const model = await loadRunModel(lib, runId, settings.weightsDir);
  try {
    const { probs, errors } = await scoreFiles(model, paths, signal);
    return paths.map((p, i) => {
      const row = probs[i];
      if (!row) return { path: p, predicted: null, probabilities: {}, error: errors[i] ?? 'no prediction' };
      const probabilities: Record<string, number> = {};
      let best = 0;
      model.meta.classes.forEach((c, k) => {
        probabilities[c] = row[k]!;
        if (row[k]! > row[best]!) best = k;
      });
      return { path: p, predicted: model.meta.classes[best]!, probabilities };
    });
  } finally {
    model.dispose();
  }
}
