// How the page reaches its host: over the Electron preload when it is there, else over the web host
// (`paddy serve`). main.tsx connects once and hands the result to app/api.ts, the one place the rest of the
// renderer gets its PaddyApi from.
import type { PaddyApi, PaddyBridge } from '../../../shared/contract';
import { createIpcApi } from './ipc-client';
import { forgetToken, takeToken } from './token';
import { NotAuthorizedError, createWebApi } from './web-client';

declare global {
  interface Window {
    paddy?: PaddyBridge;
  }
}

/** A web page opened without a token, or with one the host refuses: the page can do nothing, and says why. */
export class NoAccessError extends Error {}

const NO_ACCESS =
  'This page has no valid access token. Open Paddy with the address that “paddy serve” printed (it ends in ?token=…); a token from an earlier “paddy serve” no longer works.';

/**
 * The PaddyApi of this page's host. On the web host access is checked once before the studio starts, so a
 * wrong token gets the same NoAccessError as a missing one (not a studio whose every request and event socket
 * fail); any other failure is left to the views, which show it where it happens. Usually the page holds no
 * token at all: the host traded the printed URL's token for an HttpOnly session cookie, which the browser sends
 * with every request, socket and image of this tab, a reload or another tab.
 */
export async function connectApi(): Promise<PaddyApi> {
  if (typeof window !== 'undefined' && window.paddy) return createIpcApi(window.paddy);
  const token = takeToken();
  const api = createWebApi(window.location.origin, token);
  try {
    await api['system.info']({});
  } catch (e) {
    if (e instanceof NotAuthorizedError) {
      api.close();
      forgetToken();
      throw new NoAccessError(NO_ACCESS);
    }
  }
  return api;
}

/** Which host the page talks to (the UI hides native-dialog buttons on the web). */
export function hostKind(): 'electron' | 'web' {
  return typeof window !== 'undefined' && window.paddy ? 'electron' : 'web';
}
