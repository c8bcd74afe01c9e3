// Suspects: the ranked review queue of likely label errors, whether a scan exists yet, the class-pair filter,
// the scan's progress and the result of the last decision. What the view shows (the filtered queue, the
// position, the pairs) is derived here by pure functions, never stored. The user's intents: suspects.actions.ts.
import { create } from 'zustand';
import type { Progress } from '../../../../shared/contract';
import type { Suspect, SuspectsStatus } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { errorMessage } from '../../app/format';

/** What the last decision did, shown under the queue until the next one (with Undo). */
export interface DecisionResult {
  text: string;
  kind: 'accept' | 'keep' | 'relabel' | 'undo';
}

interface SuspectsState {
  list: Suspect[] | null;
  /** Null until loaded; `scan: null` inside means no scan has run yet. */
  status: SuspectsStatus | null;
  error: string | null;
  scanning: boolean;
  /** Cancel was pressed; the scan ends at its next checkpoint (at most a few seconds). */
  cancelling: boolean;
  progress: ({ phase: string } & Progress) | null;
  /** Position in the shown (filtered) queue. */
  cursor: number;
  /** The class pair shown ("label → suggested"), or null for every suspect. */
  pair: string | null;
  lastResult: DecisionResult | null;
}

export const useSuspects = create<SuspectsState>(() => ({
  list: null,
  status: null,
  error: null,
  scanning: false,
  cancelling: false,
  progress: null,
  cursor: 0,
  pair: null,
  lastResult: null,
}));

export const pairKey = (s: Pick<Suspect, 'label' | 'suggested'>): string => `${s.label} → ${s.suggested}`;

/** The queue as shown: every suspect, or those of the chosen class pair. */
export function shownSuspects(list: readonly Suspect[] | null, pair: string | null): Suspect[] {
  if (!list) return [];
  return pair === null ? [...list] : list.filter((s) => pairKey(s) === pair);
}

/** The class pairs in the queue with their counts, most frequent first (the filter's choices). */
export function suspectPairs(list: readonly Suspect[] | null): Array<{ pair: string; count: number }> {
  const counts = new Map<string, number>();
  for (const s of list ?? []) counts.set(pairKey(s), (counts.get(pairKey(s)) ?? 0) + 1);
  return [...counts].map(([pair, count]) => ({ pair, count })).sort((a, b) => b.count - a.count || a.pair.localeCompare(b.pair));
}

/** "3 of 26": where the cursor is in the shown queue. */
export function positionText(cursor: number, shown: number): string {
  return shown === 0 ? '0 of 0' : `${Math.min(cursor, shown - 1) + 1} of ${shown}`;
}

/** Loads the queue and its status; keeps the cursor where it was (clamped), or on `focusImageId` when given. */
export async function loadSuspects(focusImageId?: number): Promise<void> {
  try {
    const api = getApi();
    const [list, status] = await Promise.all([api['suspects.list']({}), api['suspects.status']({})]);
    const { pair, cursor } = useSuspects.getState();
    const keptPair = pair !== null && list.some((s) => pairKey(s) === pair) ? pair : null;
    const shown = shownSuspects(list, keptPair);
    const focus = focusImageId === undefined ? -1 : shown.findIndex((s) => s.imageId === focusImageId);
    const next = focus >= 0 ? focus : Math.max(0, Math.min(cursor, shown.length - 1));
    useSuspects.setState({ list, status, error: null, pair: keptPair, cursor: next });
  } catch (e) {
    useSuspects.setState({ error: errorMessage(e) });
  }
}

export function onSuspectsProgress(p: { phase: string } & Progress): void {
  useSuspects.setState({ progress: p });
}
