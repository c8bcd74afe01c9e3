// Review (#14): the queue of unlabeled images most worth a human look (suggestions.next: least certain first,
// spread out over the features), the cursor, and what the last decision did. The intents: review.actions.ts.
import { create } from 'zustand';
import type { ReviewItem } from '../../../../shared/types';

export const DEFAULT_QUEUE_SIZE = 20;

interface ReviewState {
  /** The run whose suggestions the queue ranks; null: the run behind most suggestions. */
  runId: string | null;
  n: number;
  queue: ReviewItem[] | null;
  /** Which diversity rule picked the queue and how many unlabeled images it was drawn from. */
  diversity: string | null;
  pool: number;
  cursor: number;
  loading: boolean;
  error: string | null;
  /** Decided in this session (labeled or accepted), for the position text. */
  decided: number;
  lastResult: string | null;
}

export const useReview = create<ReviewState>(() => ({
  runId: null,
  n: DEFAULT_QUEUE_SIZE,
  queue: null,
  diversity: null,
  pool: 0,
  cursor: 0,
  loading: false,
  error: null,
  decided: 0,
  lastResult: null,
}));

/** "3 of 20", or "empty". */
export function reviewPosition(cursor: number, length: number): string {
  return length ? `${Math.min(cursor + 1, length)} of ${length}` : 'empty';
}
