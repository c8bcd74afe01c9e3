import type { HandlerGroup } from './context';
import { matchingIds, queryImages } from '../services/browse';
import { imageDetail } from '../services/image-detail';
import { redo, setLabels, undo } from '../services/labels';

export const imagesHandlers: HandlerGroup<
  | 'images.query'
  | 'images.ids'
  | 'images.detail'
  | 'labels.set'
  | 'labels.undo'
  | 'labels.redo'
> = {
  'images.query': (input, ctx) => queryImages(ctx.library().db, input),
  'images.ids': ({ filter }, ctx) => matchingIds(ctx.library().db, filter),
  'images.detail': ({ imageId }, ctx) => imageDetail(ctx.library().db, imageId),
  'labels.set': ({ imageIds, classId, origin }, ctx) => {
    const result = setLabels(ctx.library().db, imageIds, classId, origin ?? 'manual');
    if (result.changed) ctx.emit('library.changed', { reason: 'labels' });
    return result;
  },
  'labels.undo': (_input, ctx) => {
    const result = undo(ctx.library().db);
    if (result.batchId !== null) ctx.emit('library.changed', { reason: 'labels' });
    return result;
  },
  'labels.redo': (_input, ctx) => {
    const result = redo(ctx.library().db);
    if (result.batchId !== null) ctx.emit('library.changed', { reason: 'labels' });
    return result;
  },
};
