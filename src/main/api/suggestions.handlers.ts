// Pre-labels of unlabeled images: what accepting would do, accepting, and the review queue (#14).
import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { acceptSuggestions, previewAccept } from '../services/unlabeled/accept';
import { nextForReview } from '../services/unlabeled/review-queue';

export const suggestionsHandlers: HandlerGroup<Extract<RequestName, `suggestions.${string}`>> = {
  'suggestions.preview': (input, ctx) => previewAccept(ctx.library(), input.threshold),
  'suggestions.accept': (input, ctx) => acceptSuggestions(ctx.library(), input, ctx.emit),
  'suggestions.next': (input, ctx) => nextForReview(ctx.library(), input.runId, input.n),
};
