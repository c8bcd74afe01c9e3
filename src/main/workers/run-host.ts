// A WorkerHost over any worker transport: fork (fork-host.ts) or Electron utilityProcess (the app's host). Runs
// go to one worker process each (run-procs.ts), heavy requests to reusable job workers (job-pool.ts); disposing
// asks both to stop and kills what has not stopped after a while.
import type { Emit } from '../../shared/contract';
import { jobPool } from './job-pool';
import { runProcesses } from './run-procs';
import type { HostOptions, RunRecords, WorkerHandle, WorkerHost } from './worker-host';

/** How long dispose waits for workers to stop on their own before killing them. */
const DISPOSE_GRACE_MS = 10_000;

/** `spawn(key)`: key is the run id, or `job-N` for a job worker. `records`: the runs service's (services/runs.ts). */
export function createWorkerHost(spawn: (key: string) => WorkerHandle, emit: Emit, records: RunRecords, opts: HostOptions = {}): WorkerHost {
  const runs = runProcesses(spawn, emit, records);
  const jobs = jobPool(spawn, emit, opts);
  return {
    start: async (lib, config) => runs.start(lib, config),
    runJob: (lib, name, input) => jobs.runJob(lib, name, input),
    cancel: (runId) => runs.cancel(runId),
    cancelJobs: (name) => jobs.cancelJobs(name),
    wait: (runId) => runs.wait(runId),
    async dispose() {
      const stopping = [runs.stopAll(), jobs.stopAll()];
      const ended = Promise.all(stopping.map((s) => s.ended));
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), DISPOSE_GRACE_MS).unref());
      if ((await Promise.race([ended, timeout])) === 'timeout') {
        for (const s of stopping) s.kill();
        await ended;
      }
    },
  };
}
