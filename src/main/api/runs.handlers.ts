import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { compareRuns } from '../services/compare';
import { predictUploaded } from '../services/predict-upload';
import { deleteRun, getRun, listRuns, setDefaultRun, updateRun } from '../services/runs';
import { clearHeatmapCache, explainRequest } from '../services/explain'; // Grad-CAM (#13, saliency)
import { calibrationWithoutModel } from '../services/calibration'; // calibration (#13)
import { learningCurve } from '../services/unlabeled/learning-curve'; // pre-labels + learning curve (#14)

export const runsHandlers: HandlerGroup<Extract<RequestName, `runs.${string}`>> = {
  'runs.list': (_input, ctx) => listRuns(ctx.library()),
  'runs.get': (input, ctx) => getRun(ctx.library(), input.runId),
  'runs.delete': (input, ctx) => {
    // A deleted run's cached heat maps go with it (services/runs cannot know the explain cache: explain uses runs).
    const deleted = deleteRun(ctx.library(), input.runId);
    clearHeatmapCache(ctx.library(), input.runId);
    return { deleted };
  },
  'runs.update': (input, ctx) => updateRun(ctx.library(), input.runId, input),
  'runs.setDefault': (input, ctx) => setDefaultRun(ctx.library(), input.runId),
  'runs.compare': (input, ctx) => compareRuns(ctx.library(), input.a, input.b),
  // Model inference over possibly many images: in a worker, like training (workers/jobs.ts).
  'runs.evaluate': (input, ctx) => ctx.workers.runJob(ctx.library(), 'runs.evaluate', input),
  'runs.predict': (input, ctx) => ctx.workers.runJob(ctx.library(), 'runs.predict', input),
  'runs.predictAll': (input, ctx) => ctx.workers.runJob(ctx.library(), 'runs.predictAll', input),
  'runs.predictUpload': (input, ctx) =>
    predictUploaded(input.files, (paths) => ctx.workers.runJob(ctx.library(), 'runs.predict', { runId: input.runId, paths })),
  // Grad-CAM (#13, saliency): cached maps are answered here, the rest is a worker job.
  'runs.explain': (input, ctx) => explainRequest(ctx.library(), input, (asked) => ctx.workers.runJob(ctx.library(), 'runs.explain', asked)),
  // Pre-labels of unlabeled images and the learning curve (#14)
  'runs.prelabel': (input, ctx) => ctx.workers.runJob(ctx.library(), 'runs.prelabel', input),
  'runs.learningCurve': (_input, ctx) => learningCurve(ctx.library()),
  // Calibration (#13): stored or arithmetic over stored predictions here; an older run needs its model, so a job.
  'runs.calibration': async (input, ctx) =>
    calibrationWithoutModel(ctx.library(), input.runId) ?? ctx.workers.runJob(ctx.library(), 'runs.calibration', input),
};
