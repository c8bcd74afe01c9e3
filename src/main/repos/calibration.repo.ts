// SQL for a run's calibration (migration 0011): the stored temperature and summary, and the val and test
// predictions (with their true class) it is computed from.
import type Database from 'better-sqlite3';
import type { Split } from '../../shared/types';
import { stmt, writeTx } from './statements';

export interface StoredCalibration {
  temperature: number;
  /** The RunCalibration, as JSON. */
  summary: string;
  computedAt: string;
}

export function getCalibration(db: Database.Database, runId: string): StoredCalibration | undefined {
  return stmt<[string], StoredCalibration>(db, `SELECT temperature, summary, computed_at AS computedAt FROM run_calibration WHERE run_id = ?`).get(runId);
}

/** One row per run: a later computation replaces the earlier one. */
export function saveCalibration(db: Database.Database, runId: string, row: StoredCalibration): void {
  stmt(db, `INSERT INTO run_calibration (run_id, temperature, summary, computed_at) VALUES (@runId, @temperature, @summary, @computedAt)
    ON CONFLICT (run_id) DO UPDATE SET temperature = excluded.temperature, summary = excluded.summary, computed_at = excluded.computed_at`)
    .run({ runId, ...row });
}

export interface LabelledPrediction {
  imageId: number;
  trueClassId: number;
  /** In the run's class order, as JSON. */
  probs: string;
}

/** The run's stored predictions of the labelled images of one split of its snapshot. */
export function splitPredictions(db: Database.Database, runId: string, split: Split): LabelledPrediction[] {
  return stmt<[string, Split], LabelledPrediction>(db,
    `SELECT image_id AS imageId, true_class_id AS trueClassId, probs FROM run_predictions
     WHERE run_id = ? AND split = ? AND true_class_id IS NOT NULL ORDER BY image_id`).all(runId, split);
}

/** Every stored prediction of the run: its image and raw probabilities (JSON), which calibration never changes. */
export function predictionProbs(db: Database.Database, runId: string): Array<{ imageId: number; probs: string }> {
  return stmt<[string], { imageId: number; probs: string }>(db, `SELECT image_id AS imageId, probs FROM run_predictions WHERE run_id = ?`).all(runId);
}

/** The confidence Browse filters, sorts and shows: the calibrated top probability, one transaction for the run. */
export function setPredictionConfidences(db: Database.Database, runId: string, rows: ReadonlyArray<{ imageId: number; confidence: number }>): void {
  const update = stmt(db, `UPDATE run_predictions SET confidence = ? WHERE run_id = ? AND image_id = ?`);
  writeTx(db, () => {
    for (const r of rows) update.run(r.confidence, runId, r.imageId);
  });
}
