import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { compareRuns } from '../services/compare';
import { predictUploaded } from '../services/predict-upload';
import { deleteRun, getRun, listRuns, setDefaultRun, updateRun } from '../services/runs';

export const runsHandlers: HandlerGroup<Extract<RequestName, `runs.${string}`>> = {
  'runs.list': (_input, ctx) => listRuns(ctx.library()),
  'runs.get': (input, ctx) => getRun(ctx.library(), input.runId),
  'runs.delete': (input, ctx) => ({ deleted: deleteRun(ctx.library(), input.runId) }),
  'runs.update': (input, ctx) => updateRun(ctx.library(), input.runId, input),
  'runs.setDefault': (input, ctx) => setDefaultRun(ctx.library(), input.runId),
  'runs.compare': (input, ctx) => compareRuns(ctx.library(), input.a, input.b),
  // Model inference over possibly many images: in a worker, like training (workers/jobs.ts).
  'runs.evaluate': (input, ctx) => ctx.workers.runJob(ctx.library(), 'runs.evaluate', input),
  'runs.predict': (input, ctx) => ctx.workers.runJob(ctx.library(), 'runs.predict', input),
  'runs.predictAll': (input, ctx) => ctx.workers.runJob(ctx.library(), 'runs.predictAll', input),
  'runs.predictUpload': (input, ctx) =>
    predictUploaded(input.files, (paths) => ctx.workers.runJob(ctx.library(), 'runs.predict', { runId: input.runId, paths })),
};
