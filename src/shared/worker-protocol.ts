// Messages between a training host (fork or Electron utilityProcess) and the training worker
// (src/main/training/train.worker.ts). Transport-agnostic: plain structured-clonable objects.
import type { TrainEvent } from './contract';
import type { TrainConfig } from './types';

/** Host → worker. */
export type ToWorker =
  | { type: 'start'; runId: string; libraryDir: string; config: TrainConfig }
  | { type: 'cancel'; runId: string }
  /** Finish the current run (if any) as cancelled and exit. */
  | { type: 'shutdown' };

/** Worker → host. `ready` is sent once the worker listens; `exit` right before it ends on its own. */
export type FromWorker =
  | { type: 'ready'; pid: number }
  | { type: 'event'; event: TrainEvent }
  | { type: 'exit'; runId: string | null; code: number };

export function isFromWorker(m: unknown): m is FromWorker {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string'
    && ['ready', 'event', 'exit'].includes((m as { type: string }).type);
}

export function isToWorker(m: unknown): m is ToWorker {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string'
    && ['start', 'cancel', 'shutdown'].includes((m as { type: string }).type);
}
