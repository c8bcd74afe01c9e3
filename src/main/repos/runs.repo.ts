// SQL for training runs: the run row, its library snapshot (run_images), per-epoch metrics and per-image
// predictions (every image of the library, each with the split it had in the run's snapshot). The status columns are written only on the runs service's behalf (services/runs.ts) and by the
// open-time repair (db/repairs.ts). Batch writes are transactions.
import type Database from 'better-sqlite3';
import os from 'node:os';
import type { BackendName, EpochMetrics, ModelKind, RunStatus, Split, TestMetrics, TrainConfig } from '../../shared/types';
import { stmt, writeTx } from './statements';

export interface RunRow {
  id: string;
  model: ModelKind;
  status: RunStatus;
  config: string;
  seed: number;
  backend: BackendName | null;
  /** What ran the training steps, e.g. "onnxruntime-cpu, 2 worker threads" (migration 0006; null before it). */
  engine: string | null;
  created_at: string;
  finished_at: string | null;
  snapshot_hash: string | null;
  image_count: number;
  classes: string;
  params: number | null;
  model_bytes: number | null;
  seconds: string;
  test_metrics: string | null;
  test_accuracy: number | null;
  macro_f1: number | null;
  error: string | null;
  /** Labeled images left out because their source was missing or changed (migration 0007). */
  excluded_missing: number;
  /** The user's name and note for the run, and the default-model mark (migration 0010). */
  name: string | null;
  note: string | null;
  is_default: number;
}

/** A labeled image with a split: what a run may train, validate or test on. */
export interface TrainableImage {
  imageId: number;
  sha256: string;
  sourcePath: string;
  classId: number;
  split: Split;
}

export interface RunClass {
  id: number;
  name: string;
}

export interface PredictionRow {
  imageId: number;
  trueClassId: number;
  predictedClassId: number;
  confidence: number;
  loss: number;
  probs: number[];
}

/**
 * A prediction for any image of the library. `split` is the image's split in the run's snapshot (train rows are
 * in-sample: the model learned from them), null for an image outside it; an unlabeled image has no true class, so
 * no loss either.
 */
export interface LibraryPrediction {
  imageId: number;
  trueClassId: number | null;
  predictedClassId: number;
  confidence: number;
  loss: number | null;
  probs: number[];
  split: Split | null;
}

/** An image a run may predict: readable now, with its split and class in the run's snapshot (or its label now). */
export interface PredictableImage {
  imageId: number;
  sha256: string;
  sourcePath: string;
  split: Split | null;
  classId: number | null;
}

/** A run not yet in a final state, with the process last responsible for it. */
export interface UnfinishedRun {
  id: string;
  pid: number | null;
  host: string | null;
}

/** Only a run still queued or running may end: whichever end is recorded first (finish, cancel, kill) stands. */
const UNFINISHED = `status IN ('queued', 'running')`;

export function insertRun(db: Database.Database, run: { id: string; model: ModelKind; status: RunStatus; config: TrainConfig; seed: number; createdAt: string }): void {
  stmt(db, `INSERT INTO runs (id, model, status, config, seed, created_at) VALUES (@id, @model, @status, @config, @seed, @createdAt)`)
    .run({ ...run, config: JSON.stringify(run.config) });
}

/** Records the process now responsible for a run (the host before the worker starts, then the worker). */
export function setRunWorker(db: Database.Database, id: string, pid: number = process.pid): void {
  stmt(db, `UPDATE runs SET worker_pid = ?, worker_host = ? WHERE id = ?`).run(pid, os.hostname(), id);
}

/** queued → running, by the process `pid` (the worker training it). */
export function setRunRunning(db: Database.Database, id: string, pid: number = process.pid): void {
  stmt(db, `UPDATE runs SET status = 'running', worker_pid = ?, worker_host = ? WHERE id = ?`).run(pid, os.hostname(), id);
}

export function setRunBackend(db: Database.Database, id: string, backend: BackendName): void {
  stmt(db, `UPDATE runs SET backend = ? WHERE id = ?`).run(backend, id);
}

export function setRunEngine(db: Database.Database, id: string, engine: string): void {
  stmt(db, `UPDATE runs SET engine = ? WHERE id = ?`).run(engine, id);
}

export function saveSnapshot(
  db: Database.Database,
  id: string,
  hash: string,
  classes: RunClass[],
  images: ReadonlyArray<{ imageId: number; classId: number; split: Split }>,
  excludedMissing = 0,
): void {
  const insert = stmt(db, `INSERT INTO run_images (run_id, image_id, class_id, split) VALUES (?, ?, ?, ?)`);
  writeTx(db, () => {
    // A snapshot taken again (images vanished mid-run) replaces the first one.
    stmt(db, `DELETE FROM run_images WHERE run_id = ?`).run(id);
    for (const im of images) insert.run(id, im.imageId, im.classId, im.split);
    stmt(db, `UPDATE runs SET snapshot_hash = ?, image_count = ?, classes = ?, excluded_missing = ? WHERE id = ?`)
      .run(hash, images.length, JSON.stringify(classes), excludedMissing, id);
  });
}

export function saveEpoch(db: Database.Database, id: string, m: EpochMetrics, seconds: Record<string, number>): void {
  writeTx(db, () => {
    stmt(db, `INSERT OR REPLACE INTO run_epochs (run_id, epoch, loss, accuracy, val_loss, val_accuracy, seconds) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(id, m.epoch, m.loss, m.accuracy, m.valLoss, m.valAccuracy, m.seconds);
    stmt(db, `UPDATE runs SET seconds = ? WHERE id = ?`).run(JSON.stringify(seconds), id);
  });
}

/** The run's test predictions. */
export function savePredictions(db: Database.Database, id: string, rows: readonly PredictionRow[]): void {
  saveLibraryPredictions(db, id, rows.map((r) => ({ ...r, split: 'test' as const })));
}

export function saveLibraryPredictions(db: Database.Database, id: string, rows: readonly LibraryPrediction[]): void {
  const insert = stmt(db, `INSERT OR REPLACE INTO run_predictions
    (run_id, image_id, true_class_id, predicted_class_id, confidence, loss, probs, split) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  writeTx(db, () => {
    for (const r of rows) {
      insert.run(id, r.imageId, r.trueClassId, r.predictedClassId, r.confidence, r.loss, JSON.stringify(r.probs.map((p) => Math.round(p * 1e6) / 1e6)), r.split);
    }
  });
}

/**
 * Every image whose source was readable at the last check, with its split and class in the run's snapshot;
 * outside the snapshot, its label now (when the run knows that class) and no split. `exceptSplit` leaves out
 * the snapshot's images of that split (a run already predicted its test images).
 */
export function predictableImages(db: Database.Database, id: string, exceptSplit: Split | null = null): PredictableImage[] {
  return stmt<[{ id: string; except: Split | null }], PredictableImage>(db, `SELECT i.id AS imageId, i.sha256, i.source_path AS sourcePath, r.split,
      CASE WHEN r.image_id IS NOT NULL THEN r.class_id
           WHEN l.class_id IN (SELECT value ->> '$.id' FROM runs, json_each(runs.classes) WHERE runs.id = @id) THEN l.class_id END AS classId
    FROM images i
    LEFT JOIN run_images r ON r.run_id = @id AND r.image_id = i.id
    LEFT JOIN labels l ON l.image_id = i.id
    WHERE i.source_state = 'ok' AND (@except IS NULL OR r.split IS NULL OR r.split <> @except)
    ORDER BY i.id`).all({ id, except: exceptSplit });
}

/** How many images the run predicted, per split of its snapshot ('none': outside it). */
export function predictionCounts(db: Database.Database, id: string): Record<Split | 'none', number> {
  const out: Record<Split | 'none', number> = { train: 0, val: 0, test: 0, none: 0 };
  for (const r of stmt<[string], { split: Split | null; n: number }>(db,
    `SELECT split, COUNT(*) AS n FROM run_predictions WHERE run_id = ? GROUP BY split`).all(id)) out[r.split ?? 'none'] = r.n;
  return out;
}

/** Final state of a successful run. Only a run still queued/running changes (a cancel or kill may have won). */
export function completeRun(db: Database.Database, id: string, r: { params: number; modelBytes: number; seconds: Record<string, number>; test: TestMetrics }): boolean {
  return stmt(db, `UPDATE runs SET status = 'completed', finished_at = @finishedAt, params = @params, model_bytes = @modelBytes,
      seconds = @seconds, test_metrics = @testMetrics, test_accuracy = @testAccuracy, macro_f1 = @macroF1, error = NULL
      WHERE id = @id AND ${UNFINISHED}`).run({
    id, finishedAt: new Date().toISOString(), params: r.params, modelBytes: r.modelBytes,
    seconds: JSON.stringify(r.seconds), testMetrics: JSON.stringify(r.test), testAccuracy: r.test.accuracy, macroF1: r.test.macroF1,
  }).changes > 0;
}

/** → failed/cancelled; `seconds` (the phases timed and the wall time) replaces what the epochs recorded. */
export function endRun(db: Database.Database, id: string, status: 'failed' | 'cancelled', error: string | null, seconds?: Record<string, number>): boolean {
  const at = new Date().toISOString();
  if (seconds) {
    return stmt(db, `UPDATE runs SET status = ?, finished_at = ?, error = ?, seconds = ? WHERE id = ? AND ${UNFINISHED}`)
      .run(status, at, error, JSON.stringify(seconds), id).changes > 0;
  }
  return stmt(db, `UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ? AND ${UNFINISHED}`).run(status, at, error, id).changes > 0;
}

export function getRunRow(db: Database.Database, id: string): RunRow | undefined {
  return stmt<[string], RunRow>(db, `SELECT * FROM runs WHERE id = ?`).get(id);
}

export function listRunRows(db: Database.Database): RunRow[] {
  return stmt<[], RunRow>(db, `SELECT * FROM runs ORDER BY created_at DESC, id DESC`).all();
}

export function runEpochs(db: Database.Database, id: string): EpochMetrics[] {
  return stmt<[string], EpochMetrics>(db, `SELECT epoch, loss, accuracy, val_loss AS valLoss, val_accuracy AS valAccuracy, seconds
    FROM run_epochs WHERE run_id = ? ORDER BY epoch`).all(id);
}

export function runImages(db: Database.Database, id: string) {
  return stmt<[string], { imageId: number; classId: number; split: Split; sha256: string; sourcePath: string }>(db,
    `SELECT r.image_id AS imageId, r.class_id AS classId, r.split, i.sha256, i.source_path AS sourcePath
     FROM run_images r JOIN images i ON i.id = r.image_id WHERE r.run_id = ? ORDER BY r.image_id`).all(id);
}

/** The run's test predictions (its out-of-sample score; see predictionCounts for the rest). */
export function runPredictions(db: Database.Database, id: string): PredictionRow[] {
  return stmt<[string], Omit<PredictionRow, 'probs'> & { probs: string }>(db,
    `SELECT image_id AS imageId, true_class_id AS trueClassId, predicted_class_id AS predictedClassId, confidence, loss, probs
     FROM run_predictions WHERE run_id = ? AND split = 'test' ORDER BY image_id`).all(id).map((r) => ({ ...r, probs: JSON.parse(r.probs) as number[] }));
}

export function deleteRunRow(db: Database.Database, id: string): boolean {
  return stmt(db, `DELETE FROM runs WHERE id = ?`).run(id).changes > 0;
}

export function unfinishedRuns(db: Database.Database): UnfinishedRun[] {
  return stmt<[], UnfinishedRun>(db, `SELECT id, worker_pid AS pid, worker_host AS host FROM runs WHERE ${UNFINISHED}`).all();
}

/** Ends a run its process left unfinished as failed ("interrupted"), keeping an error it already had. */
export function interruptRun(db: Database.Database, id: string, at: string): boolean {
  return stmt(db, `UPDATE runs SET status = 'failed', finished_at = COALESCE(finished_at, ?),
    error = COALESCE(error, 'interrupted: the process running it ended before it finished') WHERE id = ? AND ${UNFINISHED}`)
    .run(at, id).changes > 0;
}

export function trainableImages(db: Database.Database): TrainableImage[] {
  return stmt<[], TrainableImage>(db, `SELECT i.id AS imageId, i.sha256, i.source_path AS sourcePath, l.class_id AS classId, s.split
    FROM images i JOIN labels l ON l.image_id = i.id JOIN splits s ON s.image_id = i.id JOIN classes c ON c.id = l.class_id
    ORDER BY i.id`).all();
}

export function allClasses(db: Database.Database): RunClass[] {
  return stmt<[], RunClass>(db, `SELECT id, name FROM classes ORDER BY position, id`).all();
}

/** Sets the run's name and/or note (a field left undefined stays; null clears it). */
export function setRunText(db: Database.Database, id: string, text: { name?: string | null; note?: string | null }): boolean {
  return stmt(db, `UPDATE runs SET name = CASE WHEN @setName THEN @name ELSE name END,
      note = CASE WHEN @setNote THEN @note ELSE note END WHERE id = @id`).run({
    id, setName: text.name !== undefined ? 1 : 0, name: text.name ?? null, setNote: text.note !== undefined ? 1 : 0, note: text.note ?? null,
  }).changes > 0;
}

/** Moves the default-model mark to run `id` (null: no run carries it). One transaction: never two marks. */
export function setDefaultRunRow(db: Database.Database, id: string | null): void {
  writeTx(db, () => {
    stmt(db, `UPDATE runs SET is_default = 0 WHERE is_default = 1`).run();
    if (id !== null) stmt(db, `UPDATE runs SET is_default = 1 WHERE id = ?`).run(id);
  });
}

/** Each run's best validation accuracy over its epochs (runs without validation are absent). */
export function bestValAccuracies(db: Database.Database): Map<string, number> {
  const rows = stmt<[], { runId: string; best: number }>(db,
    `SELECT run_id AS runId, MAX(val_accuracy) AS best FROM run_epochs WHERE val_accuracy IS NOT NULL GROUP BY run_id`).all();
  return new Map(rows.map((r) => [r.runId, r.best]));
}
