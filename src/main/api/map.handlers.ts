import type { RequestName } from '../../shared/contract';
import type { MapSource } from '../../shared/types';
import type { HandlerGroup } from './context';
import { getMap, mapPoints } from '../services/map';

export const mapHandlers: HandlerGroup<Extract<RequestName, `map.${string}`>> = {
  // Features and UMAP take seconds to minutes: in a worker, cancellable (workers/jobs.ts).
  'map.compute': (input, ctx) => ctx.workers.runJob(ctx.library(), 'map.compute', input),
  'map.get': (input, ctx) => getMap(ctx.library(), (input.source ?? 'features') as MapSource),
  'map.points': (input, ctx) => mapPoints(ctx.library(), input.runId),
};
