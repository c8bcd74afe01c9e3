import type { HandlerGroup } from './context';
import { decideSuspect, listSuspects, scanSuspects } from '../services/suspects/index';

export const suspectsHandlers: HandlerGroup<
  | 'suspects.scan'
  | 'suspects.list'
  | 'suspects.decide'
> = {
  'suspects.scan': async (input, ctx) => {
    const { scanned, suspects, seconds } = await scanSuspects(ctx.library(), ctx.emit, input);
    return { scanned, suspects, seconds };
  },
  'suspects.list': (_input, ctx) => listSuspects(ctx.library().db),
  'suspects.decide': (input, ctx) => decideSuspect(ctx.library().db, ctx.emit, input),
};
