// Browse: the query (filter + sort), the page cache behind the virtualized grid, the selection and the
// detail panel. Items live in a PageCache outside React state; `version` tells subscribers it changed.
import { create } from 'zustand';
import type { ImageFilter, ImageSummary, SortKey } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { errorMessage } from '../../app/format';
import { EMPTY_SELECTION, type Selection } from '../labels/selection';
import { PageCache } from './page-cache';

export const PAGE_SIZE = 200;
/** 60 pages × 200 = 12,000 summaries kept: several screens either way of any scroll position. */
export const cache = new PageCache<ImageSummary>(PAGE_SIZE, 60);

interface BrowseState {
  filter: ImageFilter;
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
}

export const useBrowse = create<BrowseState>(() => ({
  filter: {},
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
}));

export const idAt = (index: number): number | undefined => cache.item(index)?.id;

function resetQuery(patch: Partial<BrowseState>): void {
  cache.clear();
  useBrowse.setState((s) => ({ ...patch, queryKey: s.queryKey + 1, queryEpoch: s.queryEpoch + 1, total: null, error: null, selection: EMPTY_SELECTION, version: s.version + 1 }));
}

export function setFilter(patch: Partial<ImageFilter>): void {
  const next: ImageFilter = { ...useBrowse.getState().filter, ...patch };
  for (const k of Object.keys(next) as Array<keyof ImageFilter>) {
    const v = next[k];
    if (v === undefined || (Array.isArray(v) && v.length === 0) || v === false || v === '') delete next[k];
  }
  // Prediction filters mean nothing without a run.
  if (!next.runId) {
    delete next.predictedClassIds;
    delete next.correctness;
    delete next.confidenceMin;
    delete next.confidenceMax;
  }
  resetQuery({ filter: next });
}

export function replaceFilter(filter: ImageFilter): void {
  resetQuery({ filter });
}

export function setSort(sort: SortKey, desc: boolean): void {
  resetQuery({ sort, desc });
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
