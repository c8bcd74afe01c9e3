// The web host (`paddy serve`) on a real temp library: token on every /api/ request and socket, 127.0.0.1 only,
// the same dispatch as the app, images through the library only, events over the socket — and the renderer's
// web client speaking to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { WS_PATH, type EventMessage } from '../../../src/shared/contract';
import { openLibrary } from '../../../src/main/library';
import { startWebHost, type WebHost } from '../../../src/main/web/server';
import { createWebApi, type SocketLike } from '../../../src/renderer/src/api/web-client';
import { importSmallRice } from '../../helpers/small-import';
import { tempDir } from '../../helpers/tmp';

const TOKEN = 'test-token-0123456789';
let host: WebHost;
let base: string;
let libDir: string;
let imageId: number;
let classes: Array<{ id: number; name: string }>;

function raw(method: string, p: string, opts: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, method, path: p, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
const post = (name: string, input: unknown, token: string | null = TOKEN) =>
  raw('POST', `/api/${name}`, {
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
const jsonOf = (r: { body: Buffer }) => JSON.parse(r.body.toString('utf8'));

function openSocket(query: string): Promise<{ ws: WebSocket; status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${WS_PATH}${query}`);
    ws.on('open', () => resolve({ ws, status: 101 }));
    ws.on('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode ?? 0 }));
    ws.on('error', () => {});
  });
}

before(async () => {
  libDir = path.join(tempDir('paddy-web-'), 'lib');
  const lib = openLibrary(libDir, { create: true });
  await importSmallRice(lib);
  imageId = (lib.db.prepare('SELECT id FROM images ORDER BY id LIMIT 1').get() as { id: number }).id;
  lib.close();
  const staticDir = tempDir('paddy-static-');
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Paddy</title>');
  fs.mkdirSync(path.join(staticDir, 'assets'));
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  host = await startWebHost({ libraryDir: libDir, port: 0, token: TOKEN, staticDir });
  base = `http://127.0.0.1:${host.port}`;
});
after(async () => {
  await host?.close();
});

test('prints a 127.0.0.1 URL carrying the token, and a fresh random token when none is given', async () => {
  assert.equal(host.url, `http://127.0.0.1:${host.port}/?token=${TOKEN}`);
  const other = await startWebHost({ libraryDir: path.join(tempDir(), 'lib'), staticDir: tempDir() });
  try {
    assert.match(other.token, /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(other.token, TOKEN);
    assert.notEqual(other.port, host.port);
  } finally {
    await other.close();
  }
});

test('binds to 127.0.0.1 only', async () => {
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  if (external) {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const s = http.get({ host: external.address, port: host.port, path: '/' }, () => resolve(null));
      s.on('error', (e) => resolve(e));
    });
    assert.equal(err?.code, 'ECONNREFUSED', `reachable on ${external.address}`);
  }
  const r = await raw('GET', '/');
  assert.equal(r.status, 200);
});

test('every /api/ request without the right token is 401, with it 200', async () => {
  assert.equal((await post('library.info', {}, null)).status, 401);
  assert.equal((await post('library.info', {}, 'wrong-token-0123456789')).status, 401);
  assert.equal((await raw('GET', `/api/img/thumb/${imageId}`)).status, 401);
  assert.equal((await raw('GET', `/api/img/thumb/${imageId}?token=nope`)).status, 401);
  assert.equal((await raw('GET', '/api/no.such')).status, 401);
  const ok = await post('library.info', {});
  assert.equal(ok.status, 200);
  assert.deepEqual(Object.keys(jsonOf(ok)), ['ok', 'value']);
});

test('the event socket needs the token: 401 without or wrong, open with it', async () => {
  assert.equal((await openSocket('')).status, 401);
  assert.equal((await openSocket('?token=wrong-token-0123')).status, 401);
  const good = await openSocket(`?token=${TOKEN}`);
  assert.equal(good.status, 101);
  good.ws.close();
  assert.equal((await openSocket(`/../x?token=${TOKEN}`)).status, 404);
});

test('library.info round trip on the real library, and input validation naming the field', async () => {
  const info = jsonOf(await post('library.info', {}));
  assert.equal(info.ok, true);
  assert.equal(info.value.path, libDir);
  assert.equal(info.value.imageCount, 4);
  classes = info.value.classes;
  const bad = jsonOf(await post('images.query', { filter: {}, sort: 'name', desc: false, offset: -1, limit: 10 }));
  assert.equal(bad.ok, false);
  assert.match(bad.error, /images\.query: offset/);
  const extra = jsonOf(await post('library.info', { evil: 1 }));
  assert.equal(extra.ok, false);
  const unknown = await post('no.such.request', {});
  assert.equal(unknown.status, 404);
  assert.match(jsonOf(unknown).error, /unknown request/);
  const notJson = await raw('POST', '/api/library.info', { headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{oops' });
  assert.equal(notJson.status, 400);
  assert.match(jsonOf(notJson).error, /library\.info/);
  const form = await raw('POST', '/api/library.info', { headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body: '{}' });
  assert.equal(form.status, 415);
  const dialog = jsonOf(await post('dialog.pickFolder', {}));
  assert.equal(dialog.ok, false);
  assert.match(dialog.error, /only available in the desktop app/);
});

test('bodies over the size limit are refused with a 413 the client reads, not a connection reset', async () => {
  const big = Buffer.alloc(9 * 1024 * 1024, 0x20);
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  // With a Content-Length (refused up front) and chunked (refused once the limit is crossed).
  const r = await raw('POST', '/api/library.info', { headers, body: big });
  assert.equal(r.status, 413);
  assert.match(jsonOf(r).error, /library\.info: request body over 8 MiB/);
  const chunked = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, method: 'POST', path: '/api/library.info', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    for (let i = 0; i < 9; i++) req.write(big.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
    req.end();
  });
  assert.equal(chunked.status, 413);
  assert.equal(jsonOf(chunked).ok, false);
  // The host is still serving, on a fresh connection and a kept-alive one alike.
  assert.equal((await post('library.info', {})).status, 200);
});

test('POSTs and sockets from a foreign Origin are 403; the host\'s own origins are served', async () => {
  const withOrigin = (origin: string) =>
    raw('POST', '/api/library.info', { headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', origin }, body: '{}' });
  for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${host.port + 1}`, `https://127.0.0.1:${host.port}`, `http://127.0.0.1.evil.example:${host.port}`]) {
    const r = await withOrigin(origin);
    assert.equal(r.status, 403, origin);
    assert.match(jsonOf(r).error, /origin/i);
  }
  for (const origin of [`http://127.0.0.1:${host.port}`, `http://localhost:${host.port}`]) assert.equal((await withOrigin(origin)).status, 200, origin);
  const socket = (origin: string) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}${WS_PATH}?token=${TOKEN}`, { origin });
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
  assert.equal(await socket('http://evil.example'), 403);
  assert.equal(await socket(`http://localhost:${host.port}`), 101);
});

test('images: a real thumbnail with the token; unknown ids and traversal refused', async () => {
  const thumb = await raw('GET', `/api/img/thumb/${imageId}?token=${TOKEN}`);
  assert.equal(thumb.status, 200);
  // A 250×250 rice JPEG is its own thumbnail: a copy of its bytes inside the library (services/import/decode.ts).
  assert.equal(thumb.headers['content-type'], 'image/jpeg');
  assert.equal(thumb.body.readUInt16BE(0), 0xffd8);
  const full = await raw('GET', `/api/img/full/${imageId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(full.status, 200);
  assert.equal(full.headers['content-type'], 'image/jpeg');
  for (const p of [
    '/api/img/thumb/999999',
    '/api/img/thumb/..%2F..%2Fpaddy.db',
    '/api/img/thumb/../../paddy.db',
    '/api/img/../../paddy.db',
    '/api/img/thumb/1/2',
    '/api/img/db/1',
    '/api/img/full/-1',
    '/api/img/full/%2Fetc%2Fpasswd',
  ]) {
    const r = await raw('GET', `${p}${p.includes('?') ? '&' : '?'}token=${TOKEN}`);
    assert.ok(r.status >= 400 && r.status < 500, `${p} → ${r.status}`);
    assert.ok(!r.body.includes(Buffer.from('SQLite format')), p);
  }
});

test('static files: the app with the CSP header; nothing outside the built folder', async () => {
  const index = await raw('GET', '/');
  assert.equal(index.status, 200);
  assert.match(String(index.headers['content-security-policy']), /script-src 'self'/);
  // frame-ancestors only works as a header (a meta CSP ignores it): no page may frame the studio.
  assert.match(String(index.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.match(String((await post('library.info', {})).headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.match(index.body.toString(), /<title>Paddy/);
  assert.equal((await raw('GET', '/assets/app.js')).headers['content-type'], 'text/javascript; charset=utf-8');
  assert.match((await raw('GET', '/browse')).body.toString(), /<title>Paddy/, 'app routes answer with the app');
  for (const p of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd']) {
    const r = await raw('GET', p);
    assert.ok(!r.body.toString().includes('root:'), p);
  }
  assert.equal((await raw('GET', '/', { headers: { host: 'evil.example' } })).status, 421, 'foreign Host (DNS rebinding) refused');
});

test('the web client: requests, errors, events over the socket and image URLs', async () => {
  const api = createWebApi(base, TOKEN, { socket: (url) => new WebSocket(url) as unknown as SocketLike, reconnectMinMs: 20 });
  try {
    const info = await api['library.info']({});
    assert.equal(info.path, libDir);
    await assert.rejects(api['images.detail']({ imageId: -1 } as never), { name: 'ApiError', message: /imageId/ });
    const events: unknown[] = [];
    api.on('library.changed', (p) => events.push(p));
    for (let i = 0; i < 200 && !api.connected(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(api.connected(), 'the event socket opened');
    const target = classes.find((c) => c.name === 'Basmati')!;
    await api['labels.set']({ imageIds: [imageId], classId: target.id });
    for (let i = 0; i < 200 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(events[0], { reason: 'labels' });
    assert.equal(api.imageUrl('thumb', imageId), `${base}/api/img/thumb/${imageId}?token=${TOKEN}`);
    const img = await fetch(api.imageUrl('thumb', imageId));
    assert.equal(img.status, 200);
    const denied = createWebApi(base, 'wrong-token-0123456789');
    await assert.rejects(denied['library.info']({}), /not authorized/);
  } finally {
    api.close();
  }
});

test('the socket delivers EventMessage JSON to raw clients too', async () => {
  const { ws } = await openSocket(`?token=${TOKEN}`);
  const got = new Promise<EventMessage>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
  host.ctx.emit('import.progress', { importId: 7, done: 1, total: 2 });
  assert.deepEqual(await got, { name: 'import.progress', payload: { importId: 7, done: 1, total: 2 } });
  ws.close();
});

test('the web client reconnects its event socket when the host comes back', async () => {
  const dir = path.join(tempDir('paddy-web-re-'), 'lib');
  let h = await startWebHost({ libraryDir: dir, token: TOKEN, staticDir: tempDir() });
  const port = h.port;
  const api = createWebApi(`http://127.0.0.1:${port}`, TOKEN, {
    socket: (url) => new WebSocket(url) as unknown as SocketLike,
    reconnectMinMs: 20,
    reconnectMaxMs: 100,
  });
  const waitFor = async (cond: () => boolean, what: string) => {
    for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cond(), what);
  };
  try {
    const got: unknown[] = [];
    api.on('library.changed', (p) => got.push(p));
    await waitFor(() => api.connected(), 'connected');
    await h.close();
    await waitFor(() => !api.connected(), 'noticed the host went away');
    h = await startWebHost({ libraryDir: dir, token: TOKEN, staticDir: tempDir(), port });
    await waitFor(() => api.connected(), 'reconnected');
    h.ctx.emit('library.changed', { reason: 'after-restart' });
    await waitFor(() => got.length > 0, 'event after reconnect');
    assert.deepEqual(got, [{ reason: 'after-restart' }]);
  } finally {
    api.close();
    await h.close();
  }
});
