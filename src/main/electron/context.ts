// The AppContext of the desktop app: the library (under userData by default, switchable with library.open),
// events pushed to every window on eventChannelOf(name), native dialogs, and training in utility processes.
import { BrowserWindow } from 'electron';
import { eventChannelOf, type Emit } from '../../shared/contract';
import type { WorkerHost } from '../workers/worker-host';
import { createHostContext, type HostContext } from '../api/host-context';
import { electronDialogs } from './dialogs';

export type ElectronContext = HostContext;

export function createElectronContext(
  libraryDir: string,
  makeWorkers: (emit: Emit) => WorkerHost,
  mainWindow: () => BrowserWindow | null,
): ElectronContext {
  const emit: Emit = (name, payload) => {
    const channel = eventChannelOf(name);
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(channel, payload);
    }
  };
  return createHostContext({ host: 'electron', libraryDir, emit, makeWorkers, dialogs: electronDialogs(mainWindow) });
}
