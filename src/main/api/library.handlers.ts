import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { libraryInfo } from '../services/library-info';
import { stats } from '../services/stats';

export const libraryHandlers: HandlerGroup<Extract<RequestName, `library.${string}`>> = {
  'library.info': (_input, ctx) => libraryInfo(ctx.library()),
  // Opening never creates: a mistyped path or a library that lost its paddy.db must not become a new one.
  'library.open': (input, ctx) => libraryInfo(ctx.switchLibrary(input.path)),
  'library.create': (input, ctx) => libraryInfo(ctx.switchLibrary(input.path, { create: true })),
  'library.stats': (_input, ctx) => stats(ctx.library()),
};
