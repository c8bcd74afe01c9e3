// Runs as the app sees them: create (queued), list, read back, delete. Training itself happens in a worker
// (src/main/workers/train.worker.ts) started by a WorkerHost.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { RunDetail, RunSummary, TrainConfig, TestMetrics } from '../../shared/types';
import type { Library } from '../library';
import { onLibraryOpen } from '../library';
import { deleteRunRow, getRunRow, insertRun, listRunRows, markInterruptedRuns, runEpochs, setRunWorker, type RunRow } from '../repos/runs.repo';
import { modelDir } from '../engine/saved-model';

// A library opened after a crash or kill -9 shows the runs that process left running as failed.
onLibraryOpen((db) => {
  markInterruptedRuns(db);
});

export function newRunId(model: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${model}-${stamp}-${crypto.randomBytes(3).toString('hex')}`;
}

export function createRun(lib: Library, config: TrainConfig): string {
  const id = newRunId(config.model);
  lib.db.transaction(() => {
    insertRun(lib.db, { id, model: config.model, status: 'queued', config, seed: config.seed, createdAt: new Date().toISOString() });
    setRunWorker(lib.db, id);
  })();
  return id;
}

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
