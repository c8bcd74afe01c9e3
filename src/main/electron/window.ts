// The one studio window, locked down: isolated sandboxed renderer without Node, the preload as its only bridge,
// no new windows, no navigation away from the app, no webviews; allowlisted links open in the user's browser.
import { BrowserWindow, shell, type WebContents } from 'electron';
import { isAllowedExternal, isAppUrl, type AppLocation } from './policy';

export interface WindowOptions {
  preload: string;
  /** The dev server URL (electron-vite dev) or null to load the built index.html. */
  devUrl: string | null;
  indexHtml: string;
  icon?: string;
}

export const WEB_PREFERENCES_SECURE = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  spellcheck: false,
} as const;

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Paddy',
    backgroundColor: '#14161a',
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: { ...WEB_PREFERENCES_SECURE, preload: opts.preload },
  });
  win.once('ready-to-show', () => win.show());
  lockDown(win.webContents, { devUrl: opts.devUrl, indexHtml: opts.indexHtml });
  if (opts.devUrl) void win.loadURL(opts.devUrl);
  else void win.loadFile(opts.indexHtml);
  return win;
}

function lockDown(contents: WebContents, where: AppLocation): void {
  contents.setWindowOpenHandler(({ url }) => {
    // The app itself never opens windows; an allowlisted link opens in the user's browser, anything else nowhere.
    if (isAllowedExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, where) || url !== contents.getURL()) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, where)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
