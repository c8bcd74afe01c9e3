// The AppContext of the desktop app: the library (under userData by default, switchable with library.open),
// events pushed to every window on eventChannelOf(name), native dialogs, and training in utility processes.
import { BrowserWindow } from 'electron';
import { eventChannelOf, type Emit } from '../../shared/contract';
import type { AppContext, TrainingHost } from '../api/context';
import { openLibrary, type Library } from '../library';
import { electronDialogs } from './dialogs';

export interface ElectronContext extends AppContext {
  close(): Promise<void>;
}

export function createElectronContext(
  libraryDir: string,
  makeTraining: (emit: Emit) => TrainingHost,
  mainWindow: () => BrowserWindow | null,
): ElectronContext {
  let lib: Library | null = null;
  let training: TrainingHost | null = null;
  const emit: Emit = (name, payload) => {
    const channel = eventChannelOf(name);
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(channel, payload);
    }
  };
  return {
    host: 'electron',
    library: () => (lib ??= openLibrary(libraryDir)),
    switchLibrary(next: string) {
      const opened = openLibrary(next);
      lib?.close();
      lib = opened;
      emit('library.changed', { reason: 'opened' });
      return lib;
    },
    emit,
    get training() {
      return (training ??= makeTraining(emit));
    },
    dialogs: electronDialogs(mainWindow),
    async close() {
      if (training) await training.dispose();
      lib?.close();
      lib = null;
    },
  };
}
