// The web host's access checks: a random token that must accompany every /api/ request and socket, either as
// `Authorization: Bearer <token>`, as `?token=`, or as the session cookie the host sets when the page is first
// opened with the token (so a reload or a second tab keeps working without the token in the address bar); the
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

/**
 * The cookie's value: derived from the token rather than the token itself, so what the browser stores cannot be
 * pasted as `?token=` or a bearer header, and it changes whenever the token does.
 */
export function sessionIdOf(token: string): string {
  return crypto.createHmac('sha256', token).update('paddy web session').digest('base64url');
}

/** Cookies are shared by every port of a host, so each `paddy serve` names its own and two never overwrite each other. */
export function sessionCookieName(port: number): string {
  return `paddy_session_${port}`;
}

export function sessionCookie(port: number, token: string): string {
  // HttpOnly: page scripts never see it; SameSite=Strict: other sites' requests never carry it.
  return `${sessionCookieName(port)}=${sessionIdOf(token)}; HttpOnly; SameSite=Strict; Path=/`;
}

export function presentedSession(req: IncomingMessage, port: number): string | null {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return null;
  const name = sessionCookieName(port);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * A token presented explicitly (header or query) decides on its own, so a wrong one is refused even when the
 * browser also holds a valid cookie; without one, the session cookie is checked.
 */
export function isAuthorized(req: IncomingMessage, url: URL, token: string, port?: number): boolean {
  const got = presentedToken(req, url);
  if (got !== null) return same(got, token);
  if (port === undefined) return false;
  const session = presentedSession(req, port);
  return session !== null && same(session, sessionIdOf(token));
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
