// Heavy requests (suspects.scan, runs.evaluate, runs.predict) on job workers: one job at a time each, a worker
// kept idle for a while after its job so the next one skips process start and model loading. cancelJobs aborts
// a job's signal in its worker; a job still running after a grace period has its worker killed.
import { cancelledMessage, type Emit, type EventName } from '../../shared/contract';
import { isFromWorker, type JobInput, type JobName, type JobResult } from '../../shared/worker-protocol';
import type { Library } from '../library';
import type { HostOptions, Stopping, WorkerHandle } from './worker-host';

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

export interface JobPool {
  runJob<K extends JobName>(lib: Library, name: K, input: JobInput<K>): Promise<JobResult<K>>;
  cancelJobs(name: JobName): number;
  /** Refuses new jobs and asks every job worker to stop; a job still running rejects as stopped. */
  stopAll(): Stopping;
}

/** `spawn(key)` starts a job worker; keys are `job-N`. */
export function jobPool(spawn: (key: string) => WorkerHandle, emit: Emit, opts: HostOptions = {}): JobPool {
  const workers = new Set<JobWorker>();
  let seq = 0;
  let stopping = false;

  const onResult = (jw: JobWorker, m: unknown): void => {
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
        workers.delete(jw);
        jw.worker.send({ type: 'shutdown' });
      }, opts.jobIdleMs ?? 60_000);
      jw.idle.unref?.();
    }
  };

  const onExit = (jw: JobWorker, code: number | null, signal: string | null, detail: string): void => {
    workers.delete(jw);
    if (jw.idle) clearTimeout(jw.idle);
    const job = jw.busy;
    jw.busy = null;
    if (job?.killTimer) clearTimeout(job.killTimer);
    if (job?.cancelled) job.reject(new Error(cancelledMessage(job.name)));
    else if (job) {
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      job.reject(new Error(stopping
        ? `${job.name} was stopped: the app is shutting down`
        : `the worker running ${job.name} died (${how})${detail ? `: ${detail}` : ''}; the app is fine, try again`));
    }
  };

  const spawnWorker = (): JobWorker => {
    const worker = spawn(`job-${++seq}`);
    let gone!: () => void;
    const jw: JobWorker = { worker, busy: null, idle: null, gone: new Promise<void>((r) => (gone = r)) };
    worker.onMessage((m) => onResult(jw, m));
    worker.onExit((code, signal, detail) => {
      onExit(jw, code, signal, detail);
      gone();
    });
    workers.add(jw);
    return jw;
  };

  return {
    runJob<K extends JobName>(lib: Library, name: K, input: JobInput<K>): Promise<JobResult<K>> {
      if (stopping) return Promise.reject(new Error(`${name}: the training host is shut down`));
      let jw = [...workers].find((w) => !w.busy);
      if (!jw) {
        try {
          jw = spawnWorker();
        } catch (e) {
          return Promise.reject(new Error(`cannot start a worker for ${name}: ${(e as Error).message}`));
        }
      }
      if (jw.idle) clearTimeout(jw.idle);
      jw.idle = null;
      const jobId = `job-${++seq}`;
      const w = jw;
      return new Promise<JobResult<K>>((resolve, reject) => {
        w.busy = { jobId, name, resolve: resolve as (v: unknown) => void, reject, cancelled: false, killTimer: null };
        w.worker.send({ type: 'job', jobId, libraryDir: lib.dir, name, input });
      });
    },
    cancelJobs(name) {
      let running = 0;
      for (const jw of workers) {
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
    stopAll() {
      stopping = true;
      const all = [...workers];
      for (const w of all) w.worker.send({ type: 'shutdown' });
      return { ended: Promise.all(all.map((w) => w.gone)), kill: () => all.forEach((w) => w.worker.kill()) };
    },
  };
}
