// The grid's queries: filtered, sorted pages of images, their count, and every matching id.
//
// The filter has many optional parts, so the SQL is assembled from fixed fragments (never from user text:
// every value is a bound parameter, lists travel as one JSON array through json_each) and each distinct shape is
// prepared once per connection (stmt). The shapes are bounded by the filter's fields, not by its values.
//
// Paging is by OFFSET, not keyset: the virtualized grid jumps straight to any scroll position (drag the
// scrollbar to 80%), which a keyset cursor cannot reach without walking there. The page query selects only ids
// from the narrowest join set that the filter and sort need, so deep offsets walk an index (images_file_name,
// images_imported_at, run_predictions_*) rather than full rows; the page's details are then fetched for those
// ≤ limit ids alone. bench/browse.bench.ts measures this on 75,000 images.
import type Database from 'better-sqlite3';
import type { ImageFilter, ImageSummary, SortKey } from '../../shared/types';
import { stmt } from './statements';

interface Built {
  from: string;
  where: string;
  params: Record<string, unknown>;
  order: string;
}

/**
 * Whether the filter asks about the run's predictions themselves (only the images it predicted, a predicted class,
 * right/wrong, a confidence range). Then "class" and "split" are the ones the run scored each image under (its
 * snapshot: a confusion-matrix cell lands on exactly the images it counts, train means in-sample). Otherwise the
 * run only decorates the tiles and sorts: every image stays listed, under its class and split now.
 */
export function scoresRun(filter: ImageFilter): boolean {
  return (
    filter.runId !== undefined &&
    (!!filter.runOnly || filter.predictedClassIds !== undefined || filter.correctness !== undefined || filter.confidenceMin !== undefined || filter.confidenceMax !== undefined)
  );
}

/**
 * `part`, when a run only sorts (by its loss or confidence) without filtering: 'predicted' lists the images it
 * predicted with that number, in its index order; 'unpredicted' the others by id. filteredIds puts the second after the first, the
 * order a LEFT JOIN with NULLs last gives, without sorting the whole library on every first page.
 */
function build(filter: ImageFilter, sort: SortKey, desc: boolean, forCount: boolean, part?: 'predicted' | 'unpredicted'): Built {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const scored = scoresRun(filter);
  // Only join what the filter needs: the planner can then drive from the most selective index.
  let needLabels = false;
  let needSplits = false;
  if (scored || part) params.runId = filter.runId;
  if (filter.classIds) {
    where.push(`${scored ? 'p.true_class_id' : 'l.class_id'} IN (SELECT value FROM json_each(@classIds))`);
    params.classIds = JSON.stringify(filter.classIds);
    if (!scored) needLabels = true;
  }
  if (filter.origins) {
    where.push(`l.origin IN (SELECT value FROM json_each(@origins))`);
    params.origins = JSON.stringify(filter.origins);
    needLabels = true;
  }
  if (filter.splits) {
    where.push(`${scored ? 'p.split' : 's.split'} IN (SELECT value FROM json_each(@splits))`);
    params.splits = JSON.stringify(filter.splits);
    if (!scored) needSplits = true;
  }
  if (filter.conflictsOnly) where.push(`i.conflict = 1`);
  if (filter.missingOnly) where.push(`i.source_state <> 'ok'`);
  if (filter.search !== undefined && filter.search.trim() !== '') {
    where.push(`i.file_name LIKE @search ESCAPE '\\'`);
    params.search = `%${filter.search.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  }
  if (filter.imageIds) {
    where.push(`i.id IN (SELECT value FROM json_each(@imageIds))`);
    params.imageIds = JSON.stringify(filter.imageIds);
  }
  if (filter.predictedClassIds) {
    where.push(`p.predicted_class_id IN (SELECT value FROM json_each(@predicted))`);
    params.predicted = JSON.stringify(filter.predictedClassIds);
  }
  if (filter.correctness) where.push(filter.correctness === 'correct' ? `p.predicted_class_id = p.true_class_id` : `p.predicted_class_id <> p.true_class_id`);
  if (filter.confidenceMin !== undefined) {
    where.push(`p.confidence >= @confMin`);
    params.confMin = filter.confidenceMin;
  }
  if (filter.confidenceMax !== undefined) {
    where.push(`p.confidence <= @confMax`);
    params.confMax = filter.confidenceMax;
  }
  // Unlabeled images and their suggestions (#14): a suggestion counts only while its image has no label.
  const needSuggestions = filter.suggestedClassIds !== undefined || filter.suggestionMin !== undefined || filter.suggestionMax !== undefined;
  if (filter.unlabeledOnly || needSuggestions) where.push(`NOT EXISTS (SELECT 1 FROM labels lu WHERE lu.image_id = i.id)`);
  if (filter.suggestedClassIds) {
    where.push(`sg.class_id IN (SELECT value FROM json_each(@suggested))`);
    params.suggested = JSON.stringify(filter.suggestedClassIds);
  }
  if (filter.suggestionMin !== undefined) {
    where.push(`sg.confidence >= @sugMin`);
    params.sugMin = filter.suggestionMin;
  }
  if (filter.suggestionMax !== undefined) {
    where.push(`sg.confidence <= @sugMax`);
    params.sugMax = filter.suggestionMax;
  }

  // A prediction without the sorted number (an unlabeled image has no loss) sorts with the images never predicted.
  if (part === 'predicted') where.push(`p.${sort} IS NOT NULL`);
  if (part === 'unpredicted') where.push(`NOT EXISTS (SELECT 1 FROM run_predictions pn WHERE pn.run_id = @runId AND pn.image_id = i.id AND pn.${sort} IS NOT NULL)`);

  const dir = desc ? 'DESC' : 'ASC';
  const key = filter.runId === undefined && (sort === 'confidence' || sort === 'loss') ? 'name' : sort;
  const order = forCount
    ? ''
    : key === 'name'
      ? `ORDER BY i.file_name ${dir}, i.id ${dir}`
      : key === 'date'
        ? `ORDER BY i.imported_at ${dir}, i.id ${dir}`
        : part === 'unpredicted'
          ? `ORDER BY i.id ${dir}`
          : `ORDER BY p.${key} ${dir}, i.id ${dir}`;

  const joins = [
    // Scoring a run lists only the images it predicted; a run that just sorts keeps every image.
    scored || part === 'predicted' ? `JOIN run_predictions p ON p.run_id = @runId AND p.image_id = i.id` : '',
    needLabels ? `JOIN labels l ON l.image_id = i.id` : '',
    needSplits ? `JOIN splits s ON s.image_id = i.id` : '',
    needSuggestions ? `JOIN suggestions sg ON sg.image_id = i.id` : '', // #14
  ].filter(Boolean);
  return {
    from: `FROM images i ${joins.join(' ')}`,
    where: where.length ? `WHERE ${where.join(' AND ')}` : '',
    params,
    order,
  };
}

/** An ImageSummary as SQLite returns it: the conflict flag is still an integer. */
export type SummaryRow = Omit<ImageSummary, 'conflict'> & { conflict: number };
type Row = Omit<SummaryRow, 'sourceState'> & { sourceState: ImageSummary['sourceState'] | null };

// sourceState only when not ok (NULL otherwise, then left out): most tiles carry nothing extra.
const DETAIL_COLUMNS = `i.id, i.file_name AS fileName, l.class_id AS classId, c.name AS className, l.origin,
  s.split, i.conflict, i.width, i.height, NULLIF(i.source_state, 'ok') AS sourceState,
  sg.class_id AS suggestedClassId, sc.name AS suggestedClassName, sg.confidence AS suggestionConfidence`;
// An unlabeled image's current suggestion (#14); labeled images carry none.
const SUGGESTION_JOIN = `LEFT JOIN suggestions sg ON sg.image_id = i.id AND l.image_id IS NULL LEFT JOIN classes sc ON sc.id = sg.class_id`;

/**
 * Changes whenever the database may have: this connection's total_changes() plus data_version, which moves
 * when another connection commits.
 */
export function dataVersion(db: Database.Database): string {
  const v = stmt<[], { t: number; d: number }>(db, `SELECT total_changes() AS t, data_version AS d FROM pragma_data_version`).get()!;
  return `${v.t}:${v.d}`;
}

export function runExists(db: Database.Database, runId: string): boolean {
  return stmt<[string], { id: string }>(db, `SELECT id FROM runs WHERE id = ?`).get(runId) !== undefined;
}

/** Number of images matching the filter. */
export function countFiltered(db: Database.Database, filter: ImageFilter): number {
  return countBuilt(db, build(filter, 'name', false, true));
}

function ids(db: Database.Database, b: Built, offset: number, limit: number | undefined): number[] {
  const page = limit === undefined ? '' : `LIMIT @limit OFFSET @offset`;
  const params = limit === undefined ? b.params : { ...b.params, limit, offset };
  return stmt<[Record<string, unknown>], { id: number }>(db, `SELECT i.id ${b.from} ${b.where} ${b.order} ${page}`)
    .all(params)
    .map((r) => r.id);
}

/** Matching ids in sort order; `limit` undefined = all. */
export function filteredIds(db: Database.Database, filter: ImageFilter, sort: SortKey, desc: boolean, offset = 0, limit?: number): number[] {
  const runSorts = filter.runId !== undefined && !scoresRun(filter) && (sort === 'confidence' || sort === 'loss');
  if (!runSorts) return ids(db, build(filter, sort, desc, false), offset, limit);
  // The run's predictions first (walked in its loss/confidence index), then the images it did not predict.
  const predicted = build(filter, sort, desc, false, 'predicted');
  const unpredicted = build(filter, sort, desc, false, 'unpredicted');
  if (limit === undefined) return [...ids(db, predicted, 0, undefined), ...ids(db, unpredicted, 0, undefined)];
  const first = ids(db, predicted, offset, limit);
  if (first.length === limit) return first;
  // A short page ends the predicted ones at offset + its length; an empty one needs their count.
  const nPredicted = first.length > 0 ? offset + first.length : countBuilt(db, build(filter, sort, desc, true, 'predicted'));
  return [...first, ...ids(db, unpredicted, offset + first.length - nPredicted, limit - first.length)];
}

function countBuilt(db: Database.Database, b: Built): number {
  return stmt<[Record<string, unknown>], { n: number }>(db, `SELECT COUNT(*) AS n ${b.from} ${b.where}`).get(b.params)!.n;
}

/** The grid's rows for `ids`, in that order; with a run, also that run's prediction for each. */
export function imageSummaries(db: Database.Database, ids: readonly number[], runId: string | undefined): ImageSummary[] {
  const json = JSON.stringify(ids);
  const rows =
    runId === undefined
      ? stmt<[string], Row>(
          db,
          `SELECT ${DETAIL_COLUMNS}
           FROM json_each(?) j JOIN images i ON i.id = j.value
           LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id
           LEFT JOIN splits s ON s.image_id = i.id ${SUGGESTION_JOIN}
           ORDER BY j.key`,
        ).all(json)
      : stmt<[string, string], Row>(
          db,
          `SELECT ${DETAIL_COLUMNS}, p.predicted_class_id AS predictedClassId, p.confidence, p.loss, p.split AS predictionSplit
           FROM json_each(?) j JOIN images i ON i.id = j.value
           LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id
           LEFT JOIN splits s ON s.image_id = i.id
           LEFT JOIN run_predictions p ON p.run_id = ? AND p.image_id = i.id ${SUGGESTION_JOIN}
           ORDER BY j.key`,
        ).all(json, runId);
  return rows.map(({ sourceState, suggestedClassId, suggestedClassName, suggestionConfidence, ...r }) => ({
    ...r, conflict: r.conflict === 1, ...(sourceState ? { sourceState } : {}),
    ...(suggestedClassId != null ? { suggestedClassId, suggestedClassName, suggestionConfidence } : {}),
  }));
}
