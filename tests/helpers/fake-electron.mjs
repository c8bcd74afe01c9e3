// A stand-in for the `electron` module, so the built main and preload bundles run under plain Node in tests.
// It does nothing Electron would do; it records what the app asked for in globalThis.__fakeElectron.
const state = (globalThis.__fakeElectron ??= {
  log: [],
  userData: null,
  appEvents: new Map(),
  ipcHandlers: new Map(),
  privilegedSchemes: [],
  protocolHandlers: new Map(),
  headerHooks: [],
  permissionHandler: null,
  permissionCheckHandler: null,
  openedExternal: [],
  shownInFolder: [],
  windows: [],
  forks: [],
  dialogReply: { canceled: false, filePaths: [] },
  dialogCalls: [],
  exposed: new Map(),
  rendererInvokes: [],
  rendererListeners: new Map(),
  quitCalls: 0,
  readyResolve: null,
});

function on(map, event, fn) {
  if (!map.has(event)) map.set(event, []);
  map.get(event).push(fn);
}

export const app = {
  isPackaged: false,
  name: 'Electron',
  setName(n) {
    state.log.push(['app.setName', n]);
    this.name = n;
  },
  getName() {
    return this.name;
  },
  getAppPath() {
    // Like Electron in development: the folder holding package.json.
    return state.appPath ?? process.cwd();
  },
  getPath(which) {
    if (which !== 'userData') throw new Error(`fake electron: getPath(${which}) not supported`);
    return state.userData;
  },
  requestSingleInstanceLock: () => true,
  on(event, fn) {
    on(state.appEvents, event, fn);
    return app;
  },
  whenReady() {
    state.log.push(['app.whenReady']);
    return new Promise((resolve) => {
      // Tests decide when `ready` happens, so they can check what was done before it.
      state.readyResolve = () => {
        state.log.push(['ready']);
        resolve();
      };
    });
  },
  quit() {
    state.quitCalls++;
  },
  exit(code) {
    state.log.push(['app.exit', code]);
  },
  emit(event, ...args) {
    for (const fn of state.appEvents.get(event) ?? []) fn(...args);
  },
};

class FakeWebContents {
  constructor() {
    this.events = new Map();
    this.sent = [];
    this.windowOpenHandler = null;
    this.url = '';
  }
  setWindowOpenHandler(fn) {
    this.windowOpenHandler = fn;
  }
  on(event, fn) {
    on(this.events, event, fn);
  }
  send(channel, payload) {
    this.sent.push([channel, payload]);
  }
  getURL() {
    return this.url;
  }
  /** Test helper: fire an event, returning whether preventDefault was called. */
  fire(event, ...args) {
    let prevented = false;
    const e = { preventDefault: () => (prevented = true) };
    for (const fn of this.events.get(event) ?? []) fn(e, ...args);
    return prevented;
  }
}

export class BrowserWindow {
  constructor(options) {
    this.options = options;
    this.webContents = new FakeWebContents();
    this.loaded = null;
    this.events = new Map();
    state.windows.push(this);
  }
  static getAllWindows() {
    return state.windows.filter((w) => !w.destroyed);
  }
  once(event, fn) {
    on(this.events, event, fn);
  }
  on(event, fn) {
    on(this.events, event, fn);
  }
  loadURL(url) {
    this.loaded = url;
    this.webContents.url = url;
    return Promise.resolve();
  }
  loadFile(file) {
    this.loaded = file;
    this.webContents.url = `file://${file}`;
    return Promise.resolve();
  }
  isDestroyed() {
    return Boolean(this.destroyed);
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
  show() {}
}

export const ipcMain = {
  handle(channel, fn) {
    if (state.ipcHandlers.has(channel)) throw new Error(`fake electron: second handler for ${channel}`);
    state.ipcHandlers.set(channel, fn);
  },
  removeHandler(channel) {
    state.ipcHandlers.delete(channel);
  },
  on(channel) {
    throw new Error(`fake electron: ipcMain.on(${channel}) — the app must only use ipcMain.handle`);
  },
};

export const protocol = {
  registerSchemesAsPrivileged(list) {
    state.log.push(['protocol.registerSchemesAsPrivileged']);
    state.privilegedSchemes.push(...list);
  },
  handle(scheme, fn) {
    state.protocolHandlers.set(scheme, fn);
  },
};

export const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived(fn) {
        state.headerHooks.push(fn);
      },
    },
    setPermissionRequestHandler(fn) {
      state.permissionHandler = fn;
    },
    setPermissionCheckHandler(fn) {
      state.permissionCheckHandler = fn;
    },
  },
};

export const shell = {
  async openExternal(url) {
    state.openedExternal.push(url);
  },
  showItemInFolder(fullPath) {
    state.shownInFolder.push(fullPath);
  },
};

export const dialog = {
  async showOpenDialog(...args) {
    state.dialogCalls.push(args);
    return state.dialogReply;
  },
};

/** A utility process that runs nothing: the test plays the worker (spawn, messages, exit). */
class FakeUtilityProcess {
  constructor(modulePath, args, options) {
    Object.assign(this, { modulePath, args, options });
    this.events = new Map();
    this.posted = [];
    this.killed = false;
    this.stderr = null;
  }
  on(event, fn) {
    on(this.events, event, fn);
    return this;
  }
  once(event, fn) {
    return this.on(event, fn);
  }
  postMessage(m) {
    this.posted.push(m);
  }
  kill() {
    this.killed = true;
    return true;
  }
  fire(event, ...args) {
    for (const fn of this.events.get(event) ?? []) fn(...args);
  }
}

export const utilityProcess = {
  fork(modulePath, args, options) {
    const child = new FakeUtilityProcess(modulePath, args, options);
    state.forks.push(child);
    return child;
  },
};

export const contextBridge = {
  exposeInMainWorld(key, api) {
    state.exposed.set(key, api);
  },
};

export const ipcRenderer = {
  invoke(channel, input) {
    state.rendererInvokes.push([channel, input]);
    return Promise.resolve({ ok: true, value: { channel, input } });
  },
  on(channel, fn) {
    on(state.rendererListeners, channel, fn);
  },
  removeListener(channel, fn) {
    const list = state.rendererListeners.get(channel) ?? [];
    state.rendererListeners.set(channel, list.filter((f) => f !== fn));
  },
};

export const fakeState = state;
export default { app, BrowserWindow, ipcMain, protocol, session, shell, dialog, utilityProcess, contextBridge, ipcRenderer };
