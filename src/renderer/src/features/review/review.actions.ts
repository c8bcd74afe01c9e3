// Review intents, called alike by buttons and keys (digits label, A accepts the suggestion, K skips, ↑/↓ move):
// each decision is a label change through the journal (Ctrl+Z undoes it) and takes the image out of the queue.
import { getApi } from '../../app/api';
import { refreshLibrarySoon, toast, useApp } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { invalidate } from '../browse/browse.store';
import { useReview } from './review.store';

export async function loadQueue(): Promise<void> {
  const { runId, n } = useReview.getState();
  useReview.setState({ loading: true, error: null });
  try {
    const q = await getApi()['suggestions.next']({ ...(runId ? { runId } : {}), n });
    useReview.setState({ queue: q.images, diversity: q.diversity, pool: q.pool, runId: q.runId, cursor: 0, loading: false });
  } catch (e) {
    useReview.setState({ queue: null, loading: false, error: errorMessage(e) });
  }
}

export function setQueueOptions(patch: { runId?: string | null; n?: number }): void {
  useReview.setState(patch);
  void loadQueue();
}

export function moveReview(delta: number): void {
  const { queue, cursor } = useReview.getState();
  if (!queue?.length) return;
  useReview.setState({ cursor: Math.max(0, Math.min(queue.length - 1, cursor + delta)) });
}

export function pickReview(index: number): void {
  useReview.setState({ cursor: index });
}

/** K: leave this image unlabeled for now and look at the next one. */
export function skipCurrent(): void {
  moveReview(1);
}

function removeCurrent(text: string): void {
  const { queue, cursor, decided } = useReview.getState();
  if (!queue) return;
  const next = queue.filter((_, i) => i !== cursor);
  useReview.setState({ queue: next, cursor: Math.min(cursor, Math.max(0, next.length - 1)), decided: decided + 1, lastResult: text });
  invalidate();
  refreshLibrarySoon();
}

/** A: the suggested class becomes the label (origin 'suggestion'). */
export async function acceptCurrent(): Promise<void> {
  const { queue, cursor } = useReview.getState();
  const item = queue?.[cursor];
  if (!item) return;
  try {
    await getApi()['suggestions.accept']({ imageIds: [item.imageId] });
    removeCurrent(`${item.fileName} → ${item.suggested} (accepted)`);
  } catch (e) {
    toast(`Could not accept: ${errorMessage(e)}`, 'error');
  }
}

/** 1–9: the class at that position becomes the label (by hand). */
export async function labelCurrentAt(position: number): Promise<void> {
  const { queue, cursor } = useReview.getState();
  const item = queue?.[cursor];
  const cls = useApp.getState().library?.classes[position];
  if (!item) return;
  if (!cls) return toast(`There is no class number ${position + 1}`);
  try {
    await getApi()['labels.set']({ imageIds: [item.imageId], classId: cls.id });
    removeCurrent(`${item.fileName} → ${cls.name}${cls.name === item.suggested ? '' : ` (suggested ${item.suggested})`}`);
  } catch (e) {
    toast(`Could not save the label: ${errorMessage(e)}`, 'error');
  }
}
