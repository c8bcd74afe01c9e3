import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { matchingIds, queryImages } from '../services/browse';
import { imageDetail } from '../services/image-detail';

export const imagesHandlers: HandlerGroup<Extract<RequestName, `images.${string}`>> = {
  'images.query': (input, ctx) => queryImages(ctx.library().db, input),
  'images.ids': ({ filter }, ctx) => matchingIds(ctx.library().db, filter),
  'images.detail': ({ imageId }, ctx) => imageDetail(ctx.library().db, imageId),
};
