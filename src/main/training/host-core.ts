// A TrainingHost over any worker transport: fork (fork-host.ts) or Electron utilityProcess (the app's host).
// It creates the run row, starts one worker per run, relays its events, and — if the worker dies without
// reporting an end (kill -9, out of memory, native crash) — marks the run failed with the reason.
import type { Emit, TrainEvent } from '../../shared/contract';
import type { TestMetrics, TrainConfig } from '../../shared/types';
import { isFromWorker, type ToWorker } from '../../shared/worker-protocol';
import type { TrainingHost } from '../api/context';
import { openLibrary, type Library } from '../library';
import { endRun, getRunRow } from '../repos/runs.repo';
import { createRun } from '../services/training';

/** What a host needs from one spawned worker process. */
export interface WorkerHandle {
  send(m: ToWorker): void;
  onMessage(fn: (m: unknown) => void): void;
  /** `detail`: e.g. the last lines the worker wrote to stderr. */
  onExit(fn: (code: number | null, signal: string | null, detail: string) => void): void;
  kill(): void;
}

interface Job {
  runId: string;
  lib: Library;
  libraryDir: string;
  worker: WorkerHandle;
  done: Promise<void>;
  finish: () => void;
  final: boolean;
  cancelRequested: boolean;
}

const FINAL = new Set<TrainEvent['type']>(['finished', 'failed', 'cancelled']);

export function createTrainingHost(spawn: (runId: string) => WorkerHandle, emit: Emit): TrainingHost {
  const jobs = new Map<string, Job>();

  /**
   * Ends a run whose worker died without a final event, and reports it. If the worker had already recorded
   * the end (it died between writing and sending), that recorded outcome is what gets reported.
   */
  const record = (job: Job, status: 'failed' | 'cancelled', error: string | null): void => {
    // The library the run started in may have been closed or switched since: use a fresh connection then.
    const own = job.lib.db.open ? null : openLibrary(job.libraryDir);
    const runId = job.runId;
    try {
      const db = (own ?? job.lib).db;
      if (endRun(db, runId, status, error)) {
        emit('train.event', status === 'failed' ? { type: 'failed', runId, error: error ?? 'failed' } : { type: 'cancelled', runId });
        return;
      }
      const row = getRunRow(db, runId);
      if (row?.status === 'completed' && row.test_metrics) {
        emit('train.event', { type: 'finished', runId, test: JSON.parse(row.test_metrics) as TestMetrics, seconds: JSON.parse(row.seconds) as Record<string, number> });
      } else if (row?.status === 'cancelled') emit('train.event', { type: 'cancelled', runId });
      else emit('train.event', { type: 'failed', runId, error: row?.error ?? error ?? 'failed' });
    } finally {
      own?.close();
    }
  };

  return {
    async start(lib: Library, config: TrainConfig) {
      const runId = createRun(lib, config);
      let finish!: () => void;
      const done = new Promise<void>((r) => (finish = r));
      let worker: WorkerHandle;
      try {
        worker = spawn(runId);
      } catch (e) {
        const error = `cannot start the training worker: ${(e as Error).message}`;
        endRun(lib.db, runId, 'failed', error);
        emit('train.event', { type: 'failed', runId, error });
        throw new Error(error);
      }
      const job: Job = { runId, lib, libraryDir: lib.dir, worker, done, finish, final: false, cancelRequested: false };
      jobs.set(runId, job);
      worker.onMessage((m) => {
        if (!isFromWorker(m) || m.type !== 'event') return;
        if (FINAL.has(m.event.type)) job.final = true;
        emit('train.event', m.event);
      });
      worker.onExit((code, signal, detail) => {
        if (!job.final) {
          const how = signal ? `signal ${signal}` : `exit code ${code}`;
          if (job.cancelRequested && !signal) record(job, 'cancelled', null);
          else record(job, 'failed', `training worker died (${how})${detail ? `: ${detail}` : ''}`);
        }
        jobs.delete(runId);
        finish();
      });
      worker.send({ type: 'start', runId, libraryDir: lib.dir, config });
      return { runId };
    },
    cancel(runId: string) {
      const job = jobs.get(runId);
      if (!job || job.final) return false;
      job.cancelRequested = true;
      job.worker.send({ type: 'cancel', runId });
      return true;
    },
    async wait(runId: string) {
      await jobs.get(runId)?.done;
    },
    async dispose() {
      const all = [...jobs.values()];
      for (const j of all) {
        j.cancelRequested = true;
        j.worker.send({ type: 'shutdown' });
      }
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
      if ((await Promise.race([Promise.all(all.map((j) => j.done)), timeout])) === 'timeout') {
        for (const j of all) j.worker.kill();
        await Promise.all(all.map((j) => j.done));
      }
    },
  };
}
