import type { HandlerGroup } from './context';
import { notImplemented } from './not-implemented';

export const suspectsHandlers: HandlerGroup<
  | 'suspects.scan'
  | 'suspects.list'
  | 'suspects.decide'
> = {
  'suspects.scan': () => notImplemented('suspects.scan'),
  'suspects.list': () => notImplemented('suspects.list'),
  'suspects.decide': () => notImplemented('suspects.decide'),
};
