// The heavy requests a worker runs for its host (suspects.scan, runs.evaluate, runs.predict): each maps to the
// very service function the app used to call in-process, so worker and direct calls cannot drift apart. Each gets
// the job's AbortSignal (jobs.cancel) and stops at its next checkpoint.
import type { Emit } from '../../shared/contract';
import { JOB_NAMES, type JobInput, type JobName, type JobResult } from '../../shared/worker-protocol';
import type { Library } from '../library';
import { evaluateRun } from '../services/evaluation';
import { predict } from '../services/predict';
import { scanSuspects } from '../services/suspects/index';

type Runner<K extends JobName> = (lib: Library, emit: Emit, input: JobInput<K>, signal: AbortSignal) => Promise<JobResult<K>>;

const runners: { [K in JobName]: Runner<K> } = {
  'suspects.scan': async (lib, emit, input, signal) => {
    // The service also returns the raw probabilities; the request's result is only what the UI shows.
    const { scanned, suspects, seconds } = await scanSuspects(lib, emit, { ...input, signal });
    return { scanned, suspects, seconds };
  },
  'runs.evaluate': (lib, _emit, input, signal) => evaluateRun(lib, input.runId, input.folder, signal),
  'runs.predict': (lib, _emit, input, signal) => predict(lib, input.runId, input.paths, signal),
};

export function isJobName(name: unknown): name is JobName {
  return typeof name === 'string' && (JOB_NAMES as readonly string[]).includes(name);
}

export function runJob<K extends JobName>(lib: Library, emit: Emit, name: K, input: JobInput<K>, signal: AbortSignal): Promise<JobResult<K>> {
  return (runners[name] as Runner<K>)(lib, emit, input, signal);
}
