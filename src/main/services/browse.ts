// Browsing: the grid's pages, counts and "select all in filter", over the filters of ImageFilter.
//
// Scrolling asks for many pages of the same filter and sort. A page at a deep offset of a filtered, sorted
// view costs as much as listing the whole view (SQLite must sort the matching rows, e.g. 15,000 images of a
// class by name), so a filtered view is listed whole on its first request (an unfiltered one, which pages
// cheaply off an index, on its second) and later pages are slices of that list. The list is tied to the
// database's version (this connection's total_changes() plus data_version, which moves when another
// connection — the importer, a training worker — commits), so any write invalidates it.
import type Database from 'better-sqlite3';
import type { ImageFilter, ImagePage, SortKey } from '../../shared/types';
import { countFiltered, dataVersion, filteredIds, imageSummaries, runExists, scoresRun } from '../repos/browse.repo';

export class BrowseError extends Error {}

export interface ImageQuery {
  filter: ImageFilter;
  sort: SortKey;
  desc: boolean;
  offset: number;
  limit: number;
}

/** Refuse filters that cannot mean anything, instead of silently ignoring a part of them. */
function checkFilter(db: Database.Database, f: ImageFilter): void {
  const needsRun = (['runOnly', 'predictedClassIds', 'correctness', 'confidenceMin', 'confidenceMax'] as const).filter((k) => f[k] !== undefined && f[k] !== false);
  if (f.runId === undefined && needsRun.length) {
    throw new BrowseError(`filter ${needsRun.join(', ')} needs a run: pass runId to filter by a run's predictions`);
  }
  if (f.runId !== undefined && !runExists(db, f.runId)) throw new BrowseError(`run "${f.runId}" does not exist`);
  if (f.confidenceMin !== undefined && f.confidenceMax !== undefined && f.confidenceMin > f.confidenceMax) {
    throw new BrowseError(`confidence range is empty: min ${f.confidenceMin} > max ${f.confidenceMax}`);
  }
}

interface View {
  version: string;
  /** Undefined while an unfiltered view has been asked for only once. */
  ids?: Int32Array | Float64Array;
}

const MAX_VIEWS = 8;
const views = new WeakMap<Database.Database, Map<string, View>>();

/** The view's cached ids if it is fresh, or undefined; `materialize` lists and keeps them. */
function cachedIds(db: Database.Database, key: string, materialize: boolean, list: () => number[]): Int32Array | Float64Array | undefined {
  let byKey = views.get(db);
  if (!byKey) views.set(db, (byKey = new Map()));
  const version = dataVersion(db);
  const view = byKey.get(key);
  if (view && view.version === version && view.ids) return view.ids;
  byKey.delete(key); // re-insert below: Map order doubles as least-recently-used order
  const seenBefore = view !== undefined && view.version === version;
  let ids: Int32Array | Float64Array | undefined;
  if (materialize || seenBefore) {
    const all = list();
    ids = all.every((id) => id <= 0x7fffffff) ? Int32Array.from(all) : Float64Array.from(all);
  }
  byKey.set(key, { version, ids });
  while (byKey.size > MAX_VIEWS) byKey.delete(byKey.keys().next().value!);
  return ids;
}

const keyOf = (filter: ImageFilter, sort: SortKey, desc: boolean): string => JSON.stringify([filter, sort, desc]);

/**
 * One page of the grid. Sorting by confidence or loss needs a run (they are a run's numbers); without one it
 * falls back to name. A run alone only adds its prediction to each item (and sorts, its unpredicted images last);
 * filtering on its predictions (`runOnly`, predicted class, correctness, confidence) lists only what it predicted.
 */
export function queryImages(db: Database.Database, q: ImageQuery): ImagePage {
  checkFilter(db, q.filter);
  // One read transaction: the count and the page see the same snapshot even while an import writes.
  return db.transaction((): ImagePage => {
    // Unfiltered views page straight off an index, cheaply; a filtered view must sort its matches for any page,
    // so listing it whole costs no more than its first page.
    // A run that only decorates the items does not narrow the list.
    const narrowing = scoresRun(q.filter) ? q.filter : { ...q.filter, runId: undefined };
    const filtered = Object.values(narrowing).some((v) => v !== undefined && v !== false && v !== '');
    const all = cachedIds(db, keyOf(q.filter, q.sort, q.desc), filtered, () => filteredIds(db, q.filter, q.sort, q.desc));
    if (all) {
      const ids = Array.from(all.subarray(q.offset, q.offset + q.limit));
      return { total: all.length, offset: q.offset, items: imageSummaries(db, ids, q.filter.runId) };
    }
    const total = countFiltered(db, q.filter);
    const ids = q.offset >= total ? [] : filteredIds(db, q.filter, q.sort, q.desc, q.offset, q.limit);
    return { total, offset: q.offset, items: imageSummaries(db, ids, q.filter.runId) };
  })();
}

/** Every id matching the filter, in sort order (name by default), for "select all in filter". */
export function matchingIds(db: Database.Database, filter: ImageFilter, sort: SortKey = 'name', desc = false): number[] {
  checkFilter(db, filter);
  return db.transaction(() => Array.from(cachedIds(db, keyOf(filter, sort, desc), true, () => filteredIds(db, filter, sort, desc))!))();
}

/** Number of images matching the filter. */
export function countImages(db: Database.Database, filter: ImageFilter): number {
  checkFilter(db, filter);
  return countFiltered(db, filter);
}
