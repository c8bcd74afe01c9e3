// Pre-labels of unlabeled images (table `suggestions`, migration 0012): one current suggestion per image, the
// pool the review queue draws from, and what "accept all ≥ T" would take. A suggestion only counts while its
// image is still unlabeled; accepted or hand-labeled images keep their row as the record of what was suggested.
import type Database from 'better-sqlite3';
import { stmt, writeTx } from './statements';

export interface SuggestionRow {
  imageId: number;
  runId: string;
  classId: number;
  confidence: number;
  margin: number;
  entropy: number;
  probs: number[];
  calibrated: boolean;
}

export interface PoolRow extends SuggestionRow {
  sha256: string;
  sourcePath: string;
  fileName: string;
  className: string;
}

export interface UnlabeledImage {
  imageId: number;
  sha256: string;
  sourcePath: string;
}

const UNLABELED = `NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)`;

/** Every image without a label, by id. */
export function unlabeledImages(db: Database.Database): UnlabeledImage[] {
  return stmt<[], UnlabeledImage>(db, `SELECT i.id AS imageId, i.sha256, i.source_path AS sourcePath FROM images i WHERE ${UNLABELED} ORDER BY i.id`).all();
}

export function countUnlabeledImages(db: Database.Database): number {
  return stmt<[], { n: number }>(db, `SELECT COUNT(*) AS n FROM images i WHERE ${UNLABELED}`).get()!.n;
}

/** Replaces these images' suggestions (one transaction per call: a cancel loses at most the chunk in flight). */
export function saveSuggestions(db: Database.Database, rows: readonly SuggestionRow[], at: string): void {
  const put = stmt(db, `INSERT OR REPLACE INTO suggestions (image_id, run_id, class_id, confidence, margin, entropy, probs, calibrated, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  writeTx(db, () => {
    for (const r of rows) {
      put.run(r.imageId, r.runId, r.classId, r.confidence, r.margin, r.entropy,
        JSON.stringify(r.probs.map((p) => Math.round(p * 1e6) / 1e6)), r.calibrated ? 1 : 0, at);
    }
  });
}

type RawPool = Omit<PoolRow, 'probs' | 'calibrated'> & { probs: string; calibrated: number };
const POOL_COLUMNS = `s.image_id AS imageId, s.run_id AS runId, s.class_id AS classId, s.confidence, s.margin, s.entropy, s.probs,
  s.calibrated, i.sha256, i.source_path AS sourcePath, i.file_name AS fileName, c.name AS className`;
const toPool = (r: RawPool): PoolRow => ({ ...r, probs: JSON.parse(r.probs) as number[], calibrated: r.calibrated === 1 });

/** Unlabeled images with a suggestion from `runId` (any run when null), by image id. */
export function suggestionPool(db: Database.Database, runId: string | null): PoolRow[] {
  return stmt<[{ runId: string | null }], RawPool>(db, `SELECT ${POOL_COLUMNS}
    FROM suggestions s JOIN images i ON i.id = s.image_id JOIN classes c ON c.id = s.class_id
    WHERE (@runId IS NULL OR s.run_id = @runId) AND ${UNLABELED} ORDER BY s.image_id`).all({ runId }).map(toPool);
}

/** The current suggestions of these images that are still unlabeled (others are left out). */
export function suggestionsOf(db: Database.Database, imageIds: readonly number[]): PoolRow[] {
  return stmt<[string], RawPool>(db, `SELECT ${POOL_COLUMNS}
    FROM json_each(?) j JOIN suggestions s ON s.image_id = j.value JOIN images i ON i.id = s.image_id JOIN classes c ON c.id = s.class_id
    WHERE ${UNLABELED} ORDER BY s.image_id`).all(JSON.stringify(imageIds)).map(toPool);
}

/** Unlabeled images whose suggestion is at or above `min`. */
export function suggestionsAtLeast(db: Database.Database, min: number): PoolRow[] {
  return stmt<[number], RawPool>(db, `SELECT ${POOL_COLUMNS}
    FROM suggestions s JOIN images i ON i.id = s.image_id JOIN classes c ON c.id = s.class_id
    WHERE s.confidence >= ? AND ${UNLABELED} ORDER BY s.image_id`).all(min).map(toPool);
}

/** Unlabeled images with any suggestion, and the run that made most of them (the newest on a tie). */
export function suggestionCounts(db: Database.Database): { suggested: number; runId: string | null } {
  const n = stmt<[], { n: number }>(db, `SELECT COUNT(*) AS n FROM suggestions s JOIN images i ON i.id = s.image_id WHERE ${UNLABELED}`).get()!.n;
  const top = stmt<[], { runId: string }>(db, `SELECT s.run_id AS runId FROM suggestions s JOIN images i ON i.id = s.image_id
    WHERE ${UNLABELED} GROUP BY s.run_id ORDER BY COUNT(*) DESC, MAX(s.created_at) DESC LIMIT 1`).get();
  return { suggested: n, runId: top?.runId ?? null };
}

/** A run's stored predictions of its validation images: probabilities (the run's class order) and true class. */
export function validationPredictions(db: Database.Database, runId: string): Array<{ probs: number[]; trueClassId: number }> {
  return stmt<[string], { probs: string; trueClassId: number }>(db, `SELECT probs, true_class_id AS trueClassId FROM run_predictions
    WHERE run_id = ? AND split = 'val' AND true_class_id IS NOT NULL`).all(runId).map((r) => ({ probs: JSON.parse(r.probs) as number[], trueClassId: r.trueClassId }));
}

/** Every completed run with the labeled images of its snapshot (all splits and train) and its accuracies. */
export function learningCurveRows(db: Database.Database): Array<{
  runId: string; name: string | null; model: 'cnn' | 'mobilenetv2'; createdAt: string; labeled: number; train: number;
  testAccuracy: number | null; valAccuracy: number | null;
}> {
  return stmt(db, `SELECT r.id AS runId, r.name, r.model, r.created_at AS createdAt,
      (SELECT COUNT(*) FROM run_images ri WHERE ri.run_id = r.id) AS labeled,
      (SELECT COUNT(*) FROM run_images ri WHERE ri.run_id = r.id AND ri.split = 'train') AS train,
      r.test_accuracy AS testAccuracy,
      (SELECT MAX(val_accuracy) FROM run_epochs e WHERE e.run_id = r.id) AS valAccuracy
    FROM runs r WHERE r.status = 'completed' ORDER BY labeled, r.created_at`).all() as never;
}

/** The classes a run must know to pre-label this library: live classes with at least one labeled image. */
export function labeledLiveClasses(db: Database.Database): Array<{ id: number; name: string }> {
  return stmt<[], { id: number; name: string }>(db, `SELECT c.id, c.name FROM classes c
    WHERE c.hidden = 0 AND EXISTS (SELECT 1 FROM labels l WHERE l.class_id = c.id) ORDER BY c.position, c.id`).all();
}

/** Of these images, the labeled ones without a split (labeled after an unlabeled import), with their class. */
export function labeledWithoutSplit(db: Database.Database, imageIds: readonly number[]): Array<{ imageId: number; sha256: string; classId: number }> {
  return stmt<[string], { imageId: number; sha256: string; classId: number }>(db, `SELECT i.id AS imageId, i.sha256, l.class_id AS classId
    FROM json_each(?) j JOIN images i ON i.id = j.value JOIN labels l ON l.image_id = i.id
    WHERE NOT EXISTS (SELECT 1 FROM splits s WHERE s.image_id = i.id) ORDER BY i.id`).all(JSON.stringify(imageIds));
}

/** Labeled images held out (val or test) with their split: what a newly labeled near-duplicate must follow. */
export function heldOutImages(db: Database.Database): Array<{ imageId: number; sha256: string; split: 'val' | 'test' }> {
  return stmt<[], { imageId: number; sha256: string; split: 'val' | 'test' }>(db, `SELECT i.id AS imageId, i.sha256, s.split
    FROM images i JOIN splits s ON s.image_id = i.id JOIN labels l ON l.image_id = i.id WHERE s.split IN ('val', 'test') ORDER BY i.id`).all();
}
