// The model of a completed run, loaded on the library's chosen backend for inference: what predict, evaluation and
// whole-library prediction each need before they score anything. The caller disposes the model.
import type { Library } from '../library';
import type { RunRow } from '../repos/runs.repo';
import { useBackend } from '../engine/backends';
import { loadRunModel, type LoadedModel } from '../engine/saved-model';
import { getSettings } from './settings';
import { requireRun } from './runs';

/** `refusal` ends the error for a run that is not completed: "run X is running: <refusal>". */
export async function loadCompletedRunModel(lib: Library, runId: string, refusal: string): Promise<{ run: RunRow; model: LoadedModel }> {
  const run = requireRun(lib, runId);
  if (run.status !== 'completed') throw new Error(`run ${runId} is ${run.status}: ${refusal}`);
  const settings = getSettings(lib.db);
  await useBackend(settings.backend, 'infer');
  return { run, model: await loadRunModel(lib, runId, settings.weightsDir) };
}
