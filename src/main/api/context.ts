// What every request handler receives. Hosts (Electron main, web host, CLI, tests) build one AppContext;
// handlers stay plain Node and never import Electron.
import type { Emit, RequestInput, RequestName, RequestResult, Result } from '../../shared/contract';
import { parseInput } from '../../shared/contract';
import type { TrainConfig } from '../../shared/types';
import type { JobInput, JobName, JobResult } from '../../shared/worker-protocol';
import type { Library } from '../library';

/** Runs training jobs outside the calling thread (utilityProcess in Electron, worker in CLI/web host). */
export interface WorkerHost {
  start(lib: Library, config: TrainConfig): Promise<{ runId: string }>;
  /**
   * A heavy request (label-review scan, evaluation, prediction) run by the same service code in a worker
   * process; its events are emitted as if in-process. Rejects with the service's error, or a readable one if
   * the worker dies.
   */
  runJob<K extends JobName>(lib: Library, name: K, input: JobInput<K>): Promise<JobResult<K>>;
  cancel(runId: string): boolean;
  /**
   * Cancels the running jobs of one kind: each stops at its next checkpoint and its runJob rejects with
   * `cancelledMessage(name)` (a job that ignores the signal has its worker killed after a grace period).
   * Returns how many were running.
   */
  cancelJobs(name: JobName): number;
  /** Resolves when the run reaches a final state (tests and the CLI wait on it). */
  wait(runId: string): Promise<void>;
  dispose(): Promise<void>;
}

export interface Dialogs {
  pickFolder(): Promise<string | null>;
  pickFiles(): Promise<string[]>;
}

export interface AppContext {
  host: 'electron' | 'web' | 'cli';
  /** The library every request works on; `switchLibrary` replaces it (library.open). */
  library(): Library;
  switchLibrary(dir: string): Library;
  emit: Emit;
  workers: WorkerHost;
  dialogs: Dialogs | null;
}

export type Handler<K extends RequestName> = (
  input: RequestInput<K>,
  ctx: AppContext,
) => Promise<RequestResult<K>> | RequestResult<K>;
export type Handlers = { [K in RequestName]: Handler<K> };
export type HandlerGroup<K extends RequestName> = { [P in K]: Handler<P> };

/** Validate, call, and turn any error into data: the one path every host uses for every request. */
export async function dispatch<K extends RequestName>(
  handlers: Handlers,
  ctx: AppContext,
  name: K,
  rawInput: unknown,
): Promise<Result<RequestResult<K>>> {
  try {
    if (!Object.prototype.hasOwnProperty.call(handlers, name)) throw new Error(`unknown request "${String(name)}"`);
    const input = parseInput(name, rawInput);
    const value = await (handlers[name] as Handler<K>)(input, ctx);
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
