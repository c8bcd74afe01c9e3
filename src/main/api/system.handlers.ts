import type { HandlerGroup } from './context';
import { libraryInfo } from '../services/library-info';
import { getSettings, updateSettings } from '../services/settings';
import { stats } from '../services/stats';

export const systemHandlers: HandlerGroup<
  | 'settings.get'
  | 'settings.set'
  | 'library.info'
  | 'library.open'
  | 'library.stats'
> = {
  'settings.get': (_input, ctx) => getSettings(ctx.library().db),
  'settings.set': (input, ctx) => updateSettings(ctx.library().db, input),
  'library.info': (_input, ctx) => libraryInfo(ctx.library()),
  'library.open': (input, ctx) => libraryInfo(ctx.switchLibrary(input.path)),
  'library.stats': (_input, ctx) => stats(ctx.library()),
};
