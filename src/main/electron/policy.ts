// What the desktop shell trusts, in one place and free of Electron so tests can check it directly: which URLs
// are the app itself, which links may leave it for the user's browser, and the CSP header its pages get.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentSecurityPolicy } from '../web/csp';

/**
 * Origins whose https links open in the user's browser. The renderer links nowhere today, so nothing opens;
 * a new link to, say, documentation adds exactly its origin here (and a test).
 */
export const EXTERNAL_ORIGINS: readonly string[] = [];

/** Where the app's own page lives: the dev server (electron-vite dev) or the built index.html. */
export interface AppLocation {
  devUrl: string | null;
  indexHtml: string;
}

/** True only for the app's own page: its index.html (any #route), or the dev server's origin in development. */
export function isAppUrl(url: string, where: AppLocation): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (where.devUrl) return u.origin === new URL(where.devUrl).origin;
  // Any other file: URL (a dropped photo, a downloaded page) must never get the preload's API.
  if (u.protocol !== 'file:' || u.host !== '') return false;
  try {
    return path.resolve(fileURLToPath(u)) === path.resolve(where.indexHtml);
  } catch {
    return false;
  }
}

/** True if `url` may be handed to the OS browser: https, no credentials, origin on the allowlist. */
export function isAllowedExternal(url: string, allow: readonly string[] = EXTERNAL_ORIGINS): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password && allow.includes(u.origin);
  } catch {
    return false;
  }
}

/**
 * The Content-Security-Policy response header. The built app gets the full policy (frame-ancestors only works
 * in a header). The dev server's page needs Vite's inline preamble and HMR socket and carries a relaxed meta
 * CSP, so its header only forbids framing; a frame-ancestors-only policy restricts nothing else.
 */
export function headerCsp(devUrl: string | null): string {
  return devUrl ? "frame-ancestors 'none'" : contentSecurityPolicy();
}
