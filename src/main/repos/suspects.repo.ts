// Label review: the latest scan's suspects and the decisions taken on them.
import type Database from 'better-sqlite3';
import { stmt, writeTx } from './statements';

export interface ScanImage {
  imageId: number;
  path: string;
  classId: number;
}

export interface SuspectRow {
  imageId: number;
  kind: 'label' | 'near-duplicate';
  rank: number;
  labelClassId: number;
  suggestedClassId: number;
  score: number;
  /** JSON: class name → probability. */
  probs: string;
  partnerImageId: number | null;
  similarity: number | null;
}

export interface ListedSuspect extends SuspectRow {
  path: string;
  label: string;
  suggested: string;
}

export interface ScanRecord {
  startedAt: string;
  finishedAt: string;
  folds: number;
  extractor: string;
  scanned: number;
  seconds: number;
  classes: string[];
}

export type Decision = 'keep' | 'accept' | 'relabel';

const SUSPECT_COLUMNS = `image_id AS imageId, kind, rank, label_class_id AS labelClassId, suggested_class_id AS suggestedClassId,
  score, probs, partner_image_id AS partnerImageId, similarity`;

/** The labeled images a scan judges. Only labels of live classes: a merged-away (hidden) class has no labels left, but be safe. */
export function scanImages(db: Database.Database): ScanImage[] {
  return stmt<[], ScanImage>(
    db,
    `SELECT i.id AS imageId, i.source_path AS path, l.class_id AS classId
       FROM images i JOIN labels l ON l.image_id = i.id JOIN classes c ON c.id = l.class_id
      WHERE c.hidden = 0 ORDER BY i.id`,
  ).all();
}

/** The live classes, in list order. */
export function scanClasses(db: Database.Database): Array<{ id: number; name: string }> {
  return stmt<[], { id: number; name: string }>(db, `SELECT id, name FROM classes WHERE hidden = 0 ORDER BY position, id`).all();
}

/** Reviewed images whose label is still the one the review left: they stay out of the queue. */
export function settledImageIds(db: Database.Database): Set<number> {
  const rows = stmt<[], { imageId: number }>(
    db,
    `SELECT r.image_id AS imageId FROM suspect_reviews r JOIN labels l ON l.image_id = r.image_id
      WHERE r.label_after IS l.class_id`,
  ).all();
  return new Set(rows.map((r) => r.imageId));
}

/** Replace the previous scan with this one, atomically: a kill leaves either the old queue or the new. */
export function saveScan(db: Database.Database, scan: ScanRecord, rows: readonly SuspectRow[]): number {
  const insertSuspect = stmt<[number, number, string, number, number, number, number, string, number | null, number | null]>(
    db,
    `INSERT INTO suspects (scan_id, image_id, kind, rank, label_class_id, suggested_class_id, score, probs, partner_image_id, similarity)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return writeTx(db, () => {
    const id = Number(
      stmt<[string, string, number, string, number, number, string]>(
        db,
        `INSERT INTO suspect_scans (started_at, finished_at, folds, extractor, scanned, seconds, classes) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(scan.startedAt, scan.finishedAt, scan.folds, scan.extractor, scan.scanned, scan.seconds, JSON.stringify(scan.classes)).lastInsertRowid,
    );
    stmt<[number]>(db, `DELETE FROM suspect_scans WHERE id <> ?`).run(id);
    for (const r of rows) {
      insertSuspect.run(id, r.imageId, r.kind, r.rank, r.labelClassId, r.suggestedClassId, r.score, r.probs, r.partnerImageId, r.similarity);
    }
    return id;
  });
}

export function latestScan(db: Database.Database): { id: number; scanned: number; seconds: number } | null {
  return (
    stmt<[], { id: number; scanned: number; seconds: number }>(db, `SELECT id, scanned, seconds FROM suspect_scans ORDER BY id DESC LIMIT 1`).get() ??
    null
  );
}

/** The open queue: the label is still the one the scan judged, and no review settled it since. */
export function openSuspects(db: Database.Database, scanId: number): ListedSuspect[] {
  return stmt<[number], ListedSuspect>(
    db,
    `SELECT s.image_id AS imageId, s.kind, s.rank, s.label_class_id AS labelClassId, s.suggested_class_id AS suggestedClassId,
            s.score, s.probs, s.partner_image_id AS partnerImageId, s.similarity,
            i.source_path AS path, lc.name AS label, sc.name AS suggested
       FROM suspects s
       JOIN images i ON i.id = s.image_id
       JOIN labels l ON l.image_id = s.image_id AND l.class_id = s.label_class_id
       JOIN classes lc ON lc.id = s.label_class_id
       JOIN classes sc ON sc.id = s.suggested_class_id
       LEFT JOIN suspect_reviews r ON r.image_id = s.image_id AND r.label_after IS l.class_id
      WHERE s.scan_id = ? AND r.image_id IS NULL
      ORDER BY s.rank`,
  ).all(scanId);
}

export function suspectOf(db: Database.Database, scanId: number, imageId: number): SuspectRow | null {
  return stmt<[number, number], SuspectRow>(db, `SELECT ${SUSPECT_COLUMNS} FROM suspects WHERE scan_id = ? AND image_id = ?`).get(scanId, imageId) ?? null;
}

/** The image's current class, or null when unlabeled. */
export function labelClassOf(db: Database.Database, imageId: number): number | null {
  return stmt<[number], { classId: number }>(db, `SELECT class_id AS classId FROM labels WHERE image_id = ?`).get(imageId)?.classId ?? null;
}

/** Records a decision; decisions taken together (a batch accept) share one `seq`, the order undo walks back. */
export function recordReview(db: Database.Database, imageId: number, decision: Decision, before: number | null, after: number | null, batchId: number | null, seq: number): void {
  stmt<[number, Decision, number | null, number | null, number | null, string, number]>(
    db,
    `INSERT INTO suspect_reviews (image_id, decision, label_before, label_after, batch_id, decided_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(image_id) DO UPDATE SET decision = excluded.decision, label_before = excluded.label_before,
       label_after = excluded.label_after, batch_id = excluded.batch_id, decided_at = excluded.decided_at, seq = excluded.seq`,
  ).run(imageId, decision, before, after, batchId, new Date().toISOString(), seq);
}

/** The number the next decision gets. */
export function nextReviewSeq(db: Database.Database): number {
  return stmt<[], { n: number }>(db, `SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM suspect_reviews`).get()!.n;
}

export interface ReviewRow {
  imageId: number;
  decision: Decision;
  batchId: number | null;
}

/** The latest decision's rows (several for a batch accept), or none. */
export function latestReviews(db: Database.Database): ReviewRow[] {
  return stmt<[], ReviewRow>(
    db,
    `SELECT image_id AS imageId, decision, batch_id AS batchId FROM suspect_reviews
      WHERE seq = (SELECT MAX(seq) FROM suspect_reviews) ORDER BY image_id`,
  ).all();
}

export function deleteReviews(db: Database.Database, imageIds: readonly number[]): void {
  stmt<[string]>(db, `DELETE FROM suspect_reviews WHERE image_id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(imageIds));
}

/** The latest scan, when it finished, and how many of its suspects a review has settled (label still as left). */
export function scanState(db: Database.Database): { scan: { finishedAt: string; scanned: number; seconds: number } | null; decided: number } {
  const scan = stmt<[], { id: number; finishedAt: string; scanned: number; seconds: number }>(
    db,
    `SELECT id, finished_at AS finishedAt, scanned, seconds FROM suspect_scans ORDER BY id DESC LIMIT 1`,
  ).get();
  if (!scan) return { scan: null, decided: 0 };
  const decided = stmt<[number], { n: number }>(
    db,
    `SELECT COUNT(*) AS n FROM suspects s JOIN labels l ON l.image_id = s.image_id
       JOIN suspect_reviews r ON r.image_id = s.image_id AND r.label_after IS l.class_id WHERE s.scan_id = ?`,
  ).get(scan.id)!.n;
  return { scan: { finishedAt: scan.finishedAt, scanned: scan.scanned, seconds: scan.seconds }, decided };
}
