// The AppContext every host builds (CLI, web host, Electron): the library opened on first use and switchable,
// training started on first use, and close() that stops training before closing the database. Hosts differ
// only in how events leave (emit), how training runs (makeWorkers) and whether native dialogs exist.
import type { Emit } from '../../shared/contract';
import { openLibrary, type Library } from '../library';
import type { WorkerHost } from '../workers/worker-host';
import type { AppContext, Dialogs } from './context';

export interface HostContext extends AppContext {
  close(): Promise<void>;
}

export interface HostContextOptions {
  host: AppContext['host'];
  libraryDir: string;
  emit: Emit;
  makeWorkers: (emit: Emit) => WorkerHost;
  dialogs: Dialogs | null;
}

export function createHostContext(o: HostContextOptions): HostContext {
  let lib: Library | null = null;
  let workers: WorkerHost | null = null;
  return {
    host: o.host,
    library: () => (lib ??= openLibrary(o.libraryDir)),
    switchLibrary(next: string) {
      // Open the new one first: a library that fails to open leaves the current one in place.
      const opened = openLibrary(next);
      lib?.close();
      lib = opened;
      o.emit('library.changed', { reason: 'opened' });
      return lib;
    },
    emit: o.emit,
    get workers() {
      return (workers ??= o.makeWorkers(o.emit));
    },
    dialogs: o.dialogs,
    async close() {
      if (workers) await workers.dispose();
      lib?.close();
      lib = null;
    },
  };
}
