import type { HandlerGroup } from './context';
import { notImplemented } from './not-implemented';

export const systemHandlers: HandlerGroup<
  | 'settings.get'
  | 'settings.set'
  | 'library.info'
  | 'library.open'
  | 'library.stats'
> = {
  'settings.get': () => notImplemented('settings.get'),
  'settings.set': () => notImplemented('settings.set'),
  'library.info': () => notImplemented('library.info'),
  'library.open': () => notImplemented('library.open'),
  'library.stats': () => notImplemented('library.stats'),
};
