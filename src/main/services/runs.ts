// Runs as the app sees them, and the one owner of a run's life: create (queued, with the id made here), running,
// completed, failed / cancelled with the reason, and the end of a run whose worker died without recording one.
// Training itself happens in a worker process (src/main/train.worker.ts) started by a WorkerHost; the worker
// records its transitions through runLifecycle, the host through runRecords. Runs a killed process left
// unfinished are repaired when a library opens (src/main/db/repairs.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { TrainEvent } from '../../shared/contract';
import type { RunDetail, RunSummary, TrainConfig, TestMetrics } from '../../shared/types';
import { openLibrary, type Library } from '../library';
import { completeRun, deleteRunRow, endRun, getRunRow, insertRun, listRunRows, runEpochs, setRunRunning, setRunWorker, type RunRow } from '../repos/runs.repo';
import { writeTx } from '../repos/statements';
import { modelDir } from '../engine/saved-model';
import type { RunLifecycle, RunResult } from '../engine/train/run-training';

export function newRunId(model: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${model}-${stamp}-${crypto.randomBytes(3).toString('hex')}`;
}

/**
 * A new run, queued, owned by this process until a worker takes it: a library opened meanwhile by another process
 * sees a live owner and leaves the run alone.
 */
export function createRun(lib: Library, config: TrainConfig): string {
  const id = newRunId(config.model);
  writeTx(lib.db, () => {
    insertRun(lib.db, { id, model: config.model, status: 'queued', config, seed: config.seed, createdAt: new Date().toISOString() });
    setRunWorker(lib.db, id);
  });
  return id;
}

/** queued → running, owned from now on by this process (the worker training it). */
export function markRunRunning(lib: Library, runId: string): void {
  if (!getRunRow(lib.db, runId)) throw new Error(`run ${runId} does not exist in ${lib.dir}`);
  setRunRunning(lib.db, runId);
}

/** → completed. Only a run still queued/running changes: false when a cancel or a kill ended it first. */
export function markRunCompleted(lib: Library, runId: string, result: RunResult): boolean {
  return completeRun(lib.db, runId, result);
}

/** → failed (with the reason) or cancelled. Only a run still queued/running changes. */
export function markRunEnded(lib: Library, runId: string, status: 'failed' | 'cancelled', error: string | null): boolean {
  return endRun(lib.db, runId, status, error);
}

/** The transitions a training run in this process records in `lib` (engine/train/run-training.ts calls them). */
export function runLifecycle(lib: Library): RunLifecycle {
  return {
    running: (runId) => markRunRunning(lib, runId),
    completed: (runId, result) => markRunCompleted(lib, runId, result),
    ended: (runId, status, error) => void markRunEnded(lib, runId, status, error),
  };
}

/**
 * Ends a run whose worker went away without reporting an end (killed, crashed, never started) and returns the
 * final event to report. If the worker had recorded an end (it died between writing and sending), that recorded
 * outcome is what the event says.
 */
export function endAbandonedRun(lib: Library, runId: string, status: 'failed' | 'cancelled', error: string | null): TrainEvent {
  // The library the run started in may have been closed or switched since: use a fresh connection then.
  const own = lib.db.open ? null : openLibrary(lib.dir);
  try {
    const db = (own ?? lib).db;
    if (endRun(db, runId, status, error)) {
      return status === 'failed' ? { type: 'failed', runId, error: error ?? 'failed' } : { type: 'cancelled', runId };
    }
    const row = getRunRow(db, runId);
    if (row?.status === 'completed' && row.test_metrics) {
      return { type: 'finished', runId, test: JSON.parse(row.test_metrics) as TestMetrics, seconds: JSON.parse(row.seconds) as Record<string, number> };
    }
    if (row?.status === 'cancelled') return { type: 'cancelled', runId };
    return { type: 'failed', runId, error: row?.error ?? error ?? 'failed' };
  } finally {
    own?.close();
  }
}

/** What a WorkerHost records through (its RunRecords): the runs it starts and the ends its workers did not report. */
export const runRecords = { create: createRun, endAbandoned: endAbandonedRun };

function summary(r: RunRow): RunSummary {
  return {
    id: r.id,
    model: r.model,
    status: r.status,
    backend: r.backend,
    engine: r.engine,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    config: JSON.parse(r.config) as TrainConfig,
    params: r.params,
    modelBytes: r.model_bytes,
    testAccuracy: r.test_accuracy,
    macroF1: r.macro_f1,
    seconds: JSON.parse(r.seconds) as Record<string, number>,
    error: r.error,
  };
}

export function listRuns(lib: Library): RunSummary[] {
  return listRunRows(lib.db).map(summary);
}

export function requireRun(lib: Library, runId: string): RunRow {
  const r = getRunRow(lib.db, runId);
  if (!r) throw new Error(`no run "${runId}" in ${lib.dir}`);
  return r;
}

export function getRun(lib: Library, runId: string): RunDetail {
  const r = requireRun(lib, runId);
  return {
    ...summary(r),
    epochs: runEpochs(lib.db, runId),
    test: r.test_metrics ? (JSON.parse(r.test_metrics) as TestMetrics) : null,
    snapshotHash: r.snapshot_hash,
    imageCount: r.image_count,
  };
}

/** Deletes a finished run, its rows and its saved model. A run still training must be cancelled first. */
export function deleteRun(lib: Library, runId: string): boolean {
  const r = getRunRow(lib.db, runId);
  if (!r) return false;
  if (r.status === 'running' || r.status === 'queued') throw new Error(`run ${runId} is still ${r.status}: cancel it first`);
  const ok = deleteRunRow(lib.db, runId);
  fs.rmSync(modelDir(lib, runId), { recursive: true, force: true });
  return ok;
}

export function runClasses(r: RunRow): Array<{ id: number; name: string }> {
  return JSON.parse(r.classes) as Array<{ id: number; name: string }>;
}
