import type { HandlerGroup } from './context';
import { notImplemented } from './not-implemented';

export const classesHandlers: HandlerGroup<'classes.add' | 'classes.rename' | 'classes.merge'> = {
  'classes.add': () => notImplemented('classes.add'),
  'classes.rename': () => notImplemented('classes.rename'),
  'classes.merge': () => notImplemented('classes.merge'),
};
