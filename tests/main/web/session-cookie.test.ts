// The web host's session: opening the printed URL trades its ?token= for an HttpOnly, SameSite=Strict cookie and
// a redirect to the same address without the token, so a reload and a second tab (new requests carrying only
// the cookie) keep working, while a request with neither cookie nor token is still refused. Real HTTP, real
// library, real socket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocket } from 'ws';
import { WS_PATH } from '../../../src/shared/contract';
import { openLibrary } from '../../../src/main/library';
import { startWebHost, type WebHost } from '../../../src/main/web/server';
import { tempDir } from '../../helpers/tmp';

const TOKEN = 'session-token-0123456789';
let host: WebHost;

function raw(method: string, p: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, method, path: p, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const info = (headers: Record<string, string>) => raw('POST', '/api/library.info', { 'content-type': 'application/json', ...headers }, '{}');

function socketStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${WS_PATH}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => {});
  });
}

/** What a browser sends back: the cookie's name=value, nothing of its attributes. */
async function firstVisit(query = `?token=${TOKEN}`): Promise<{ cookie: string; location: string; setCookie: string }> {
  const r = await raw('GET', `/browse${query}`);
  assert.equal(r.status, 303, 'a valid token in the address is traded for the cookie');
  const setCookie = String(r.headers['set-cookie']?.[0] ?? '');
  return { cookie: setCookie.split(';')[0]!, location: String(r.headers.location), setCookie };
}

before(async () => {
  const libDir = path.join(tempDir('paddy-session-'), 'lib');
  openLibrary(libDir, { create: true }).close();
  const staticDir = tempDir('paddy-static-');
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Paddy</title>');
  host = await startWebHost({ libraryDir: libDir, port: 0, token: TOKEN, staticDir });
});
after(async () => {
  await host?.close();
});

test('the first visit sets an HttpOnly SameSite=Strict cookie and redirects to the address without the token', async () => {
  const { setCookie, location, cookie } = await firstVisit(`?token=${TOKEN}&keep=1`);
  assert.match(setCookie, new RegExp(`^paddy_session_${host.port}=[A-Za-z0-9_-]{20,}; `));
  assert.match(setCookie, /; HttpOnly/);
  assert.match(setCookie, /; SameSite=Strict/);
  assert.match(setCookie, /; Path=\//);
  assert.equal(location, '/browse?keep=1', 'the token leaves the address, the rest stays');
  assert.doesNotMatch(cookie, new RegExp(TOKEN), 'the cookie is not the token itself');
});

test('a reload (the address without the token, with the cookie) serves the page and the API works', async () => {
  const { cookie, location } = await firstVisit();
  const page = await raw('GET', location, { cookie });
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>Paddy/);
  const r = await info({ cookie });
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).ok, true);
});

test('a second tab: a new request carrying only the cookie reaches the API, the socket and images', async () => {
  const { cookie } = await firstVisit();
  assert.equal((await info({ cookie: `other=1; ${cookie}; more=2` })).status, 200, 'found among other cookies');
  assert.equal(await socketStatus({ cookie }), 101);
  // No such image, but past the access check: 404, not 401.
  assert.equal((await raw('GET', '/api/img/thumb/999999', { cookie })).status, 404);
});

test('neither cookie nor token: 401 for requests and the socket; a forged or foreign cookie too', async () => {
  assert.equal((await info({})).status, 401);
  assert.equal(await socketStatus({}), 401);
  assert.equal((await info({ cookie: `paddy_session_${host.port}=forged-value` })).status, 401);
  const { cookie } = await firstVisit();
  const value = cookie.split('=')[1]!;
  assert.equal((await info({ cookie: `paddy_session_${host.port + 1}=${value}` })).status, 401, 'another port\'s cookie name');
  assert.equal((await info({ authorization: `Bearer ${value}` })).status, 401, 'the cookie value is not a token');
});

test('a wrong token in the address gets no cookie and no redirect; a wrong bearer token is refused despite a good cookie', async () => {
  const r = await raw('GET', '/?token=not-the-token');
  assert.equal(r.status, 200);
  assert.equal(r.headers['set-cookie'], undefined);
  const { cookie } = await firstVisit();
  assert.equal((await info({ cookie, authorization: 'Bearer wrong-token-0123' })).status, 401);
});

test('a cookie from another token (an earlier `paddy serve` on the same port) is refused', async () => {
  const { cookie } = await firstVisit();
  const port = host.port;
  const dir = path.join(tempDir('paddy-session2-'), 'lib');
  const other = await startWebHost({ libraryDir: dir, token: 'another-token-0123456789', staticDir: tempDir() });
  try {
    const r = await new Promise<number>((resolve, reject) => {
      const name = cookie.split('=')[0]!.replace(String(port), String(other.port));
      const req = http.request(
        { host: '127.0.0.1', port: other.port, method: 'POST', path: '/api/library.info', headers: { 'content-type': 'application/json', cookie: `${name}=${cookie.split('=')[1]}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    assert.equal(r, 401);
  } finally {
    await other.close();
  }
});
