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

function build(filter: ImageFilter, sort: SortKey, desc: boolean, forCount: boolean): Built {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const run = filter.runId !== undefined;
  // Only join what the filter needs: the planner can then drive from the most selective index.
  let needLabels = false;
  let needSplits = false;
  if (run) params.runId = filter.runId;
  if (filter.classIds) {
    // With a run, "class" is the true class the run was scored against, so a confusion-matrix cell lands on
    // exactly the images it counts even if some were relabelled since.
    where.push(`${run ? 'p.true_class_id' : 'l.class_id'} IN (SELECT value FROM json_each(@classIds))`);
    params.classIds = JSON.stringify(filter.classIds);
    if (!run) needLabels = true;
  }
  if (filter.origins) {
    where.push(`l.origin IN (SELECT value FROM json_each(@origins))`);
    params.origins = JSON.stringify(filter.origins);
    needLabels = true;
  }
  if (filter.splits) {
    // With a run, the split is the one the image had in the run's snapshot (train = in-sample), which is what
    // its prediction's numbers mean; without one, the image's split now.
    where.push(`${run ? 'p.split' : 's.split'} IN (SELECT value FROM json_each(@splits))`);
    params.splits = JSON.stringify(filter.splits);
    if (!run) needSplits = true;
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

  const dir = desc ? 'DESC' : 'ASC';
  const key = !run && (sort === 'confidence' || sort === 'loss') ? 'name' : sort;
  const order = forCount
    ? ''
    : key === 'name'
      ? `ORDER BY i.file_name ${dir}, i.id ${dir}`
      : key === 'date'
        ? `ORDER BY i.imported_at ${dir}, i.id ${dir}`
        : `ORDER BY p.${key} ${dir}, i.id ${dir}`;

  const joins = [
    // A run restricts the grid to the images it predicted (the whole library once it has predicted it all).
    run ? `JOIN run_predictions p ON p.run_id = @runId AND p.image_id = i.id` : '',
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
  const b = build(filter, 'name', false, true);
  return stmt<[Record<string, unknown>], { n: number }>(db, `SELECT COUNT(*) AS n ${b.from} ${b.where}`).get(b.params)!.n;
}

/** Matching ids in sort order; `limit` undefined = all. */
export function filteredIds(db: Database.Database, filter: ImageFilter, sort: SortKey, desc: boolean, offset = 0, limit?: number): number[] {
  const b = build(filter, sort, desc, false);
  const page = limit === undefined ? '' : `LIMIT @limit OFFSET @offset`;
  const params = limit === undefined ? b.params : { ...b.params, limit, offset };
  return stmt<[Record<string, unknown>], { id: number }>(db, `SELECT i.id ${b.from} ${b.where} ${b.order} ${page}`)
    .all(params)
    .map((r) => r.id);
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
