// Prepared statements for label review: the latest scan's suspects and the decisions taken on them.
// One set per database connection, built on first use.
import type Database from 'better-sqlite3';

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

function build(db: Database.Database) {
  return {
    // Only labels of live classes: a merged-away (hidden) class has no labels left, but be safe.
    scanImages: db.prepare<[], ScanImage>(
      `SELECT i.id AS imageId, i.source_path AS path, l.class_id AS classId
         FROM images i JOIN labels l ON l.image_id = i.id JOIN classes c ON c.id = l.class_id
        WHERE c.hidden = 0 ORDER BY i.id`,
    ),
    classes: db.prepare<[], { id: number; name: string }>(`SELECT id, name FROM classes WHERE hidden = 0 ORDER BY position, id`),
    // Reviewed images whose label is still the one the review left: they stay out of the queue.
    settledReviews: db.prepare<[], { imageId: number }>(
      `SELECT r.image_id AS imageId FROM suspect_reviews r JOIN labels l ON l.image_id = r.image_id
        WHERE r.label_after IS l.class_id`,
    ),
    insertScan: db.prepare(
      `INSERT INTO suspect_scans (started_at, finished_at, folds, extractor, scanned, seconds, classes) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    dropOtherScans: db.prepare(`DELETE FROM suspect_scans WHERE id <> ?`),
    insertSuspect: db.prepare(
      `INSERT INTO suspects (scan_id, image_id, kind, rank, label_class_id, suggested_class_id, score, probs, partner_image_id, similarity)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    latestScan: db.prepare<[], { id: number; scanned: number; seconds: number }>(
      `SELECT id, scanned, seconds FROM suspect_scans ORDER BY id DESC LIMIT 1`,
    ),
    // The open queue: the label is still the one the scan judged, and no review settled it since.
    open: db.prepare<[number], ListedSuspect>(
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
    ),
    suspectOf: db.prepare<[number, number], SuspectRow>(
      `SELECT image_id AS imageId, kind, rank, label_class_id AS labelClassId, suggested_class_id AS suggestedClassId,
              score, probs, partner_image_id AS partnerImageId, similarity
         FROM suspects WHERE scan_id = ? AND image_id = ?`,
    ),
    labelOf: db.prepare<[number], { classId: number }>(`SELECT class_id AS classId FROM labels WHERE image_id = ?`),
    upsertReview: db.prepare(
      `INSERT INTO suspect_reviews (image_id, decision, label_before, label_after, batch_id, decided_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(image_id) DO UPDATE SET decision = excluded.decision, label_before = excluded.label_before,
         label_after = excluded.label_after, batch_id = excluded.batch_id, decided_at = excluded.decided_at`,
    ),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof build>>();

export function suspectsRepo(db: Database.Database) {
  let s = cache.get(db);
  if (!s) cache.set(db, (s = build(db)));
  const st = s;
  return {
    scanImages: (): ScanImage[] => st.scanImages.all(),
    classes: () => st.classes.all(),
    settledImageIds: (): Set<number> => new Set(st.settledReviews.all().map((r) => r.imageId)),
    /** Replace the previous scan with this one, atomically: a kill leaves either the old queue or the new. */
    saveScan(scan: ScanRecord, rows: readonly SuspectRow[]): number {
      return db.transaction(() => {
        const id = Number(
          st.insertScan.run(scan.startedAt, scan.finishedAt, scan.folds, scan.extractor, scan.scanned, scan.seconds, JSON.stringify(scan.classes))
            .lastInsertRowid,
        );
        st.dropOtherScans.run(id);
        for (const r of rows) {
          st.insertSuspect.run(id, r.imageId, r.kind, r.rank, r.labelClassId, r.suggestedClassId, r.score, r.probs, r.partnerImageId, r.similarity);
        }
        return id;
      })();
    },
    latestScan: () => st.latestScan.get() ?? null,
    open: (scanId: number): ListedSuspect[] => st.open.all(scanId),
    suspectOf: (scanId: number, imageId: number): SuspectRow | null => st.suspectOf.get(scanId, imageId) ?? null,
    labelOf: (imageId: number): number | null => st.labelOf.get(imageId)?.classId ?? null,
    recordReview(imageId: number, decision: Decision, before: number | null, after: number | null, batchId: number | null): void {
      st.upsertReview.run(imageId, decision, before, after, batchId, new Date().toISOString());
    },
  };
}
