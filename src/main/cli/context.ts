// Builds the AppContext the CLI's commands run against: the library from --library / $PADDY_LIBRARY, events
// routed to listeners (progress bars), and training in a worker so a crash there cannot take the CLI down.
import type { EventMap, EventName } from '../../shared/contract';
import type { AppContext, TrainingHost } from '../api/context';
import { defaultLibraryDir, openLibrary, type Library } from '../library';

export type Listener = <K extends EventName>(name: K, payload: EventMap[K]) => void;

export interface CliContext extends AppContext {
  listen(fn: Listener): () => void;
  close(): Promise<void>;
}

export function createCliContext(libraryDir: string | undefined, makeTraining: () => TrainingHost): CliContext {
  let lib: Library | null = null;
  let training: TrainingHost | null = null;
  const listeners = new Set<Listener>();
  const dir = libraryDir ?? defaultLibraryDir();
  const ctx: CliContext = {
    host: 'cli',
    library: () => (lib ??= openLibrary(dir)),
    switchLibrary(next: string) {
      lib?.close();
      lib = openLibrary(next);
      return lib;
    },
    emit: (name, payload) => {
      for (const l of listeners) l(name, payload);
    },
    get training() {
      return (training ??= makeTraining());
    },
    dialogs: null,
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async close() {
      if (training) await training.dispose();
      lib?.close();
      lib = null;
    },
  };
  return ctx;
}
