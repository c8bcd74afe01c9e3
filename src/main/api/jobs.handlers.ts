import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';

export const jobsHandlers: HandlerGroup<Extract<RequestName, `jobs.${string}`>> = {
  // Jobs (runs.evaluate, runs.predict, suspects.scan) run in the worker host's processes: it is the one that can stop them.
  'jobs.cancel': (input, ctx) => ({ cancelled: ctx.workers.cancelJobs(input.name) }),
};
