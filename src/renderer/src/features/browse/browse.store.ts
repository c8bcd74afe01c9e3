// Browse: the query (filter + sort), the page cache behind the virtualized grid, the selection and the
// detail panel. Items live in a PageCache outside React state; `version` tells subscribers it changed.
import { create } from 'zustand';
import type { ImageFilter, ImageSummary, SortKey } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { errorMessage } from '../../app/format';
import { EMPTY_SELECTION, type Selection } from '../labels/selection';
import { PageCache } from './page-cache';
import { sortDirectionFor } from './tile-text';

export const PAGE_SIZE = 200;
/** 60 pages × 200 = 12,000 summaries kept: several screens either way of any scroll position. */
export const cache = new PageCache<ImageSummary>(PAGE_SIZE, 60);

/**
 * A set of images applied to Browse from elsewhere (a compare gallery, a confusion-matrix cell, …): shown as a
 * chip with a clear button, which removes the filter fields the set put there (`keys`).
 */
export interface ImageSet {
  label: string;
  keys: Array<keyof ImageFilter>;
  /** A confusion-matrix cell: the chip names its classes as the library calls them now (a rename shows at once). */
  kind?: 'cell';
}

interface BrowseState {
  filter: ImageFilter;
  /** Where the current filter's image set came from; null when the user built the filter in the bar. */
  imageSet: ImageSet | null;
  sort: SortKey;
  desc: boolean;
  /** Changes whenever the query changes or the cache is invalidated; stale replies are dropped by it. */
  queryKey: number;
  /** Changes only when the filter or sort changes (the grid scrolls back to the top). */
  queryEpoch: number;
  total: number | null;
  version: number;
  error: string | null;
  selection: Selection;
  detailOpen: boolean;
  /** Reported by the grid so keyboard moves know the layout. */
  columns: number;
  rowsPerPage: number;
  /**
   * Whose predictions the tiles show (`filter.runId`) was chosen — in the picker, by the address or by an image set
   * that came with a run — so the default model does not replace it. False: the default model is used.
   */
  runPicked: boolean;
  /** The default model (marked, else best val accuracy; null: no completed run, or not known yet). */
  defaultRunId: string | null;
}

export const useBrowse = create<BrowseState>(() => ({
  filter: {},
  imageSet: null,
  sort: 'name',
  desc: false,
  queryKey: 1,
  queryEpoch: 1,
  total: null,
  version: 0,
  error: null,
  selection: EMPTY_SELECTION,
  detailOpen: true,
  columns: 1,
  rowsPerPage: 1,
  runPicked: false,
  defaultRunId: null,
}));

export const idAt = (index: number): number | undefined => cache.item(index)?.id;

function resetQuery(patch: Partial<BrowseState>): void {
  cache.clear();
  useBrowse.setState((s) => ({ ...patch, queryKey: s.queryKey + 1, queryEpoch: s.queryEpoch + 1, total: null, error: null, selection: EMPTY_SELECTION, version: s.version + 1 }));
}

/** The filter with the default model's predictions when no run was picked; prediction filters need a run. */
function withRun(filter: ImageFilter, picked: boolean): ImageFilter {
  const next: ImageFilter = { ...filter };
  const auto = useBrowse.getState().defaultRunId;
  if (!picked) {
    if (auto) next.runId = auto;
    else delete next.runId;
  }
  if (!next.runId) {
    delete next.runOnly;
    delete next.predictedClassIds;
    delete next.correctness;
    delete next.confidenceMin;
    delete next.confidenceMax;
  }
  return next;
}

export function setFilter(patch: Partial<ImageFilter>): void {
  const next: ImageFilter = { ...useBrowse.getState().filter, ...patch };
  for (const k of Object.keys(next) as Array<keyof ImageFilter>) {
    const v = next[k];
    if (v === undefined || (Array.isArray(v) && v.length === 0) || v === false || v === '') delete next[k];
  }
  // Choosing "Predictions from" (a run, or none) is a choice the default model no longer overrides.
  const picked = 'runId' in patch || useBrowse.getState().runPicked;
  // Changing a field the set put there (another class, another run) leaves no set to name; a bare image list
  // still shows as "N chosen images" (imageSetLabel).
  const set = useBrowse.getState().imageSet;
  const keepSet = set && !set.keys.some((k) => k in patch && k !== 'imageIds') ? set : null;
  resetQuery({ filter: withRun(next, picked), imageSet: keepSet, runPicked: picked });
}

/**
 * A whole new filter; `imageSet` names where its images came from (the chip in the selection bar). A filter
 * without a run shows the default model's predictions, unless `runPicked` says "none" was chosen (the address).
 */
export function replaceFilter(filter: ImageFilter, imageSet: ImageSet | null = null, runPicked = filter.runId !== undefined): void {
  resetQuery({ filter: withRun(filter, runPicked), imageSet, runPicked });
}

/** The chip's clear button: drop the set's fields (any explicit image list too), keep the rest of the filter. */
export function clearImageSet(): void {
  const { imageSet, filter } = useBrowse.getState();
  const next: ImageFilter = { ...filter };
  delete next.imageIds;
  for (const k of imageSet?.keys ?? []) delete next[k];
  // A run that came with the set goes with it: the default model's predictions again.
  const picked = useBrowse.getState().runPicked && !imageSet?.keys.includes('runId');
  resetQuery({ filter: withRun(next, picked), imageSet: null, runPicked: picked });
}

/**
 * The runs list changed (loaded, a run finished, the default mark moved, a run deleted): Browse follows the
 * default model unless a run was picked, and forgets a picked run that is no longer a completed one.
 */
export function setDefaultRun(defaultRunId: string | null, completed: readonly string[]): void {
  const s = useBrowse.getState();
  const gone = s.runPicked && s.filter.runId !== undefined && !completed.includes(s.filter.runId);
  const picked = s.runPicked && !gone;
  useBrowse.setState({ defaultRunId });
  if (!picked && s.filter.runId !== (defaultRunId ?? undefined)) resetQuery({ filter: withRun(s.filter, false), runPicked: false });
}

/** The chip's text: the named set, or a plain count for an image list that came without a name. */
export function imageSetLabel(filter: ImageFilter, imageSet: ImageSet | null): string | null {
  if (imageSet) return imageSet.label;
  const n = filter.imageIds?.length ?? 0;
  return n ? `${n.toLocaleString('en-US')} chosen ${n === 1 ? 'image' : 'images'}` : null;
}

export function setSort(sort: SortKey, desc: boolean): void {
  resetQuery({ sort, desc });
}

/** The user picks a sort key: it starts in its own direction (loss: worst first). */
export function chooseSort(sort: SortKey): void {
  setSort(sort, sortDirectionFor(sort));
}

/** Drop every cached page and fetch again, keeping the selection and scroll position (after undo/redo). */
export function invalidate(): void {
  cache.clear();
  useBrowse.setState((s) => ({ queryKey: s.queryKey + 1, version: s.version + 1 }));
}

/** Fetch the pages the grid needs that are neither cached nor in flight. */
export async function ensurePages(pages: number[]): Promise<void> {
  const missing = cache.claimMissing(pages);
  await Promise.all(missing.map((p) => fetchPage(p)));
}

async function fetchPage(page: number): Promise<void> {
  const { filter, sort, desc, queryKey } = useBrowse.getState();
  try {
    const res = await getApi()['images.query']({ filter, sort, desc, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
    if (useBrowse.getState().queryKey !== queryKey) return;
    cache.set(page, res.items);
    useBrowse.setState((s) => ({ total: res.total, version: s.version + 1, error: null }));
  } catch (e) {
    cache.release(page);
    if (useBrowse.getState().queryKey !== queryKey) return;
    useBrowse.setState({ error: errorMessage(e), total: useBrowse.getState().total ?? 0 });
  }
}

/** Apply a label change to the cached items so cells update in place without refetching. */
export function patchItems(ids: readonly number[], patch: Partial<ImageSummary>): void {
  const set = new Set(ids);
  cache.update(
    (it) => set.has(it.id),
    (it) => ({ ...it, ...patch }),
  );
  useBrowse.setState((s) => ({ version: s.version + 1 }));
}

export function setSelection(selection: Selection): void {
  useBrowse.setState({ selection });
}

export function toggleDetail(open?: boolean): void {
  useBrowse.setState((s) => ({ detailOpen: open ?? !s.detailOpen }));
}

export function reportLayout(columns: number, rowsPerPage: number): void {
  const s = useBrowse.getState();
  if (s.columns !== columns || s.rowsPerPage !== rowsPerPage) useBrowse.setState({ columns, rowsPerPage });
}
