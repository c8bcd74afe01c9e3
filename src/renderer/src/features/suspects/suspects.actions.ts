// Suspects intents, one function each, called alike by buttons and keys (A accept, K keep, 1–9 relabel,
// ↑/↓ move, Ctrl+Z undo the last decision): scan, cancel, decide, accept the shown pair, filter, undo.
import { isCancelledError } from '../../../../shared/contract';
import { getApi } from '../../app/api';
import { refreshLibrarySoon, toast, useApp } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { invalidate } from '../browse/browse.store';
import { loadSuspects, shownSuspects, useSuspects } from './suspects.store';

export async function scanSuspects(): Promise<void> {
  if (useSuspects.getState().scanning) return;
  useSuspects.setState({ scanning: true, cancelling: false, progress: null, error: null });
  try {
    const scan = await getApi()['suspects.scan']({});
    useSuspects.setState({ list: scan.suspects, scanning: false, cancelling: false, cursor: 0, pair: null, lastResult: null });
    toast(`Scanned ${scan.scanned.toLocaleString('en-US')} images: ${scan.suspects.length} suspects`, 'ok');
    void loadSuspects();
  } catch (e) {
    // A cancelled scan is the user's choice, not a failure: back to idle, the previous queue untouched.
    if (isCancelledError('suspects.scan', e)) {
      useSuspects.setState({ scanning: false, cancelling: false });
      toast('Scan cancelled');
    } else useSuspects.setState({ scanning: false, cancelling: false, error: errorMessage(e) });
  }
}

const CANCEL_ATTEMPTS = 20;
const CANCEL_RETRY_MS = 150;

export async function cancelScan(): Promise<void> {
  const { scanning, cancelling } = useSuspects.getState();
  if (!scanning || cancelling) return;
  useSuspects.setState({ cancelling: true });
  try {
    // The pending scan request then rejects as cancelled, and scanSuspects above returns to idle. None running:
    // the scan request may not have reached its worker yet (two requests can overtake each other on their way
    // to the host), so ask again for a few seconds while it is still pending; then let the button be pressed again.
    for (let attempt = 0; attempt < CANCEL_ATTEMPTS; attempt++) {
      const { cancelled } = await getApi()['jobs.cancel']({ name: 'suspects.scan' });
      if (cancelled > 0 || !useSuspects.getState().scanning) return;
      await new Promise((r) => setTimeout(r, CANCEL_RETRY_MS));
    }
    useSuspects.setState({ cancelling: false });
  } catch (e) {
    useSuspects.setState({ cancelling: false });
    toast(`Could not cancel: ${errorMessage(e)}`, 'error');
  }
}

export function moveSuspect(delta: number): void {
  const { list, pair, cursor } = useSuspects.getState();
  const n = shownSuspects(list, pair).length;
  if (!n) return;
  useSuspects.setState({ cursor: Math.max(0, Math.min(n - 1, cursor + delta)) });
}

export function pickSuspect(index: number): void {
  useSuspects.setState({ cursor: index });
}

/** Show only one class pair ("Arborio → Basmati"), or every suspect (null). */
export function setPairFilter(pair: string | null): void {
  useSuspects.setState({ pair, cursor: 0 });
}

function afterLabelChange(): void {
  invalidate();
  refreshLibrarySoon();
}

async function decide(decision: 'accept' | 'keep' | 'relabel', classId?: number): Promise<void> {
  const { list, pair, cursor } = useSuspects.getState();
  const s = shownSuspects(list, pair)[cursor];
  if (!s) return;
  try {
    await getApi()['suspects.decide']({ imageId: s.imageId, decision, ...(classId !== undefined ? { classId } : {}) });
    const to = decision === 'accept' ? s.suggested : decision === 'relabel' ? useApp.getState().library?.classes.find((c) => c.id === classId)?.name ?? '?' : s.label;
    const name = s.path.split(/[\\/]/).pop() ?? `image ${s.imageId}`;
    const text = decision === 'keep' ? `Kept ${name} as ${s.label}` : `${name}: ${s.label} → ${to}`;
    // Reviewed items leave the queue; the cursor stays at the same position (the next suspect).
    const next = (useSuspects.getState().list ?? []).filter((x) => x.imageId !== s.imageId);
    const shown = shownSuspects(next, pair);
    useSuspects.setState((st) => ({
      list: next,
      pair: shown.length ? pair : null,
      cursor: shown.length ? Math.min(cursor, shown.length - 1) : 0,
      lastResult: { text, kind: decision },
      status: st.status ? { ...st.status, open: next.length, decided: st.status.decided + 1 } : st.status,
    }));
    if (decision !== 'keep') afterLabelChange();
  } catch (e) {
    toast(`Could not record the decision: ${errorMessage(e)}`, 'error');
  }
}

export const acceptSuggestion = () => decide('accept');
export const keepLabel = () => decide('keep');
export function relabelSuspectAt(position: number): Promise<void> | void {
  const cls = useApp.getState().library?.classes[position];
  if (!cls) return toast(`There is no class number ${position + 1}`);
  return decide('relabel', cls.id);
}

/** Accept every suspect of the chosen class pair at once: one label change, one decision, one undo. */
export async function acceptShown(): Promise<void> {
  const { list, pair } = useSuspects.getState();
  const shown = shownSuspects(list, pair);
  if (pair === null || shown.length === 0) return toast('Pick a class pair first: a batch accept takes one pair at a time');
  try {
    const res = await getApi()['suspects.acceptBatch']({ imageIds: shown.map((s) => s.imageId) });
    const text = `Accepted ${shown.length === 1 ? '1 suggestion' : `${shown.length} suggestions`}: ${pair}`;
    useSuspects.setState({ pair: null, cursor: 0 });
    if (res.changed) afterLabelChange();
    await loadSuspects();
    useSuspects.setState({ lastResult: { text, kind: 'accept' } });
  } catch (e) {
    toast(`Could not accept them: ${errorMessage(e)}`, 'error');
  }
}

/** Take the last decision back: its image(s) return to the queue (the cursor on the first of them). */
export async function undoDecision(): Promise<void> {
  try {
    const res = await getApi()['suspects.undo']({});
    if (!res.imageIds.length) return toast('No decision to undo');
    const n = res.imageIds.length;
    const what = res.decision === 'keep' ? 'keep' : res.decision === 'relabel' ? 'relabel' : 'accept';
    useSuspects.setState({ pair: null });
    if (res.changed) afterLabelChange();
    await loadSuspects(res.imageIds[0]);
    // The result appears with the queue that shows it: the image back under the cursor.
    useSuspects.setState({ lastResult: { text: `Undid the ${what} of ${n === 1 ? '1 image' : `${n} images`}: back in the queue`, kind: 'undo' } });
  } catch (e) {
    toast(`Undo failed: ${errorMessage(e)}`, 'error');
  }
}
