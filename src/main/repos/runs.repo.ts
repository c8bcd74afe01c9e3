// Prepared statements for training runs: the run row, its library snapshot (run_images), per-epoch metrics
// and per-image test predictions. Batch writes are transactions.
import type Database from 'better-sqlite3';
import os from 'node:os';
import type { BackendName, EpochMetrics, ModelKind, RunStatus, Split, TestMetrics, TrainConfig } from '../../shared/types';

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

function build(db: Database.Database) {
  return {
    insert: db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at) VALUES (@id, @model, @status, @config, @seed, @createdAt)`),
    setStatus: db.prepare(`UPDATE runs SET status = ? WHERE id = ?`),
    setBackend: db.prepare(`UPDATE runs SET backend = ? WHERE id = ?`),
    setEngine: db.prepare(`UPDATE runs SET engine = ? WHERE id = ?`),
    setSnapshot: db.prepare(`UPDATE runs SET snapshot_hash = ?, image_count = ?, classes = ? WHERE id = ?`),
    insertImage: db.prepare(`INSERT INTO run_images (run_id, image_id, class_id, split) VALUES (?, ?, ?, ?)`),
    insertEpoch: db.prepare(`INSERT OR REPLACE INTO run_epochs (run_id, epoch, loss, accuracy, val_loss, val_accuracy, seconds)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    setSeconds: db.prepare(`UPDATE runs SET seconds = ? WHERE id = ?`),
    finish: db.prepare(`UPDATE runs SET status = @status, finished_at = @finishedAt, params = @params, model_bytes = @modelBytes,
      seconds = @seconds, test_metrics = @testMetrics, test_accuracy = @testAccuracy, macro_f1 = @macroF1, error = @error
      WHERE id = @id AND status IN ('queued', 'running')`),
    fail: db.prepare(`UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ? AND status IN ('queued', 'running')`),
    insertPrediction: db.prepare(`INSERT OR REPLACE INTO run_predictions
      (run_id, image_id, true_class_id, predicted_class_id, confidence, loss, probs) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    get: db.prepare<[string], RunRow>(`SELECT * FROM runs WHERE id = ?`),
    list: db.prepare<[], RunRow>(`SELECT * FROM runs ORDER BY created_at DESC, id DESC`),
    epochs: db.prepare<[string], EpochMetrics>(`SELECT epoch, loss, accuracy, val_loss AS valLoss, val_accuracy AS valAccuracy, seconds
      FROM run_epochs WHERE run_id = ? ORDER BY epoch`),
    images: db.prepare<[string], { imageId: number; classId: number; split: Split; sha256: string; sourcePath: string }>(
      `SELECT r.image_id AS imageId, r.class_id AS classId, r.split, i.sha256, i.source_path AS sourcePath
       FROM run_images r JOIN images i ON i.id = r.image_id WHERE r.run_id = ? ORDER BY r.image_id`),
    predictions: db.prepare<[string], { imageId: number; trueClassId: number; predictedClassId: number; confidence: number; loss: number; probs: string }>(
      `SELECT image_id AS imageId, true_class_id AS trueClassId, predicted_class_id AS predictedClassId, confidence, loss, probs
       FROM run_predictions WHERE run_id = ? ORDER BY image_id`),
    delete: db.prepare(`DELETE FROM runs WHERE id = ?`),
    unfinished: db.prepare<[], { id: string; pid: number | null; host: string | null }>(
      `SELECT id, worker_pid AS pid, worker_host AS host FROM runs WHERE status IN ('queued', 'running')`),
    interrupt: db.prepare(`UPDATE runs SET status = 'failed', finished_at = COALESCE(finished_at, ?),
      error = COALESCE(error, 'interrupted: the process running it ended before it finished') WHERE id = ? AND status IN ('queued', 'running')`),
    setWorker: db.prepare(`UPDATE runs SET worker_pid = ?, worker_host = ? WHERE id = ?`),
    trainable: db.prepare<[], TrainableImage>(`SELECT i.id AS imageId, i.sha256, i.source_path AS sourcePath, l.class_id AS classId, s.split
      FROM images i JOIN labels l ON l.image_id = i.id JOIN splits s ON s.image_id = i.id JOIN classes c ON c.id = l.class_id
      ORDER BY i.id`),
    classes: db.prepare<[], RunClass>(`SELECT id, name FROM classes ORDER BY position, id`),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof build>>();
function s(db: Database.Database) {
  let x = cache.get(db);
  if (!x) cache.set(db, (x = build(db)));
  return x;
}

export function insertRun(db: Database.Database, run: { id: string; model: ModelKind; status: RunStatus; config: TrainConfig; seed: number; createdAt: string }): void {
  s(db).insert.run({ ...run, config: JSON.stringify(run.config) });
}

export function setRunStatus(db: Database.Database, id: string, status: RunStatus): void {
  s(db).setStatus.run(status, id);
}

export function setRunBackend(db: Database.Database, id: string, backend: BackendName): void {
  s(db).setBackend.run(backend, id);
}

export function setRunEngine(db: Database.Database, id: string, engine: string): void {
  s(db).setEngine.run(engine, id);
}

export function saveSnapshot(db: Database.Database, id: string, hash: string, classes: RunClass[], images: ReadonlyArray<{ imageId: number; classId: number; split: Split }>): void {
  const st = s(db);
  db.transaction(() => {
    for (const im of images) st.insertImage.run(id, im.imageId, im.classId, im.split);
    st.setSnapshot.run(hash, images.length, JSON.stringify(classes), id);
  })();
}

export function saveEpoch(db: Database.Database, id: string, m: EpochMetrics, seconds: Record<string, number>): void {
  const st = s(db);
  db.transaction(() => {
    st.insertEpoch.run(id, m.epoch, m.loss, m.accuracy, m.valLoss, m.valAccuracy, m.seconds);
    st.setSeconds.run(JSON.stringify(seconds), id);
  })();
}

export function savePredictions(db: Database.Database, id: string, rows: readonly PredictionRow[]): void {
  const st = s(db);
  db.transaction(() => {
    for (const r of rows) st.insertPrediction.run(id, r.imageId, r.trueClassId, r.predictedClassId, r.confidence, r.loss, JSON.stringify(r.probs.map((p) => Math.round(p * 1e6) / 1e6)));
  })();
}

/** Final state of a successful run. Only a run still queued/running changes (a cancel or kill may have won). */
export function completeRun(db: Database.Database, id: string, r: { params: number; modelBytes: number; seconds: Record<string, number>; test: TestMetrics }): boolean {
  return s(db).finish.run({
    id, status: 'completed', finishedAt: new Date().toISOString(), params: r.params, modelBytes: r.modelBytes,
    seconds: JSON.stringify(r.seconds), testMetrics: JSON.stringify(r.test), testAccuracy: r.test.accuracy, macroF1: r.test.macroF1, error: null,
  }).changes > 0;
}

export function endRun(db: Database.Database, id: string, status: 'failed' | 'cancelled', error: string | null): boolean {
  return s(db).fail.run(status, new Date().toISOString(), error, id).changes > 0;
}

export function getRunRow(db: Database.Database, id: string): RunRow | undefined {
  return s(db).get.get(id);
}

export function listRunRows(db: Database.Database): RunRow[] {
  return s(db).list.all();
}

export function runEpochs(db: Database.Database, id: string): EpochMetrics[] {
  return s(db).epochs.all(id);
}

export function runImages(db: Database.Database, id: string) {
  return s(db).images.all(id);
}

export function runPredictions(db: Database.Database, id: string): PredictionRow[] {
  return s(db).predictions.all(id).map((r) => ({ ...r, probs: JSON.parse(r.probs) as number[] }));
}

export function deleteRunRow(db: Database.Database, id: string): boolean {
  return s(db).delete.run(id).changes > 0;
}

/** Records the process now responsible for a run (the host before the worker starts, then the worker). */
export function setRunWorker(db: Database.Database, id: string, pid: number = process.pid): void {
  s(db).setWorker.run(pid, os.hostname(), id);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Repair after a kill: runs left queued/running by a process that no longer exists become failed
 * ("interrupted"). A run whose worker is alive on this machine is left alone (another process is training it).
 */
export function markInterruptedRuns(db: Database.Database): number {
  const st = s(db);
  const now = new Date().toISOString();
  let n = 0;
  for (const r of st.unfinished.all()) {
    if (r.pid !== null && r.host === os.hostname() && alive(r.pid)) continue;
    n += st.interrupt.run(now, r.id).changes;
  }
  return n;
}

export function trainableImages(db: Database.Database): TrainableImage[] {
  return s(db).trainable.all();
}

export function allClasses(db: Database.Database): RunClass[] {
  return s(db).classes.all();
}
