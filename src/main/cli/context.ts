// Builds the AppContext the CLI's commands run against: the library from --library / $PADDY_LIBRARY, events
// routed to listeners (progress bars), and training in a worker so a crash there cannot take the CLI down.
import type { EventMap, EventName } from '../../shared/contract';
import type { WorkerHost } from '../workers/worker-host';
import { createHostContext, type HostContext } from '../api/host-context';
import { defaultLibraryDir } from '../library';

export type Listener = <K extends EventName>(name: K, payload: EventMap[K]) => void;

export interface CliContext extends HostContext {
  listen(fn: Listener): () => void;
}

export function createCliContext(libraryDir: string | undefined, makeWorkers: () => WorkerHost): CliContext {
  const listeners = new Set<Listener>();
  const base = createHostContext({
    host: 'cli',
    libraryDir: libraryDir ?? defaultLibraryDir(),
    emit: (name, payload) => {
      for (const l of listeners) l(name, payload);
    },
    makeWorkers: () => makeWorkers(),
    dialogs: null,
  });
  return Object.assign(base, {
    listen(fn: Listener) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  });
}
