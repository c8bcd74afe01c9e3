// The worker process's message loop: one process per run, or a reusable process for heavy jobs (label-review
// scans, evaluation, prediction; see jobs.ts). Works under Electron's utilityProcess and child_process.fork
// (see worker-port.ts). It opens the library itself (SQLite WAL allows a second process). For a run it reports
// every TrainEvent to its host, then 'exit' and ends; for a job it relays the job's events and its result.
// What it runs — training, and the job runners — is given by the entry (src/main/train.worker.ts).
import { cancelledMessage, type Emit, type TrainEvent } from '../../shared/contract';
import type { TrainConfig } from '../../shared/types';
import { isToWorker, type ToWorker } from '../../shared/worker-protocol';
import { openLibrary, type Library } from '../library';
import { isJobName, runJob, type JobRunners } from './jobs';
import { parentPort } from './worker-port';

/** Trains `runId` (already created, queued) to its end, recording it; never throws (see engine/train/run-training.ts). */
export type TrainRun = (
  lib: Library,
  runId: string,
  config: TrainConfig,
  emit: (e: TrainEvent) => void,
  control: TrainControl,
) => Promise<'completed' | 'failed' | 'cancelled'>;

export interface TrainControl {
  cancelled(): boolean;
  signal: AbortSignal;
  /** Set when the stop is not the user's cancel (the process that started the run is gone): it ends failed. */
  stopReason(): string | null;
}

/** The reason a run ends with when the process that started it (a CLI, a host) was killed. */
export const ORPHANED = 'interrupted: the process that started it was killed';

export interface WorkerDeps {
  train: TrainRun;
  jobs: JobRunners;
}

export function serveWorker(deps: WorkerDeps): void {
  const port = parentPort();
  const abort = new AbortController();
  let stopReason: string | null = null;
  let current: string | null = null;
  let jobBusy = false;
  /** The running job's own controller: cancelling one job must leave the worker able to run the next. */
  let jobCancel: { jobId: string; controller: AbortController } | null = null;

  async function job(m: Extract<ToWorker, { type: 'job' }>): Promise<void> {
    const { jobId } = m;
    if (current || jobBusy || !isJobName(m.name)) {
      const error = !isJobName(m.name) ? `unknown job "${String(m.name)}"` : 'this worker is busy';
      await port.send({ type: 'job-result', jobId, ok: false, error });
      return;
    }
    jobBusy = true;
    const controller = new AbortController();
    jobCancel = { jobId, controller };
    // Either this job's cancel or the worker's own stop (SIGTERM, parent gone) aborts the job.
    const signal = AbortSignal.any([abort.signal, controller.signal]);
    let lib: Library | null = null;
    const emit: Emit = (name, payload) => void port.send({ type: 'job-event', jobId, name, payload });
    try {
      lib = openLibrary(m.libraryDir);
      const value = await runJob(deps.jobs, lib, emit, m.name, m.input as never, signal);
      await port.send({ type: 'job-result', jobId, ok: true, value });
    } catch (e) {
      // Services word their stop differently ('cancelled', 'scan cancelled'): the request gets one message.
      const error = signal.aborted ? cancelledMessage(m.name) : e instanceof Error ? e.message : String(e);
      await port.send({ type: 'job-result', jobId, ok: false, error });
    } finally {
      lib?.close();
      jobCancel = null;
      jobBusy = false;
    }
  }

  async function start(m: Extract<ToWorker, { type: 'start' }>): Promise<void> {
    if (current) {
      await port.send({ type: 'event', event: { type: 'failed', runId: m.runId, error: `this worker is already training ${current}` } });
      return;
    }
    current = m.runId;
    let lib: Library | null = null;
    let code = 0;
    try {
      lib = openLibrary(m.libraryDir);
      const status = await deps.train(lib, m.runId, m.config, (event) => void port.send({ type: 'event', event }), {
        cancelled: () => abort.signal.aborted,
        signal: abort.signal,
        stopReason: () => stopReason,
      });
      code = status === 'failed' ? 1 : 0;
    } catch (e) {
      // The library cannot be opened, or the run's end could not be written (a full disk): the host records it.
      await port.send({ type: 'event', event: { type: 'failed', runId: m.runId, error: (e as Error).message } });
      code = 1;
    } finally {
      lib?.close();
    }
    await port.send({ type: 'exit', runId: m.runId, code });
    process.exit(code);
  }

  port.onMessage((raw) => {
    if (!isToWorker(raw)) return;
    if (raw.type === 'start') void start(raw);
    else if (raw.type === 'job') void job(raw);
    else if (raw.type === 'cancel' && raw.runId === current) abort.abort();
    else if (raw.type === 'cancel-job' && raw.jobId === jobCancel?.jobId) jobCancel.controller.abort();
    else if (raw.type === 'shutdown') {
      if (current) abort.abort();
      else process.exit(0);
    }
  });
  // Ctrl-C in a terminal reaches the whole process group: the host turns it into a cancel, so the worker must
  // not die of it. SIGTERM is a request to stop: cancel cleanly.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => {
    abort.abort();
    if (!current) process.exit(0);
  });
  // Orphaned (the CLI was killed): stop at the next batch; the run ends failed, as interrupted. The parent's
  // end of our stdout/stderr pipes is gone too: a write there must not kill us before the end is recorded.
  port.onParentGone(() => {
    for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);
    stopReason = ORPHANED;
    abort.abort();
    if (!current) process.exit(0);
  });
  void port.send({ type: 'ready', pid: process.pid });
}
