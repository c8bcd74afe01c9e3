// The sandboxed preload: exposes `window.paddy` (a PaddyBridge) built mechanically from the contract — one
// invoke per request name, `on` for the events, `imageUrl` for the image protocol, `shell` for Show in folder.
// No raw ipcRenderer reaches the page, and nothing here knows what a request does.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  EVENT_NAMES,
  IMAGE_SCHEME,
  REQUEST_NAMES,
  SHOW_IN_FOLDER_CHANNEL,
  channelOf,
  eventChannelOf,
  imageUrlPath,
  type EventName,
  type PaddyBridge,
  type RequestName,
} from '../shared/contract';

function buildBridge(): PaddyBridge {
  const bridge: Record<string, unknown> = {};
  for (const name of REQUEST_NAMES) {
    const channel = channelOf(name as RequestName);
    bridge[name] = (input: unknown) => ipcRenderer.invoke(channel, input ?? {});
  }
  bridge.on = (name: EventName, listener: (payload: unknown) => void): (() => void) => {
    if (!EVENT_NAMES.includes(name)) throw new Error(`paddy.on: unknown event "${String(name)}"`);
    if (typeof listener !== 'function') throw new Error('paddy.on: listener must be a function');
    const channel = eventChannelOf(name);
    const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  };
  bridge.imageUrl = (kind: 'thumb' | 'full', imageId: number): string => {
    if ((kind !== 'thumb' && kind !== 'full') || !Number.isSafeInteger(imageId) || imageId < 0) {
      throw new Error(`paddy.imageUrl: bad image reference ${String(kind)}/${String(imageId)}`);
    }
    return `${IMAGE_SCHEME}://${imageUrlPath(kind, imageId)}`;
  };
  // The desktop shell's one extra (#11): main checks the input and resolves what to show itself.
  bridge.shell = { showInFolder: (input: unknown) => ipcRenderer.invoke(SHOW_IN_FOLDER_CHANNEL, input ?? {}) };
  return bridge as PaddyBridge;
}

contextBridge.exposeInMainWorld('paddy', buildBridge());
