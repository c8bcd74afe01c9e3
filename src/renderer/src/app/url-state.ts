// The view a person is looking at lives in the address too (#/browse?class=3&split=test), so a reload, a
// bookmark or a copied link opens the same page with the same filters. The stores stay the source of truth:
// the address is written from them (history.replaceState, no history entry per click) and read once on load.
// An explicit image list (a compare gallery, a matrix cell) can be thousands of ids and is not written.
import type { ImageFilter, LabelOrigin, SortKey, Split } from '../../../shared/types';
import { replaceFilter, setSort, useBrowse } from '../features/browse/browse.store';
import { navigate, useApp } from './app.store';
import type { ViewId } from './keymap';

export interface ViewState {
  view: ViewId;
  filter: ImageFilter;
  sort: SortKey;
  desc: boolean;
  /**
   * Browse's "Predictions from" when it is not simply `filter.runId` (#11): 'default' — the run is the default
   * model, not written (a reload follows the default as it is then); 'none' — no predictions, chosen (`run=none`).
   */
  runChoice?: 'default' | 'none';
}

// A record, not a list: a view added to ViewId and not here is a compile error, so every view survives a reload.
const VIEW_SET: Record<ViewId, true> = { library: true, browse: true, suspects: true, review: true, map: true, train: true, runs: true, predict: true };
const VIEWS = Object.keys(VIEW_SET) as ViewId[];
const SPLITS: readonly Split[] = ['train', 'val', 'test'];
const ORIGINS: readonly LabelOrigin[] = ['folder', 'manual', 'suggestion'];
const SORTS: readonly SortKey[] = ['name', 'date', 'confidence', 'loss'];

const ids = (v: number[]): string => v.join(',');
const parseIds = (v: string | null): number[] | undefined => {
  const out = (v ?? '')
    .split(',')
    .filter((s) => /^[0-9]{1,15}$/.test(s))
    .map(Number);
  return out.length ? out : undefined;
};
const parseOf = <T extends string>(allowed: readonly T[], v: string | null): T[] | undefined => {
  const out = (v ?? '').split(',').filter((s): s is T => (allowed as readonly string[]).includes(s));
  return out.length ? out : undefined;
};
const parseUnit = (v: string | null): number | undefined => {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
};

/** `#/<view>` plus, on Browse, the filter and a sort other than by name. */
export function toHash(s: ViewState): string {
  if (s.view !== 'browse') return `#/${s.view}`;
  const q = new URLSearchParams();
  const f = s.filter;
  if (f.classIds?.length) q.set('class', ids(f.classIds));
  if (f.splits?.length) q.set('split', f.splits.join(','));
  if (f.origins?.length) q.set('origin', f.origins.join(','));
  if (f.conflictsOnly) q.set('conflicts', '1');
  if (f.missingOnly) q.set('missing', '1');
  if (f.search) q.set('q', f.search);
  // The default model is left out (a reload follows the default as it is then) unless a filter is about its
  // predictions, which then keep meaning that run.
  const aboutRun = !!(f.runOnly || f.predictedClassIds?.length || f.correctness || f.confidenceMin !== undefined || f.confidenceMax !== undefined);
  if (f.runId && (s.runChoice !== 'default' || aboutRun)) q.set('run', f.runId);
  if (!f.runId && s.runChoice === 'none') q.set('run', 'none');
  if (f.runOnly) q.set('ronly', '1');
  if (f.predictedClassIds?.length) q.set('pred', ids(f.predictedClassIds));
  if (f.correctness) q.set('correct', f.correctness);
  if (f.confidenceMin !== undefined) q.set('cmin', String(f.confidenceMin));
  if (f.confidenceMax !== undefined) q.set('cmax', String(f.confidenceMax));
  if (s.sort !== 'name') q.set('sort', s.sort);
  if (s.desc) q.set('desc', '1');
  const text = q.toString();
  return `#/browse${text ? `?${text}` : ''}`;
}

/** The state an address names; null for an address that names no view (anything unknown is dropped). */
export function fromHash(hash: string): ViewState | null {
  const m = /^#\/([a-z]+)(?:\?(.*))?$/.exec(hash);
  if (!m || !(VIEWS as readonly string[]).includes(m[1]!)) return null;
  const view = m[1] as ViewId;
  const q = new URLSearchParams(m[2] ?? '');
  const filter: ImageFilter = {};
  let noRun = false;
  const put = <K extends keyof ImageFilter>(k: K, v: ImageFilter[K] | undefined): void => {
    if (v !== undefined) filter[k] = v;
  };
  if (view === 'browse') {
    put('classIds', parseIds(q.get('class')));
    put('splits', parseOf(SPLITS, q.get('split')));
    put('origins', parseOf(ORIGINS, q.get('origin')));
    if (q.get('conflicts') === '1') filter.conflictsOnly = true;
    if (q.get('missing') === '1') filter.missingOnly = true;
    put('search', q.get('q') || undefined);
    const run = q.get('run') || undefined;
    if (run === 'none') noRun = true;
    else put('runId', run);
    // Prediction filters mean nothing without a run (the same rule as setFilter); toHash names the run whenever
    // one is set, even the default model.
    if (filter.runId) {
      if (q.get('ronly') === '1') filter.runOnly = true;
      put('predictedClassIds', parseIds(q.get('pred')));
      const c = q.get('correct');
      if (c === 'correct' || c === 'wrong') filter.correctness = c;
      put('confidenceMin', parseUnit(q.get('cmin')));
      put('confidenceMax', parseUnit(q.get('cmax')));
    }
  }
  const sort = q.get('sort');
  return {
    view,
    filter,
    sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as SortKey) : 'name',
    desc: q.get('desc') === '1',
    ...(noRun ? { runChoice: 'none' as const } : {}),
  };
}

function current(): ViewState {
  const { filter, sort, desc, runPicked } = useBrowse.getState();
  const runChoice = runPicked ? (filter.runId ? undefined : 'none') : filter.runId ? 'default' : undefined;
  return { view: useApp.getState().view, filter, sort, desc, ...(runChoice ? { runChoice } : {}) };
}

/** Applies the address's view and filters to the stores (on load). */
export function restoreFromHash(hash: string): void {
  const s = fromHash(hash);
  if (!s) return;
  if (Object.keys(s.filter).length || s.runChoice) replaceFilter(s.filter, null, s.filter.runId !== undefined || s.runChoice === 'none');
  if (s.sort !== 'name' || s.desc) setSort(s.sort, s.desc);
  navigate(s.view);
}

/**
 * Restores the address's state, then keeps the address in step with the stores; returns the unsubscribe.
 * `write` is history.replaceState in the page (a test may pass its own).
 */
export function syncUrl(location: { hash: string }, write: (hash: string) => void): () => void {
  restoreFromHash(location.hash);
  let last = '';
  const update = (): void => {
    const hash = toHash(current());
    if (hash === last) return;
    last = hash;
    write(hash);
  };
  update();
  const offApp = useApp.subscribe((s, prev) => s.view !== prev.view && update());
  const offBrowse = useBrowse.subscribe((s, prev) => (s.filter !== prev.filter || s.sort !== prev.sort || s.desc !== prev.desc) && update());
  return () => {
    offApp();
    offBrowse();
  };
}
