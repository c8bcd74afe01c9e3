// The renderer's one way to the host: `getApi()` gives the PaddyApi over the Electron preload when it is there,
// else over the web host (`paddy serve`). Features import from here, never from the clients directly.
import type { PaddyApi, PaddyBridge } from '../../../shared/contract';
import { createIpcApi } from './ipc-client';
import { takeToken } from './token';
import { createWebApi } from './web-client';

declare global {
  interface Window {
    paddy?: PaddyBridge;
  }
}

let api: PaddyApi | null = null;

export function getApi(): PaddyApi {
  if (api) return api;
  if (typeof window !== 'undefined' && window.paddy) {
    api = createIpcApi(window.paddy);
  } else {
    const token = takeToken();
    if (!token) {
      throw new Error('No access token: open Paddy with the URL that `paddy serve` printed (it ends in ?token=…).');
    }
    api = createWebApi(window.location.origin, token);
  }
  return api;
}

/** Which host the page talks to (the UI hides native-dialog buttons on the web). */
export function hostKind(): 'electron' | 'web' {
  return typeof window !== 'undefined' && window.paddy ? 'electron' : 'web';
}

/** URL of a library image for <img src>: paddy-img://… in Electron, /api/img/…?token=… on the web. */
export function imageUrl(kind: 'thumb' | 'full', imageId: number): string {
  return getApi().imageUrl(kind, imageId);
}

/** Tests (and a library switch in the future) may replace the API. */
export function setApi(next: PaddyApi | null): void {
  api = next;
}

export { ApiError } from './unwrap';
export { createIpcApi } from './ipc-client';
export { createWebApi, type WebApi, type WebApiOptions, type SocketLike } from './web-client';
