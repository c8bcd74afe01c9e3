// A WorkerHost over any worker transport: fork (fork-host.ts) or Electron utilityProcess (the app's host).
// It creates the run row, starts one worker per run, relays its events, and — if the worker dies without
// reporting an end (kill -9, out of memory, native crash) — marks the run failed with the reason.
// Heavy requests (runJob: suspects.scan, runs.evaluate, runs.predict) go to job workers: one job at a time
// each, kept idle for a while after a job so the next one skips process start and model loading. cancelJobs
// aborts a job's signal in its worker; a job still running after a grace period has its worker killed.
import { cancelledMessage, type Emit, type EventName, type TrainEvent } from '../../shared/contract';
import type { TestMetrics, TrainConfig } from '../../shared/types';
import { isFromWorker, type JobInput, type JobName, type JobResult, type ToWorker } from '../../shared/worker-protocol';
import type { WorkerHost } from '../api/context';
import { openLibrary, type Library } from '../library';
import { endRun, getRunRow } from '../repos/runs.repo';
import { createRun } from '../services/runs';

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

interface PendingJob {
  jobId: string;
  name: JobName;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  /** Set by cancelJobs: the job's failure (or its worker's death) is then reported as a cancellation. */
  cancelled: boolean;
  /** Kills the worker if the job ignores its signal; cleared when the job ends. */
  killTimer: ReturnType<typeof setTimeout> | null;
}

interface JobWorker {
  worker: WorkerHandle;
  busy: PendingJob | null;
  idle: ReturnType<typeof setTimeout> | null;
  gone: Promise<void>;
}

export interface HostOptions {
  /** How long a job worker waits idle for the next job before it is shut down. */
  jobIdleMs?: number;
  /** How long a cancelled job may take to stop before its worker is killed (default 5 s). */
  cancelGraceMs?: number;
}

const FINAL = new Set<TrainEvent['type']>(['finished', 'failed', 'cancelled']);

/** `spawn(key)`: key is the run id, or `job-N` for a job worker. */
export function createWorkerHost(spawn: (key: string) => WorkerHandle, emit: Emit, opts: HostOptions = {}): WorkerHost {
  const jobs = new Map<string, Job>();
  const jobWorkers = new Set<JobWorker>();
  let jobSeq = 0;
  let disposing = false;

  const spawnJobWorker = (): JobWorker => {
    const worker = spawn(`job-${++jobSeq}`);
    let gone!: () => void;
    const jw: JobWorker = { worker, busy: null, idle: null, gone: new Promise<void>((r) => (gone = r)) };
    worker.onMessage((m) => {
      const job = jw.busy;
      if (!isFromWorker(m) || !job) return;
      if (m.type === 'job-event' && m.jobId === job.jobId) emit(m.name as EventName, m.payload as never);
      else if (m.type === 'job-result' && m.jobId === job.jobId) {
        jw.busy = null;
        if (job.killTimer) clearTimeout(job.killTimer);
        // A job that finished before the cancel reached a checkpoint keeps its result: the work is done (and,
        // for a scan, saved). Any failure after a cancel is the cancel's doing, whatever the service said.
        if (m.ok) job.resolve(m.value);
        else job.reject(new Error(job.cancelled ? cancelledMessage(job.name) : m.error));
        jw.idle = setTimeout(() => {
          jobWorkers.delete(jw);
          worker.send({ type: 'shutdown' });
        }, opts.jobIdleMs ?? 60_000);
        jw.idle.unref?.();
      }
    });
    worker.onExit((code, signal, detail) => {
      jobWorkers.delete(jw);
      if (jw.idle) clearTimeout(jw.idle);
      const job = jw.busy;
      jw.busy = null;
      if (job?.killTimer) clearTimeout(job.killTimer);
      if (job?.cancelled) job.reject(new Error(cancelledMessage(job.name)));
      else if (job) {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        job.reject(new Error(disposing
          ? `${job.name} was stopped: the app is shutting down`
          : `the worker running ${job.name} died (${how})${detail ? `: ${detail}` : ''}; the app is fine, try again`));
      }
      gone();
    });
    jobWorkers.add(jw);
    return jw;
  };

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
    runJob<K extends JobName>(lib: Library, name: K, input: JobInput<K>): Promise<JobResult<K>> {
      if (disposing) return Promise.reject(new Error(`${name}: the training host is shut down`));
      let jw = [...jobWorkers].find((w) => !w.busy);
      if (!jw) {
        try {
          jw = spawnJobWorker();
        } catch (e) {
          return Promise.reject(new Error(`cannot start a worker for ${name}: ${(e as Error).message}`));
        }
      }
      if (jw.idle) clearTimeout(jw.idle);
      jw.idle = null;
      const jobId = `job-${++jobSeq}`;
      const w = jw;
      return new Promise<JobResult<K>>((resolve, reject) => {
        w.busy = { jobId, name, resolve: resolve as (v: unknown) => void, reject, cancelled: false, killTimer: null };
        w.worker.send({ type: 'job', jobId, libraryDir: lib.dir, name, input });
      });
    },
    cancel(runId: string) {
      const job = jobs.get(runId);
      if (!job || job.final) return false;
      job.cancelRequested = true;
      job.worker.send({ type: 'cancel', runId });
      return true;
    },
    cancelJobs(name: JobName) {
      let running = 0;
      for (const jw of jobWorkers) {
        const job = jw.busy;
        if (job?.name !== name) continue;
        running++;
        if (job.cancelled) continue;
        job.cancelled = true;
        jw.worker.send({ type: 'cancel-job', jobId: job.jobId });
        // A job that never reaches a checkpoint (a long native call, a loop without one) must not keep the
        // caller waiting: kill its worker; the exit handler above rejects it as cancelled, and the next job
        // starts a fresh worker.
        job.killTimer = setTimeout(() => {
          if (jw.busy === job) jw.worker.kill();
        }, opts.cancelGraceMs ?? 5_000);
      }
      return running;
    },
    async wait(runId: string) {
      await jobs.get(runId)?.done;
    },
    async dispose() {
      disposing = true;
      const all = [...jobs.values()];
      for (const j of all) {
        j.cancelRequested = true;
        j.worker.send({ type: 'shutdown' });
      }
      const workers = [...jobWorkers];
      for (const w of workers) w.worker.send({ type: 'shutdown' });
      const ended = Promise.all([...all.map((j) => j.done), ...workers.map((w) => w.gone)]);
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
      if ((await Promise.race([ended, timeout])) === 'timeout') {
        for (const j of all) j.worker.kill();
        for (const w of workers) w.worker.kill();
        await ended;
      }
    },
  };
}
