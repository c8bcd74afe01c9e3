// Suspects: the ranked review queue of likely label errors, the scan that builds it (cancellable), and the three
// decisions (accept, keep, relabel).
import { create } from 'zustand';
import { isCancelledError, type Progress } from '../../../../shared/contract';
import type { Suspect } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { refreshLibrarySoon, toast, useApp } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { invalidate } from '../browse/browse.store';

interface SuspectsState {
  list: Suspect[] | null;
  error: string | null;
  scanning: boolean;
  /** Cancel was pressed; the scan ends at its next checkpoint (at most a few seconds). */
  cancelling: boolean;
  progress: ({ phase: string } & Progress) | null;
  cursor: number;
}

export const useSuspects = create<SuspectsState>(() => ({ list: null, error: null, scanning: false, cancelling: false, progress: null, cursor: 0 }));

export async function loadSuspects(): Promise<void> {
  try {
    const list = await getApi()['suspects.list']({});
    useSuspects.setState({ list, error: null, cursor: 0 });
  } catch (e) {
    useSuspects.setState({ error: errorMessage(e) });
  }
}

export async function scanSuspects(): Promise<void> {
  if (useSuspects.getState().scanning) return;
  useSuspects.setState({ scanning: true, cancelling: false, progress: null, error: null });
  try {
    const scan = await getApi()['suspects.scan']({});
    useSuspects.setState({ list: scan.suspects, scanning: false, cancelling: false, cursor: 0 });
    toast(`Scanned ${scan.scanned.toLocaleString('en-US')} images: ${scan.suspects.length} suspects`, 'ok');
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

export function onSuspectsProgress(p: { phase: string } & Progress): void {
  useSuspects.setState({ progress: p });
}

export function moveSuspect(delta: number): void {
  const { list, cursor } = useSuspects.getState();
  if (!list?.length) return;
  useSuspects.setState({ cursor: Math.max(0, Math.min(list.length - 1, cursor + delta)) });
}

async function decide(decision: 'accept' | 'keep' | 'relabel', classId?: number): Promise<void> {
  const { list, cursor } = useSuspects.getState();
  const s = list?.[cursor];
  if (!s) return;
  try {
    await getApi()['suspects.decide']({ imageId: s.imageId, decision, ...(classId !== undefined ? { classId } : {}) });
    // Reviewed items leave the queue; the cursor stays at the same position (the next suspect).
    const next = (useSuspects.getState().list ?? []).filter((x) => x.imageId !== s.imageId);
    useSuspects.setState({ list: next, cursor: Math.min(cursor, Math.max(0, next.length - 1)) });
    if (decision !== 'keep') {
      invalidate();
      refreshLibrarySoon();
    }
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
