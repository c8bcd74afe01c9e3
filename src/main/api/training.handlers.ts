import type { HandlerGroup } from './context';
import { notImplemented } from './not-implemented';

export const trainingHandlers: HandlerGroup<
  | 'system.info'
  | 'train.start'
  | 'train.cancel'
  | 'train.defaults'
  | 'runs.list'
  | 'runs.get'
  | 'runs.delete'
  | 'runs.compare'
  | 'runs.evaluate'
  | 'runs.predict'
> = {
  'system.info': () => notImplemented('system.info'),
  'train.start': () => notImplemented('train.start'),
  'train.cancel': () => notImplemented('train.cancel'),
  'train.defaults': () => notImplemented('train.defaults'),
  'runs.list': () => notImplemented('runs.list'),
  'runs.get': () => notImplemented('runs.get'),
  'runs.delete': () => notImplemented('runs.delete'),
  'runs.compare': () => notImplemented('runs.compare'),
  'runs.evaluate': () => notImplemented('runs.evaluate'),
  'runs.predict': () => notImplemented('runs.predict'),
};
