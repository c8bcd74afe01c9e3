import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { acceptSuspects, decideSuspect, listSuspects, suspectsStatus, undoDecision } from '../services/suspects/index';

export const suspectsHandlers: HandlerGroup<Extract<RequestName, `suspects.${string}`>> = {
  // Trains fold models and extracts features: in a worker, so the app stays responsive (workers/jobs.ts).
  'suspects.scan': (input, ctx) => ctx.workers.runJob(ctx.library(), 'suspects.scan', input),
  'suspects.list': (_input, ctx) => listSuspects(ctx.library().db),
  'suspects.status': (_input, ctx) => suspectsStatus(ctx.library().db),
  'suspects.decide': (input, ctx) => decideSuspect(ctx.library().db, ctx.emit, input),
  'suspects.acceptBatch': (input, ctx) => acceptSuspects(ctx.library().db, ctx.emit, input.imageIds),
  'suspects.undo': (_input, ctx) => undoDecision(ctx.library().db, ctx.emit),
};
