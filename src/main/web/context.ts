// The AppContext of the web host: one library, events broadcast to every authorized socket, no native dialogs,
// and training in a forked worker (src/main/workers/fork-host.ts, loaded on first use so the host starts and
// serves everything else even where training cannot run).
import type { Emit, EventMap, EventName } from '../../shared/contract';
import { createHostContext, type HostContext } from '../api/host-context';
import type { TrainConfig } from '../../shared/types';
import type { Library } from '../library';
import { runRecords } from '../services/runs';
import type { RunRecords, WorkerHost } from '../workers/worker-host';

export type Broadcast = <K extends EventName>(name: K, payload: EventMap[K]) => void;

export type WebContext = HostContext;

type ForkHostModule = { createForkWorkerHost(emit: Emit, records: RunRecords): WorkerHost };

/** A WorkerHost that loads the fork host the first time a run or job starts. */
export function lazyForkTraining(emit: Emit): WorkerHost {
  let host: WorkerHost | null = null;
  let loading: Promise<WorkerHost> | null = null;
  const load = (): Promise<WorkerHost> =>
    (loading ??= (async () => {
      // A variable specifier keeps this optional at type-check and bundle time.
      const spec = '../workers/fork-host';
      let mod: ForkHostModule;
      try {
        mod = (await import(spec)) as ForkHostModule;
      } catch (e) {
        loading = null;
        throw new Error(`training is unavailable in this build: ${(e as Error).message}`);
      }
      host = mod.createForkWorkerHost(emit, runRecords);
      return host;
    })());
  return {
    start: async (lib: Library, config: TrainConfig) => (await load()).start(lib, config),
    runJob: async (lib, name, input) => (await load()).runJob(lib, name, input),
    cancel: (runId) => host?.cancel(runId) ?? false,
    cancelJobs: (name) => host?.cancelJobs(name) ?? 0,
    wait: async (runId) => (host ? host.wait(runId) : undefined),
    dispose: async () => (host ? host.dispose() : undefined),
  };
}

export function createWebContext(
  libraryDir: string,
  broadcast: Broadcast,
  makeWorkers: (emit: Emit) => WorkerHost = lazyForkTraining,
): WebContext {
  const emit: Emit = (name, payload) => broadcast(name, payload);
  return createHostContext({ host: 'web', libraryDir, emit, makeWorkers, dialogs: null });
}
