// Messages between a training host (fork or Electron utilityProcess) and the training worker
// (src/main/train.worker.ts, its loop in src/main/workers/worker-main.ts). Transport-agnostic: plain structured-clonable objects.
import { JOB_REQUESTS, type EventName, type JobRequestName, type RequestInput, type RequestResult, type TrainEvent } from './contract';
import type { TrainConfig } from './types';

/** Heavy requests that run in a worker process rather than in the caller (Electron main, web host, CLI). */
export const JOB_NAMES = JOB_REQUESTS;
export type JobName = JobRequestName;
export type JobInput<K extends JobName> = RequestInput<K>;
export type JobResult<K extends JobName> = RequestResult<K>;

/** Host → worker. */
export type ToWorker =
  | { type: 'start'; runId: string; libraryDir: string; config: TrainConfig }
  | { type: 'cancel'; runId: string }
  /** One job at a time per worker; the worker stays up afterwards, idle, until the host shuts it down. */
  | { type: 'job'; jobId: string; libraryDir: string; name: JobName; input: unknown }
  /** Abort that job's signal; it ends with a job-result at its next checkpoint and the worker stays usable. */
  | { type: 'cancel-job'; jobId: string }
  /** Finish the current run (if any) as cancelled and exit; a job in progress is abandoned. */
  | { type: 'shutdown' };

/** Worker → host. `ready` is sent once the worker listens; `exit` right before it ends on its own. */
export type FromWorker =
  | { type: 'ready'; pid: number }
  | { type: 'event'; event: TrainEvent }
  /** An event a job emitted (suspects.progress, library.changed, …), relayed as is by the host. */
  | { type: 'job-event'; jobId: string; name: EventName; payload: unknown }
  | { type: 'job-result'; jobId: string; ok: true; value: unknown }
  | { type: 'job-result'; jobId: string; ok: false; error: string }
  | { type: 'exit'; runId: string | null; code: number };

export function isFromWorker(m: unknown): m is FromWorker {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string'
    && ['ready', 'event', 'job-event', 'job-result', 'exit'].includes((m as { type: string }).type);
}

export function isToWorker(m: unknown): m is ToWorker {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string'
    && ['start', 'cancel', 'job', 'cancel-job', 'shutdown'].includes((m as { type: string }).type);
}
