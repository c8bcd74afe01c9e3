// Runs as the app sees them, and the one owner of a run's life: create (queued, with the id made here), running,
// completed, failed / cancelled with the reason, and the end of a run whose worker died without recording one.
// Training itself happens in a worker process (src/main/train.worker.ts) started by a WorkerHost; the worker
// records its transitions through runLifecycle, the host through runRecords. Runs a killed process left
// unfinished are repaired when a library opens (src/main/db/repairs.ts). A run holds some disk space from its
// creation to its end (db/run-reserve.ts) so that a disk filling up meanwhile cannot leave it `running`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { TrainEvent } from '../../shared/contract';
import type { RunDetail, RunSummary, TrainConfig, TestMetrics } from '../../shared/types';
import { openLibrary, type Library } from '../library';
import {
  bestValAccuracies, completeRun, deleteRunRow, endRun, getRunRow, insertRun, listRunRows, runEpochs, setDefaultRunRow, setRunRunning, setRunText,
  setRunWorker, type RunRow,
} from '../repos/runs.repo';
import { writeTx } from '../repos/statements';
import { dropReserve, holdReserve, pendingReason, releaseReserve } from '../db/run-reserve';
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
  holdReserve(lib.dir, id);
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
  dropReserve(lib.dir, runId);
  return completeRun(lib.db, runId, result);
}

/**
 * → failed (with the reason) or cancelled. Only a run still queued/running changes. The run's reserve is freed
 * first (a full disk is a common reason to fail); if the write fails anyway, the error thrown carries both
 * reasons and the failure is recorded by the host or by the next open's repair (db/repairs.ts).
 */
export function markRunEnded(
  lib: Library,
  runId: string,
  status: 'failed' | 'cancelled',
  error: string | null,
  seconds: Record<string, number> | undefined = undefined,
): boolean {
  const reason = status === 'failed' ? error ?? 'failed' : null;
  releaseReserve(lib.dir, runId, reason);
  let changed: boolean;
  try {
    changed = endRun(lib.db, runId, status, error, wallSeconds(lib, runId, seconds));
  } catch (e) {
    throw new Error(`${reason ?? status} (and recording that failed: ${(e as Error).message})`);
  }
  dropReserve(lib.dir, runId);
  return changed;
}

/**
 * The timings an ended run records: the phases it timed (`seconds`, or what its epochs saved when its worker
 * died without reporting) and, as `total`, the wall time since it was created — what the user waited, worker
 * start included — or the worker's own total if that is longer.
 */
function wallSeconds(lib: Library, runId: string, seconds: Record<string, number> | undefined): Record<string, number> | undefined {
  const row = getRunRow(lib.db, runId);
  if (!row) return seconds;
  const timed = seconds ?? (JSON.parse(row.seconds) as Record<string, number>);
  const since = Date.parse(row.created_at);
  if (!Number.isFinite(since)) return seconds;
  return { ...timed, total: Math.max(timed.total ?? 0, Math.round((Date.now() - since) / 10) / 100) };
}

/** Why a run in a worker is stopping other than by a cancel: a stop that is not the user's ends it failed. */
export interface StopReason {
  stopReason?(): string | null;
}

/** The transitions a training run in this process records in `lib` (engine/train/run-training.ts calls them). */
export function runLifecycle(lib: Library, control: StopReason = {}): RunLifecycle {
  return {
    running: (runId) => markRunRunning(lib, runId),
    completed: (runId, result) => markRunCompleted(lib, runId, result),
    ended: (runId, status, error, seconds) => {
      const interrupted = status === 'cancelled' ? control.stopReason?.() ?? null : null;
      void markRunEnded(lib, runId, interrupted ? 'failed' : status, interrupted ?? error, seconds);
    },
  };
}

/**
 * Ends a run whose worker went away without reporting an end (killed, crashed, never started) and returns the
 * final event to report. If the worker had recorded an end (it died between writing and sending), that recorded
 * outcome is what the event says.
 */
export function endAbandonedRun(lib: Library, runId: string, status: 'failed' | 'cancelled', error: string | null): TrainEvent {
  // A reason the worker could not record (its disk was full) says more than how the worker ended.
  if (status === 'failed') error = pendingReason(lib.dir, runId) ?? error;
  let own: Library | null = null;
  try {
    // The library the run started in may have been closed or switched since: use a fresh connection then.
    own = lib.db.open ? null : openLibrary(lib.dir);
    const db = (own ?? lib).db;
    if (markRunEnded({ ...lib, db }, runId, status, error)) {
      return status === 'failed' ? { type: 'failed', runId, error: error ?? 'failed' } : { type: 'cancelled', runId };
    }
    const row = getRunRow(db, runId);
    if (row?.status === 'completed' && row.test_metrics) {
      return { type: 'finished', runId, test: JSON.parse(row.test_metrics) as TestMetrics, seconds: JSON.parse(row.seconds) as Record<string, number> };
    }
    if (row?.status === 'cancelled') return { type: 'cancelled', runId };
    return { type: 'failed', runId, error: row?.error ?? error ?? 'failed' };
  } catch (e) {
    // Still no room (or no library): the next open records the end (db/repairs.ts); the host reports it now.
    const msg = (e as Error).message;
    const why = error === null || msg.startsWith(error) ? msg : `${error} (and recording that failed: ${msg})`;
    return status === 'failed' ? { type: 'failed', runId, error: why } : { type: 'cancelled', runId };
  } finally {
    own?.close();
  }
}

/** What a WorkerHost records through (its RunRecords): the runs it starts and the ends its workers did not report. */
export const runRecords = { create: createRun, endAbandoned: endAbandonedRun };

function summary(r: RunRow, extra: { bestValAccuracy: number | null; isDefault: boolean } = { bestValAccuracy: null, isDefault: false }): RunSummary {
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
    name: r.name ?? null,
    note: r.note ?? null,
    marked: r.is_default === 1,
    ...extra,
  };
}

export function listRuns(lib: Library): RunSummary[] {
  const rows = listRunRows(lib.db);
  const best = bestValAccuracies(lib.db);
  const chosen = pickDefault(rows, best)?.id ?? null;
  return rows.map((r) => summary(r, { bestValAccuracy: best.get(r.id) ?? null, isDefault: r.id === chosen }));
}

/**
 * The run Predict and Browse start from: the one the user marked, else the completed run with the best
 * validation accuracy (ties: the better test accuracy, then the newer), else none. Not simply the newest:
 * a quick experiment trained last should not replace a better model.
 */
export function defaultRun(lib: Library): RunSummary | null {
  return listRuns(lib).find((r) => r.isDefault) ?? null;
}

function pickDefault(rows: readonly RunRow[], best: ReadonlyMap<string, number>): RunRow | null {
  const completed = rows.filter((r) => r.status === 'completed');
  const marked = completed.find((r) => r.is_default === 1);
  if (marked) return marked;
  let pick: RunRow | null = null;
  const key = (r: RunRow) => [best.get(r.id) ?? -1, r.test_accuracy ?? -1];
  for (const r of completed) {
    // Rows come newest first, so only a strictly better run replaces the pick.
    if (!pick) pick = r;
    else {
      const [va, ta] = key(r);
      const [vb, tb] = key(pick);
      if (va > vb || (va === vb && ta > tb)) pick = r;
    }
  }
  return pick;
}

/** Names or annotates a run: text is trimmed, empty text clears the field, a field left out stays. */
export function updateRun(lib: Library, runId: string, text: { name?: string; note?: string }): RunSummary {
  requireRun(lib, runId);
  const clean = (v: string | undefined) => (v === undefined ? undefined : v.trim() || null);
  setRunText(lib.db, runId, { name: clean(text.name), note: clean(text.note) });
  return listRuns(lib).find((r) => r.id === runId)!;
}

/** Marks the default model (null: unmark, so the best val accuracy decides). Only a completed run can be it. */
export function setDefaultRun(lib: Library, runId: string | null): RunSummary | null {
  if (runId !== null) {
    const r = requireRun(lib, runId);
    if (r.status !== 'completed') throw new Error(`run ${runId} is ${r.status}: only a completed run can be the default model`);
  }
  setDefaultRunRow(lib.db, runId);
  return defaultRun(lib);
}

export function requireRun(lib: Library, runId: string): RunRow {
  const r = getRunRow(lib.db, runId);
  if (!r) throw new Error(`no run "${runId}" in ${lib.dir}`);
  return r;
}

export function getRun(lib: Library, runId: string): RunDetail {
  const r = requireRun(lib, runId);
  return {
    ...(listRuns(lib).find((x) => x.id === runId) ?? summary(r)),
    epochs: runEpochs(lib.db, runId),
    test: r.test_metrics ? (JSON.parse(r.test_metrics) as TestMetrics) : null,
    snapshotHash: r.snapshot_hash,
    imageCount: r.image_count,
    excludedMissing: r.excluded_missing ?? 0,
    classIds: runClasses(r).map((c) => c.id),
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
