import type { RequestName } from '../../shared/contract';
import type { TrainConfig } from '../../shared/types';
import type { HandlerGroup } from './context';
import { resolveConfig } from '../engine/config';
import { weightsFor } from '../engine/features/feature-cache';
import { getSettings } from '../services/settings';

export const trainHandlers: HandlerGroup<Extract<RequestName, `train.${string}`>> = {
  'train.start': (input, ctx) => {
    const lib = ctx.library();
    const config = resolveConfig(input.config as Partial<TrainConfig> & { model: 'cnn' | 'mobilenetv2' }, getSettings(lib.db));
    // Missing weights are bad input: say how to get them now rather than from a failed run.
    if (config.model === 'mobilenetv2') weightsFor(lib, config.alpha, config.weightsDir);
    return ctx.workers.start(lib, config);
  },
  'train.cancel': (input, ctx) => ({ cancelled: ctx.workers.cancel(input.runId) }),
  'train.defaults': (input, ctx) => resolveConfig({ model: input.model }, getSettings(ctx.library().db)),
};
