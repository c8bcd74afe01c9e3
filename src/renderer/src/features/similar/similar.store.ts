// "More like this" waiting on the host: the first query of a large library builds the similar-images index in a
// worker (the similar.index job: reading features, PCA, projecting — seconds), and a file outside the library
// has its features extracted (similar.files). The strips show this progress and a Cancel while they wait.
import { create } from 'zustand';
import type { JobRequestName } from '../../../../shared/contract';
import { getApi } from '../../app/api';

interface SimilarState {
  /** The latest similar.progress, while a strip is waiting; null otherwise. */
  progress: { phase: string; done: number; total: number } | null;
  /** Strips waiting for an answer (progress is dropped when none is). */
  waiting: number;
}

export const useSimilar = create<SimilarState>(() => ({ progress: null, waiting: 0 }));

/** similar.progress (subscribed in app/events.ts). */
export function onSimilarProgress(p: { phase: string; done: number; total: number }): void {
  if (useSimilar.getState().waiting > 0) useSimilar.setState({ progress: p });
}

/** Runs one query while counting it as waiting, so its progress shows. */
export async function whileWaiting<T>(work: () => Promise<T>): Promise<T> {
  useSimilar.setState((s) => ({ waiting: s.waiting + 1 }));
  try {
    return await work();
  } finally {
    useSimilar.setState((s) => ({ waiting: s.waiting - 1, progress: s.waiting > 1 ? s.progress : null }));
  }
}

/** Cancel: the index build for a library image, the feature extraction for a file. */
export async function cancelSimilar(job: Extract<JobRequestName, 'similar.index' | 'similar.files'>): Promise<void> {
  await getApi()['jobs.cancel']({ name: job }).catch(() => undefined);
}
