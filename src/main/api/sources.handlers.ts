import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { checkLibrarySources, relinkFolder, removeMissing } from '../services/sources';

export const sourcesHandlers: HandlerGroup<Extract<RequestName, `sources.${string}`>> = {
  'sources.check': (_input, ctx) => checkLibrarySources(ctx.library(), ctx.emit),
  'sources.relink': (input, ctx) => relinkFolder(ctx.library(), input.from, input.to, ctx.emit),
  'sources.removeMissing': (_input, ctx) => removeMissing(ctx.library(), ctx.emit),
};
