// The embedding map's and similar images' reads: which images a map covers, and what colours each point
// (label, split, a run's prediction, the latest label review's score), joined in one statement.
import type Database from 'better-sqlite3';
import type { MapPointInfo } from '../../shared/types';
import { stmt } from './statements';

export interface MapImage {
  imageId: number;
  sha256: string;
  sourcePath: string;
}

/** Every image whose source file was fine when last seen, by id: the images a map or the index covers. */
export function readableImages(db: Database.Database): MapImage[] {
  return stmt<[], MapImage>(
    db,
    `SELECT id AS imageId, sha256, source_path AS sourcePath FROM images WHERE source_state = 'ok' ORDER BY id`,
  ).all();
}

export function defaultRunId(db: Database.Database): string | null {
  return stmt<[], { id: string }>(db, `SELECT id FROM runs WHERE is_default = 1 AND status = 'completed'`).get()?.id ?? null;
}

export function classNames(db: Database.Database): string[] {
  return stmt<[], { name: string }>(db, `SELECT name FROM classes ORDER BY position, id`).all().map((r) => r.name);
}

/** One row per image (all of them, by id): its label, split, the run's prediction and the latest scan's score. */
export function mapPointRows(db: Database.Database, runId: string | null): MapPointInfo[] {
  const rows = stmt<[string | null], {
    imageId: number; label: string | null; predicted: string | null; split: MapPointInfo['split']; trueId: number | null; predId: number | null; score: number | null;
  }>(
    db,
    `SELECT i.id AS imageId, lc.name AS label, pc.name AS predicted, s.split AS split,
            l.class_id AS trueId, p.predicted_class_id AS predId, su.score AS score
       FROM images i
       LEFT JOIN labels l ON l.image_id = i.id
       LEFT JOIN classes lc ON lc.id = l.class_id
       LEFT JOIN splits s ON s.image_id = i.id
       LEFT JOIN run_predictions p ON p.run_id = ? AND p.image_id = i.id
       LEFT JOIN classes pc ON pc.id = p.predicted_class_id
       LEFT JOIN suspects su ON su.image_id = i.id AND su.scan_id = (SELECT MAX(id) FROM suspect_scans)
      ORDER BY i.id`,
  ).all(runId);
  return rows.map((r) => ({
    imageId: r.imageId,
    label: r.label,
    predicted: r.predicted,
    split: r.split,
    // Correct against the label the image has now (a relabel after the run shows as a disagreement).
    correct: r.predId === null || r.trueId === null ? null : r.predId === r.trueId,
    suspectScore: r.score,
  }));
}

/** Path and current label of library images. */
export function imageLabels(db: Database.Database, ids: readonly number[]): Map<number, { path: string; label: string | null }> {
  const rows = stmt<[string], { id: number; path: string; label: string | null }>(
    db,
    `SELECT i.id, i.source_path AS path, c.name AS label FROM json_each(?) j
       JOIN images i ON i.id = j.value LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id`,
  ).all(JSON.stringify(ids));
  return new Map(rows.map((r) => [r.id, { path: r.path, label: r.label }]));
}

/** The library image with these bytes (a file given by path may be a copy of one). */
export function imageBySha(db: Database.Database, sha256: string): number | null {
  return stmt<[string], { id: number }>(db, `SELECT id FROM images WHERE sha256 = ?`).get(sha256)?.id ?? null;
}

/** How many cached feature rows an extractor key has (changes when a scan or map computes more). */
export function featureRowCount(db: Database.Database, extractor: string): number {
  return stmt<[string], { n: number }>(db, `SELECT COUNT(*) AS n FROM feature_cache WHERE extractor = ?`).get(extractor)?.n ?? 0;
}

/** A cheap fingerprint of the image set: changes when images are added or removed or a source goes bad. */
export function imageSetStamp(db: Database.Database): string {
  const r = stmt<[], { n: number; mx: number | null; sm: number | null }>(
    db,
    `SELECT COUNT(*) AS n, MAX(id) AS mx, SUM(id) AS sm FROM images WHERE source_state = 'ok'`,
  ).get();
  return `${r?.n ?? 0}:${r?.mx ?? 0}:${r?.sm ?? 0}`;
}
