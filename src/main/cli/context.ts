// Builds the AppContext the CLI's commands run against: the library from --library / $PADDY_LIBRARY, events
// routed to listeners (progress bars), and training in a worker so a crash there cannot take the CLI down.
import type { EventMap, EventName } from '../../shared/contract';
import type { WorkerHost } from '../workers/worker-host';
import { createHostContext, type HostContext } from '../api/host-context';
import path from 'node:path';
import { appLibraryDir, defaultLibraryDir } from '../library';

export type Listener = <K extends EventName>(name: K, payload: EventMap[K]) => void;

export interface CliContext extends HostContext {
  listen(fn: Listener): () => void;
}

/**
 * `create`: the command writes into the library (import, demo), so naming a new folder means "make it". Other
 * commands only open an existing library, except the app's own, which is made on first use as the app does.
 */
export function createCliContext(libraryDir: string | undefined, makeWorkers: () => WorkerHost, opts: { create?: boolean } = {}): CliContext {
  const listeners = new Set<Listener>();
  const dir = path.resolve(libraryDir ?? defaultLibraryDir());
  const base = createHostContext({
    host: 'cli',
    libraryDir: dir,
    createLibrary: Boolean(opts.create) || dir === appLibraryDir(),
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
