// A TrainingHost that runs each training run in its own process speaking src/shared/worker-protocol.ts. The
// transport is injected (Electron's utilityProcess in the app), so this file is plain Node and testable.
// A crash or an exit without a final event becomes a `failed` event; a cancel that the worker does not honour
// in time becomes a kill and a `cancelled` event. Either way `wait(runId)` resolves.
import crypto from 'node:crypto';
import type { Emit, TrainEvent } from '../../shared/contract';
import type { TrainConfig } from '../../shared/types';
import { isFromWorker, type ToWorker } from '../../shared/worker-protocol';
import type { TrainingHost } from '../api/context';
import type { Library } from '../library';

/** One worker process as the host sees it. */
export interface WorkerPort {
  send(msg: ToWorker): void;
  onMessage(fn: (msg: unknown) => void): void;
  onExit(fn: (code: number) => void): void;
  kill(): void;
}

export interface ProcessTrainingHostOptions {
  spawn: () => WorkerPort;
  emit: Emit;
  /** How long a cancelled or shut-down worker may take before it is killed. */
  graceMs?: number;
  /** How long a new worker may take to say `ready`. */
  readyTimeoutMs?: number;
}

const FINAL = new Set<TrainEvent['type']>(['finished', 'failed', 'cancelled']);

export function newRunId(model: string): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${model}-${stamp}-${crypto.randomBytes(3).toString('hex')}`;
}

interface Job {
  port: WorkerPort;
  done: Promise<void>;
  finish: () => void;
  final: boolean;
  cancelTimer: ReturnType<typeof setTimeout> | null;
  cancelRequested: boolean;
}

export function createProcessTrainingHost(opts: ProcessTrainingHostOptions): TrainingHost {
  const graceMs = opts.graceMs ?? 10_000;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  const jobs = new Map<string, Job>();

  const settle = (runId: string, job: Job, event?: TrainEvent): void => {
    if (job.final) return;
    job.final = true;
    if (job.cancelTimer) clearTimeout(job.cancelTimer);
    if (event) opts.emit('train.event', event);
    job.finish();
  };

  return {
    async start(lib: Library, config: TrainConfig) {
      const runId = newRunId(config.model);
      const port = opts.spawn();
      let finish!: () => void;
      const done = new Promise<void>((r) => (finish = r));
      const job: Job = { port, done, finish, final: false, cancelTimer: null, cancelRequested: false };
      jobs.set(runId, job);

      let ready!: () => void;
      let notReady!: (e: Error) => void;
      const readyP = new Promise<void>((res, rej) => ((ready = res), (notReady = rej)));
      const readyTimer = setTimeout(() => notReady(new Error(`the training process did not start within ${readyTimeoutMs / 1000} s`)), readyTimeoutMs);

      port.onMessage((m) => {
        if (!isFromWorker(m)) return;
        if (m.type === 'ready') ready();
        else if (m.type === 'event' && m.event.runId === runId) {
          if (FINAL.has(m.event.type)) settle(runId, job, m.event);
          else opts.emit('train.event', m.event);
        }
      });
      port.onExit((code) => {
        clearTimeout(readyTimer);
        notReady(new Error(`the training process exited (code ${code}) before it started`));
        const event: TrainEvent = job.cancelRequested
          ? { type: 'cancelled', runId }
          : { type: 'failed', runId, error: `the training process ended unexpectedly (exit code ${code})` };
        settle(runId, job, event);
        jobs.delete(runId);
      });

      try {
        await readyP;
      } catch (e) {
        clearTimeout(readyTimer);
        port.kill();
        jobs.delete(runId);
        job.final = true;
        job.finish();
        throw e;
      }
      clearTimeout(readyTimer);
      port.send({ type: 'start', runId, libraryDir: lib.dir, config });
      return { runId };
    },

    cancel(runId: string) {
      const job = jobs.get(runId);
      if (!job || job.final) return false;
      job.cancelRequested = true;
      try {
        job.port.send({ type: 'cancel', runId });
      } catch {
        /* already gone: the exit handler settles it */
      }
      job.cancelTimer ??= setTimeout(() => job.port.kill(), graceMs);
      return true;
    },

    async wait(runId: string) {
      await jobs.get(runId)?.done;
    },

    async dispose() {
      const all = [...jobs.values()];
      for (const job of all) {
        job.cancelRequested = true;
        try {
          job.port.send({ type: 'shutdown' });
        } catch {
          /* gone */
        }
        job.cancelTimer ??= setTimeout(() => job.port.kill(), graceMs);
      }
      await Promise.all(all.map((j) => j.done));
    },
  };
}
