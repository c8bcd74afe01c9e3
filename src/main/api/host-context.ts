// The AppContext every host builds (CLI, web host, Electron): the library opened on first use and switchable,
// training started on first use, and close() that stops training before closing the database. Hosts differ
// only in how events leave (emit), how training runs (makeWorkers) and whether native dialogs exist.
import type { Emit } from '../../shared/contract';
import { openLibrary, type Library, type OpenOptions } from '../library';
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
  /**
   * Whether the host's own library may be created on first use. Default true: the app and `paddy serve` were
   * started to work in that folder. The CLI decides per command (src/main/cli/context.ts).
   */
  createLibrary?: boolean;
}

export function createHostContext(o: HostContextOptions): HostContext {
  let lib: Library | null = null;
  let workers: WorkerHost | null = null;
  return {
    host: o.host,
    library: () => (lib ??= openLibrary(o.libraryDir, { create: o.createLibrary ?? true })),
    switchLibrary(next: string, opts?: OpenOptions) {
      // Open the new one first: a library that fails to open leaves the current one in place.
      const opened = openLibrary(next, opts);
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
