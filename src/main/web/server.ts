// `paddy serve`: the studio in a browser. Serves the built renderer and the same API as the desktop app —
// `POST /api/<request>` → dispatch, events on the socket at WS_PATH, images under /api/img/ — bound to 127.0.0.1
// only, and every /api/ request or socket must carry the token printed with the URL (or the session cookie that
// opening that URL sets) and come from no other site (Host and Origin checked).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { projectRoot } from '../util/project-root';
import {
  REQUEST_NAMES,
  WEB_IMAGE_PREFIX,
  WS_PATH,
  type Emit,
  type EventMessage,
  type RequestName,
  type Result,
} from '../../shared/contract';
import type { WorkerHost } from '../api/context';
import { dispatch, handlers, type AppContext } from '../api/index';
import { defaultLibraryDir } from '../library';
import { serveImageFile } from '../services/image-files';
import { isAuthorized, isLocalHost, isOwnOrigin, newToken, sessionCookie } from './auth';
import { createWebContext } from './context';
import { contentSecurityPolicy } from './csp';
import { parseImageRef, readImage } from './images';
import { serveStatic } from './static';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** How much of a refused body is still read (and dropped) so the client gets to read the 413; beyond, hang up. */
const DRAIN_BYTES = 64 * 1024 * 1024;
const HOST = '127.0.0.1';
const REQUESTS = new Set<string>(REQUEST_NAMES);

export interface WebHostOptions {
  libraryDir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default: a fresh random token. */
  token?: string;
  /** The built renderer; default out/renderer of this checkout. */
  staticDir?: string;
  /** Tests may run training differently; default: the fork host. */
  makeWorkers?: (emit: Emit) => WorkerHost;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  ctx: AppContext;
  close(): Promise<void>;
}

export function defaultStaticDir(): string {
  return path.join(projectRoot(), 'out/renderer');
}

export async function startWebHost(opts: WebHostOptions = {}): Promise<WebHost> {
  const token = opts.token ?? newToken();
  if (token.length < 8 || /\s/.test(token)) throw new Error('the token must be at least 8 characters without spaces');
  const staticDir = opts.staticDir ?? defaultStaticDir();
  const sockets = new Set<WebSocket>();
  const broadcast = (name: EventMessage['name'], payload: unknown): void => {
    const data = JSON.stringify({ name, payload });
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(data);
  };
  const ctx = createWebContext(opts.libraryDir ?? defaultLibraryDir(), broadcast, opts.makeWorkers);
  ctx.library(); // fail fast (unwritable folder, broken database) before printing a URL
  const csp = contentSecurityPolicy();
  const baseHeaders = {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'x-frame-options': 'DENY',
  };
  let port = 0;

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...baseHeaders, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(text);
  };
  const fail = (res: ServerResponse, status: number, error: string): void => json(res, status, { ok: false, error } satisfies Result<never>);

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!isOwnOrigin(req.headers.origin, port)) return fail(res, 403, `requests from origin ${req.headers.origin} are refused`);
    if (!isAuthorized(req, url, token, port)) return fail(res, 401, 'unauthorized: missing or wrong token');
    const p = url.pathname;
    if (p.startsWith(WEB_IMAGE_PREFIX)) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'images are read with GET');
      const parts = p.slice(WEB_IMAGE_PREFIX.length).split('/');
      const ref = parts.length === 2 ? parseImageRef(parts[0], parts[1]) : { status: 404 as const, reason: 'no such image' };
      const reply = await readImage(ref, (kind, id) => serveImageFile(ctx.library(), kind, id));
      res.writeHead(reply.status, { ...baseHeaders, ...reply.headers });
      res.end(req.method === 'HEAD' ? undefined : reply.body);
      return;
    }
    const name = p.slice('/api/'.length);
    if (!REQUESTS.has(name)) return fail(res, 404, `unknown request "${name}"`);
    if (req.method !== 'POST') return fail(res, 405, `${name}: use POST with a JSON body`);
    const type = String(req.headers['content-type'] ?? '');
    // A JSON content type cannot be sent cross-site without a preflight, which this host never grants.
    if (!/^application\/json\b/i.test(type)) return fail(res, 415, `${name}: the body must be application/json`);
    let input: unknown;
    try {
      const body = await readBody(req, MAX_BODY_BYTES);
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch (e) {
      return fail(res, (e as { status?: number }).status ?? 400, `${name}: ${(e as Error).message}`);
    }
    json(res, 200, await dispatch(handlers, ctx, name as RequestName, input));
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (!isLocalHost(req.headers.host, port)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('wrong host');
      return;
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      handleApi(req, res, url).catch((e: unknown) => {
        if (!res.headersSent) fail(res, 500, (e as Error).message);
        else res.destroy();
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, baseHeaders).end();
      return;
    }
    // The printed URL carries the token once: trade it for the session cookie and take it out of the address bar
    // (history, bookmarks, screenshots). A wrong token is not traded: the page then says it needs its token.
    // Only the app's own routes (paths without an extension) do this; files are served as they are.
    if (!path.extname(url.pathname) && url.searchParams.has('token') && isAuthorized(req, url, token)) {
      url.searchParams.delete('token');
      res
        .writeHead(303, { ...baseHeaders, 'set-cookie': sessionCookie(port, token), location: url.pathname + url.search, 'cache-control': 'no-store' })
        .end();
      return;
    }
    serveStatic(staticDir, url.pathname, res, baseHeaders);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (url.pathname !== WS_PATH || !isLocalHost(req.headers.host, port)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!isOwnOrigin(req.headers.origin, port)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!isAuthorized(req, url, token, port)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
      // The socket only pushes events; anything the page sends is ignored.
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;

  let closed = false;
  return {
    url: `http://${HOST}:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    ctx,
    async close() {
      if (closed) return;
      closed = true;
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await ctx.close();
    },
  };
}

const tooLarge = (limit: number): Error =>
  Object.assign(new Error(`request body over ${limit / 1024 / 1024} MiB`), { status: 413 });

/**
 * Reads the rest of a refused body and drops it. Destroying the request instead would reset the connection
 * while the client is still sending, and it would never see the 413; past `budget` it is hung up on anyway.
 */
function discard(req: IncomingMessage, budget: number): void {
  let seen = 0;
  req.on('data', (c: Buffer) => {
    seen += c.length;
    if (seen > budget) req.destroy();
  });
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  // A declared size over the limit is refused before reading anything.
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    discard(req, DRAIN_BYTES);
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size <= limit) {
        chunks.push(c);
        return;
      }
      req.off('data', onData);
      chunks.length = 0;
      discard(req, DRAIN_BYTES);
      reject(tooLarge(limit));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
