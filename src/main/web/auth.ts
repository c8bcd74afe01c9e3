// The web host's access checks: a random token that must accompany every /api/ request and socket, either as
// `Authorization: Bearer <token>` or (for <img> URLs and the socket, which cannot set headers) `?token=`; the
// Host header (DNS rebinding) and the Origin header (other sites' pages) must name this host.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

function same(a: string, b: string): boolean {
  // Compare digests so the comparison takes the same time whatever the lengths.
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

export function presentedToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  return url.searchParams.get('token');
}

export function isAuthorized(req: IncomingMessage, url: URL, token: string): boolean {
  const got = presentedToken(req, url);
  return got !== null && same(got, token);
}

/** Browsers send Host; refusing foreign names stops DNS-rebinding pages from reaching the API. */
export function isLocalHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return true;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(hostHeader.toLowerCase());
}

/**
 * Browsers send Origin on every POST and WebSocket handshake, so a foreign page's request names its own site:
 * refuse it even though it could not know the token. No Origin (curl, the CLI, same-origin GETs) is fine.
 */
export function isOwnOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
