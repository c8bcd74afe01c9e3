// What a killed process (crash, kill -9, power cut of the app) leaves behind, repaired each time a library opens,
// in one place: imports it left running become interrupted, and runs it left queued/running become failed
// ("interrupted", or the reason its process could not record: see run-reserve.ts). Committed work stays: an
// import's finished batches, a run's recorded epochs.
import type Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import { interruptImport, runningImports } from '../repos/imports.repo';
import { endRun, interruptRun, unfinishedRuns } from '../repos/runs.repo';
import { writeTx } from '../repos/statements';
import { dropReserve, pendingReason, releaseReserve } from './run-reserve';
import { processAlive } from '../util/process-alive';

/**
 * Runs left queued/running by a process that no longer exists become failed. A run whose recorded process is
 * alive on this machine is left alone: another process (a host, or the worker training it) still owns it.
 */
export function markInterruptedRuns(db: Database.Database, now = new Date().toISOString(), ended: string[] = []): number {
  const dir = path.isAbsolute(db.name) ? path.dirname(db.name) : null;
  let n = 0;
  for (const r of unfinishedRuns(db)) {
    if (r.pid !== null && r.host === os.hostname() && processAlive(r.pid)) continue;
    const reason = dir ? pendingReason(dir, r.id) : null;
    // Frees the run's held space (keeping the reason) so this write succeeds on a disk that is still full.
    if (dir) releaseReserve(dir, r.id, reason);
    if (reason ? endRun(db, r.id, 'failed', reason) : interruptRun(db, r.id, now)) n++;
    ended.push(r.id);
  }
  return n;
}

/** Imports left running by a process that no longer exists become interrupted; a live importer's stay running. */
export function markInterruptedImports(db: Database.Database, now = new Date().toISOString()): number {
  let n = 0;
  for (const i of runningImports(db)) {
    if (i.pid !== null && i.host === os.hostname() && processAlive(i.pid)) continue;
    if (interruptImport(db, i.id, now)) n++;
  }
  return n;
}

export function repairAfterCrash(db: Database.Database): { imports: number; runs: number } {
  const now = new Date().toISOString();
  const ended: string[] = [];
  const out = writeTx(db, () => ({ imports: markInterruptedImports(db, now), runs: markInterruptedRuns(db, now, ended) }));
  // Only once the ends are committed: a failed write leaves the reasons for the next open.
  if (path.isAbsolute(db.name)) for (const id of ended) dropReserve(path.dirname(db.name), id);
  return out;
}
