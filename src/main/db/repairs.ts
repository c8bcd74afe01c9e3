// What a killed process (crash, kill -9, power cut of the app) leaves behind, repaired each time a library opens,
// in one place: imports it left running become interrupted, and runs it left queued/running become failed
// ("interrupted"). Committed work stays: an import's finished batches, a run's recorded epochs.
import type Database from 'better-sqlite3';
import os from 'node:os';
import { markInterruptedImports } from '../repos/imports.repo';
import { interruptRun, unfinishedRuns } from '../repos/runs.repo';
import { writeTx } from '../repos/statements';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs left queued/running by a process that no longer exists become failed. A run whose recorded process is
 * alive on this machine is left alone: another process (a host, or the worker training it) still owns it.
 */
export function markInterruptedRuns(db: Database.Database, now = new Date().toISOString()): number {
  let n = 0;
  for (const r of unfinishedRuns(db)) {
    if (r.pid !== null && r.host === os.hostname() && alive(r.pid)) continue;
    if (interruptRun(db, r.id, now)) n++;
  }
  return n;
}

export function repairAfterCrash(db: Database.Database): { imports: number; runs: number } {
  const now = new Date().toISOString();
  return writeTx(db, () => ({ imports: markInterruptedImports(db, now), runs: markInterruptedRuns(db, now) }));
}
