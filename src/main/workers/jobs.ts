// The heavy requests a worker runs for its host (suspects.scan, runs.evaluate, runs.predict), dispatched to a
// runner table the worker entry (src/main/train.worker.ts) fills with the very service functions the app would
// call in-process, so worker and direct calls cannot drift apart. Each runner gets the job's AbortSignal
// (jobs.cancel) and stops at its next checkpoint.
import type { Emit } from '../../shared/contract';
import { JOB_NAMES, type JobInput, type JobName, type JobResult } from '../../shared/worker-protocol';
import type { Library } from '../library';

export type JobRunner<K extends JobName> = (lib: Library, emit: Emit, input: JobInput<K>, signal: AbortSignal) => Promise<JobResult<K>>;
export type JobRunners = { [K in JobName]: JobRunner<K> };

export function isJobName(name: unknown): name is JobName {
  return typeof name === 'string' && (JOB_NAMES as readonly string[]).includes(name);
}

export function runJob<K extends JobName>(runners: JobRunners, lib: Library, emit: Emit, name: K, input: JobInput<K>, signal: AbortSignal): Promise<JobResult<K>> {
  return (runners[name] as JobRunner<K>)(lib, emit, input, signal);
}
