// The workers room's contract with the hosts above it: what a WorkerHost offers (api/context.ts hands it to every
// request handler), what it needs from each spawned process (WorkerHandle), and what it records through
// (RunRecords, the runs service's, passed in by whoever builds the host so this room imports no service).
import type { TrainEvent } from '../../shared/contract';
import type { TrainConfig } from '../../shared/types';
import type { JobInput, JobName, JobResult, ToWorker } from '../../shared/worker-protocol';
import type { Library } from '../library';

/** Runs training and heavy jobs outside the calling thread (utilityProcess in Electron, fork in the CLI/web host). */
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

/** What a host needs from one spawned worker process. */
export interface WorkerHandle {
  send(m: ToWorker): void;
  onMessage(fn: (m: unknown) => void): void;
  /** `detail`: e.g. the last lines the worker wrote to stderr. */
  onExit(fn: (code: number | null, signal: string | null, detail: string) => void): void;
  kill(): void;
}

/** The run records a host keeps (services/runs.ts `runRecords`): the worker records everything else itself. */
export interface RunRecords {
  /** Creates the run (queued, owned by this process until its worker takes it) and returns its id. */
  create(lib: Library, config: TrainConfig): string;
  /**
   * Ends a run whose worker went away without reporting an end; returns the final event to report (the outcome
   * the worker recorded, if it recorded one before dying).
   */
  endAbandoned(lib: Library, runId: string, status: 'failed' | 'cancelled', error: string | null): TrainEvent;
}

export interface HostOptions {
  /** How long a job worker waits idle for the next job before it is shut down. */
  jobIdleMs?: number;
  /** How long a cancelled job may take to stop before its worker is killed (default 5 s). */
  cancelGraceMs?: number;
}

/** A set of worker processes being told to stop: `ended` once all have exited; `kill` for those that do not. */
export interface Stopping {
  ended: Promise<unknown>;
  kill(): void;
}
