// Training, runs, evaluation, comparison, prediction, cancelling jobs — and system.info (it reports the training backend).
import { createRequire } from 'node:module';
import type { HandlerGroup } from './context';
import { activeBackend, availableBackends } from '../engine/backends';
import { resolveConfig } from '../engine/config';
import { weightsFor } from '../engine/features/feature-cache';
import { compareRuns } from '../services/compare';
import { getSettings } from '../services/settings';
import { deleteRun, getRun, listRuns } from '../services/runs';
import type { TrainConfig } from '../../shared/types';
import { predictUploaded } from '../services/predict-upload';

function version(): string {
  try {
    return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
  } catch {
    return process.env.npm_package_version ?? 'unknown';
  }
}

export const trainingHandlers: HandlerGroup<
  | 'system.info'
  | 'train.start'
  | 'train.cancel'
  | 'train.defaults'
  | 'runs.list'
  | 'runs.get'
  | 'runs.delete'
  | 'runs.compare'
  | 'runs.evaluate'
  | 'runs.predict'
  | 'runs.predictUpload'
  | 'jobs.cancel'
> = {
  'system.info': async (_input, ctx) => {
    const available = await availableBackends();
    return {
      version: version(),
      backend: activeBackend() ?? available[0] ?? null,
      availableBackends: available,
      host: ctx.host === 'electron' ? 'electron' : 'web',
      platform: `${process.platform}-${process.arch}`,
    };
  },
  'train.start': (input, ctx) => {
    const lib = ctx.library();
    const config = resolveConfig(input.config as Partial<TrainConfig> & { model: 'cnn' | 'mobilenetv2' }, getSettings(lib.db));
    // Missing weights are bad input: say how to get them now rather than from a failed run.
    if (config.model === 'mobilenetv2') weightsFor(lib, config.alpha, config.weightsDir);
    return ctx.workers.start(lib, config);
  },
  'train.cancel': (input, ctx) => ({ cancelled: ctx.workers.cancel(input.runId) }),
  'train.defaults': (input, ctx) => resolveConfig({ model: input.model }, getSettings(ctx.library().db)),
  'runs.list': (_input, ctx) => listRuns(ctx.library()),
  'runs.get': (input, ctx) => getRun(ctx.library(), input.runId),
  'runs.delete': (input, ctx) => ({ deleted: deleteRun(ctx.library(), input.runId) }),
  'runs.compare': (input, ctx) => compareRuns(ctx.library(), input.a, input.b),
  // Model inference over possibly many images: in a worker, like training (workers/jobs.ts).
  'runs.evaluate': (input, ctx) => ctx.workers.runJob(ctx.library(), 'runs.evaluate', input),
  'runs.predict': (input, ctx) => ctx.workers.runJob(ctx.library(), 'runs.predict', input),
  'runs.predictUpload': (input, ctx) =>
    predictUploaded(input.files, (paths) => ctx.workers.runJob(ctx.library(), 'runs.predict', { runId: input.runId, paths })),
  // Jobs run in the training host's workers (the three above and suspects.scan): it is the one that can stop them.
  'jobs.cancel': (input, ctx) => ({ cancelled: ctx.workers.cancelJobs(input.name) }),
};
