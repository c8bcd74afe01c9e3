// Pre-labels in Browse (#14): how many images are unlabeled and suggested, pre-labeling them with a run (a job
// with progress and Cancel), and accepting suggestions — the selection or focused image (`A`), or every one at
// or above a confidence threshold, shown with how many that is and the run's validation error rate there.
// Accepted labels have origin 'suggestion' and are one undoable label change (Ctrl+Z).
import { create } from 'zustand';
import { isCancelledError, type Progress } from '../../../../shared/contract';
import type { AcceptPreview } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { refreshLibrarySoon, toast } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { labelTargets } from '../labels/selection';
import { cache, idAt, invalidate, useBrowse } from './browse.store';

/** The studio's starting threshold for "accept all ≥ T" (the service's DEFAULT_ACCEPT_THRESHOLD). */
export const DEFAULT_THRESHOLD = 0.95;

interface SuggestionsState {
  preview: AcceptPreview | null;
  threshold: number;
  running: boolean;
  progress: Progress | null;
  error: string | null;
}

export const useSuggestions = create<SuggestionsState>(() => ({ preview: null, threshold: DEFAULT_THRESHOLD, running: false, progress: null, error: null }));

export async function loadPreview(threshold = useSuggestions.getState().threshold): Promise<void> {
  try {
    const preview = await getApi()['suggestions.preview']({ threshold });
    if (useSuggestions.getState().threshold === threshold) useSuggestions.setState({ preview });
  } catch {
    // No count (library switched mid-way): the bar hides itself; the grid shows its own error.
    useSuggestions.setState({ preview: null });
  }
}

export function setThreshold(threshold: number): void {
  if (!(threshold >= 0 && threshold <= 1)) return;
  useSuggestions.setState({ threshold });
  void loadPreview(threshold);
}

export function onPrelabelProgress(p: { runId: string } & Progress): void {
  if (useSuggestions.getState().running) useSuggestions.setState({ progress: p });
}

export async function prelabel(runId: string): Promise<void> {
  if (useSuggestions.getState().running) return;
  useSuggestions.setState({ running: true, progress: null, error: null });
  try {
    const r = await getApi()['runs.prelabel']({ runId });
    const skipped = r.skipped.length ? ` (${r.skipped.length} skipped: ${r.skipped[0]!.reason})` : '';
    toast(`Suggested a class for ${r.predicted.toLocaleString('en-US')} unlabeled images${skipped}`, 'ok');
    useSuggestions.setState({ running: false, progress: null });
    invalidate();
  } catch (e) {
    if (isCancelledError('runs.prelabel', e)) {
      useSuggestions.setState({ running: false, progress: null });
      toast('Pre-labeling cancelled; the suggestions made so far are kept');
      invalidate();
    } else useSuggestions.setState({ running: false, progress: null, error: errorMessage(e) });
  }
  await loadPreview();
}

export async function cancelPrelabel(): Promise<void> {
  if (useSuggestions.getState().running) await getApi()['jobs.cancel']({ name: 'runs.prelabel' });
}

/** Accepted images show their new label in place: the suggested class becomes the label. */
function showAccepted(ids: ReadonlySet<number> | null): void {
  cache.update(
    (it) => it.classId === null && it.suggestedClassId != null && (ids === null || ids.has(it.id)),
    (it) => ({ ...it, classId: it.suggestedClassId ?? null, className: it.suggestedClassName ?? null, origin: 'suggestion' }),
  );
  useBrowse.setState((s) => ({ version: s.version + 1 }));
}

async function accept(input: { imageIds: number[] } | { minConfidence: number }, what: string): Promise<void> {
  try {
    const r = await getApi()['suggestions.accept'](input);
    if ('imageIds' in input) showAccepted(new Set(input.imageIds));
    else invalidate();
    const near = r.nearDuplicateSplits ? `; ${r.nearDuplicateSplits} near-duplicate(s) of held-out images joined their split` : '';
    toast(`Accepted ${r.changed === 1 ? '1 suggestion' : `${r.changed.toLocaleString('en-US')} suggestions`} ${what}${near} (Ctrl+Z undoes)`, 'ok');
    refreshLibrarySoon();
  } catch (e) {
    toast(`Could not accept: ${errorMessage(e)}`, 'error');
  }
  await loadPreview();
}

/** `A` in Browse: the selection's suggestions, or the focused image's. */
export async function acceptSelected(): Promise<void> {
  const targets = labelTargets(useBrowse.getState().selection, idAt);
  if (!targets.length) return toast('Select an unlabeled image with a suggestion first');
  await accept({ imageIds: targets }, targets.length === 1 ? '' : 'of the selection');
}

/** The detail panel's Accept: the image in the panel, whatever else is selected. */
export async function acceptImage(imageId: number): Promise<void> {
  await accept({ imageIds: [imageId] }, '');
}

export async function acceptAtThreshold(): Promise<void> {
  const { threshold } = useSuggestions.getState();
  await accept({ minConfidence: threshold }, `with confidence ≥ ${Math.round(threshold * 100)}%`);
}
