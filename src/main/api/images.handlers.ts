import type { HandlerGroup } from './context';
import { notImplemented } from './not-implemented';

export const imagesHandlers: HandlerGroup<
  | 'images.query'
  | 'images.ids'
  | 'images.detail'
  | 'labels.set'
  | 'labels.undo'
  | 'labels.redo'
> = {
  'images.query': () => notImplemented('images.query'),
  'images.ids': () => notImplemented('images.ids'),
  'images.detail': () => notImplemented('images.detail'),
  'labels.set': () => notImplemented('labels.set'),
  'labels.undo': () => notImplemented('labels.undo'),
  'labels.redo': () => notImplemented('labels.redo'),
};
