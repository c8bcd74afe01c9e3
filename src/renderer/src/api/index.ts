// How the page reaches its host: over the Electron preload when it is there, else over the web host
// (`paddy serve`). main.tsx connects once and hands the result to app/api.ts, the one place the rest of the
// renderer gets its PaddyApi from.
import type { PaddyApi, PaddyBridge } from '../../../shared/contract';
import { createIpcApi } from './ipc-client';
import { takeToken } from './token';
import { createWebApi } from './web-client';

declare global {
  interface Window {
    paddy?: PaddyBridge;
  }
}

/** The PaddyApi of this page's host; throws a readable error when a web page was opened without its token. */
export function connectApi(): PaddyApi {
  if (typeof window !== 'undefined' && window.paddy) return createIpcApi(window.paddy);
  const token = takeToken();
  if (!token) {
    throw new Error('No access token: open Paddy with the URL that `paddy serve` printed (it ends in ?token=…).');
  }
  return createWebApi(window.location.origin, token);
}

/** Which host the page talks to (the UI hides native-dialog buttons on the web). */
export function hostKind(): 'electron' | 'web' {
  return typeof window !== 'undefined' && window.paddy ? 'electron' : 'web';
}
