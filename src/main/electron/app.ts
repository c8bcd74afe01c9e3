// Wires the desktop app: name and single-instance lock, the image scheme (privileged before ready), the CSP
// header, IPC for every request, the window. Everything it wires lives elsewhere; this only connects.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import { IMAGE_SCHEME } from '../../shared/contract';
import { handlers } from '../api/index';
import { serveImageFile } from '../services/image-files';
import { createElectronContext, type ElectronContext } from './context';
import { createImageProtocolHandler } from './image-protocol';
import { registerIpc } from './ipc';
import { createUtilityWorkerHost } from './worker-host';
import { headerCsp, isAppUrl } from './policy';
import { createMainWindow } from './window';
import { useElectronSqliteBinding } from './native';
import { exportDestination, registerShellIpc } from './shell';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface AppPaths {
  preload: string;
  indexHtml: string;
  trainWorker: string;
  icon: string;
}

/** Where the built pieces sit relative to out/main/index.js. */
export function builtPaths(mainDir: string = here): AppPaths {
  return {
    preload: path.join(mainDir, '../preload/index.cjs'),
    indexHtml: path.join(mainDir, '../renderer/index.html'),
    trainWorker: path.join(mainDir, 'train.worker.js'),
    icon: path.join(mainDir, '../../resources/icon.png'),
  };
}

export function startElectronApp(paths: AppPaths = builtPaths()): void {
  app.setName('Paddy');
  useElectronSqliteBinding(app.getAppPath());
  if (!app.requestSingleInstanceLock()) {
    // A second instance would open the same library; hand over to the first one instead.
    app.quit();
    return;
  }
  // Must happen before `ready`: makes paddy-img:// a standard, secure, fetchable scheme (CSP and <img> accept it).
  protocol.registerSchemesAsPrivileged([
    { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);

  const devUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
  let win: BrowserWindow | null = null;
  let ctx: ElectronContext | null = null;

  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const url = event.senderFrame?.url;
    return typeof url === 'string' && isAppUrl(url, { devUrl, indexHtml: paths.indexHtml });
  };

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.whenReady().then(() => {
    const libraryDir = process.env.PADDY_LIBRARY
      ? path.resolve(process.env.PADDY_LIBRARY)
      : path.join(app.getPath('userData'), 'library');
    ctx = createElectronContext(libraryDir, (emit) => createUtilityWorkerHost(paths.trainWorker, emit), () => win);
    const context = ctx;

    // The header CSP adds frame-ancestors, which a meta tag cannot carry. Electron may not run header hooks for
    // file: loads, so the built page's meta tag carries the rest of the policy either way.
    const csp = headerCsp(devUrl);
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
    // The studio needs no camera, notifications, geolocation…: refuse every permission request, and answer
    // every permission check (which pages use to ask without prompting) with no as well.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);

    protocol.handle(
      IMAGE_SCHEME,
      createImageProtocolHandler((kind, id) => serveImageFile(context.library(), kind, id)),
    );
    // Show in folder (#11): an image's source, or what the last export in this app wrote.
    const exported = new Map<string, string>();
    registerIpc(ipcMain, handlers, context, trusted, (name, result) => {
      const wrote = result.ok ? exportDestination(name, result.value) : null;
      if (wrote) exported.set(wrote.kind, wrote.path);
    });
    const reveal = (p: string): void => shell.showItemInFolder(p);
    registerShellIpc(ipcMain, { library: () => context.library(), lastExport: (kind) => exported.get(kind) ?? null, reveal }, trusted);

    win = createMainWindow({ preload: paths.preload, devUrl, indexHtml: paths.indexHtml, icon: paths.icon });
    win.on('closed', () => (win = null));

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) {
        win = createMainWindow({ preload: paths.preload, devUrl, indexHtml: paths.indexHtml, icon: paths.icon });
        win.on('closed', () => (win = null));
      }
    });
  }).catch((e: unknown) => {
    console.error('Paddy failed to start:', e);
    app.exit(1);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !ctx) return;
    // Let running training shut down and the database close before the process ends.
    event.preventDefault();
    closing = true;
    ctx.close().finally(() => app.quit());
  });
}
