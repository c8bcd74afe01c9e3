// The built Electron main bundle, run under plain Node with a stand-in `electron` module: every request has an
// IPC handler (and nothing else does), the window is locked down, a CSP is sent, and the image protocol serves
// library files only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IMAGE_SCHEME, REQUEST_NAMES, SHOW_IN_FOLDER_CHANNEL, channelOf, eventChannelOf } from '../../../src/shared/contract';
import { openLibrary } from '../../../src/main/library';
import { thumbPath } from '../../../src/main/services/import/thumbnails';
import { buildElectronBundles, ROOT } from '../../helpers/build-electron';
import { importSmallRice } from '../../helpers/small-import';
import { tempDir } from '../../helpers/tmp';
import { Worker } from 'node:worker_threads';

type Fake = {
  log: Array<[string, ...unknown[]]>;
  userData: string;
  ipcHandlers: Map<string, (event: unknown, input: unknown) => Promise<{ ok: boolean; value?: unknown; error?: string }>>;
  privilegedSchemes: Array<{ scheme: string; privileges: Record<string, boolean> }>;
  protocolHandlers: Map<string, (req: { url: string; method?: string }) => Promise<Response>>;
  headerHooks: Array<(details: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void>;
  permissionHandler: ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void) | null;
  permissionCheckHandler: ((wc: unknown, perm: string, origin: string) => boolean) | null;
  openedExternal: string[];
  shownInFolder: string[];
  windows: Array<{
    options: { webPreferences: Record<string, unknown> };
    loaded: string | null;
    webContents: {
      sent: Array<[string, unknown]>;
      windowOpenHandler: (d: { url: string }) => { action: string };
      fire(event: string, ...args: unknown[]): boolean;
    };
  }>;
  dialogReply: { canceled: boolean; filePaths: string[] };
  quitCalls: number;
  readyResolve: (() => void) | null;
  appEvents: Map<string, Array<(...a: unknown[]) => void>>;
};

const fakeUrl = pathToFileURL(path.join(ROOT, 'tests/helpers/fake-electron.mjs')).href;
let fake: Fake;
let libDir: string;
let images: { thumbId: number; sha: string; source: string };
let appUrl: string;
let mainOut: string;

const trusted = (): { senderFrame: { url: string } } => ({ senderFrame: { url: appUrl } });
const call = (name: string, input: unknown, event: unknown = trusted()) => {
  const h = fake.ipcHandlers.get(channelOf(name as never));
  assert.ok(h, `no handler for ${name}`);
  return h(event, input);
};
const img = (url: string) => fake.protocolHandlers.get(IMAGE_SCHEME)!({ url, method: 'GET' });

before(async () => {
  const built = buildElectronBundles();
  mainOut = path.dirname(built.main);
  assert.ok(fs.existsSync(built.preload), 'the preload bundle is built next to main');
  await import(fakeUrl);
  fake = (globalThis as unknown as { __fakeElectron: Fake }).__fakeElectron;
  fake.userData = tempDir('paddy-userdata-');
  libDir = path.join(fake.userData, 'library');

  // A real library with real imported images where the app will look for it (userData/library).
  const lib = openLibrary(libDir, { create: true });
  const report = await importSmallRice(lib);
  assert.equal(report.imported, 4);
  const row = lib.db.prepare('SELECT id, sha256, source_path FROM images ORDER BY id LIMIT 1').get() as { id: number; sha256: string; source_path: string };
  images = { thumbId: row.id, sha: row.sha256, source: row.source_path };
  assert.ok(fs.existsSync(thumbPath(lib, row.sha256, 'jpg')));
  lib.close();

  register(pathToFileURL(path.join(ROOT, 'tests/helpers/electron-hook.mjs')).href, { data: { fakeUrl } });
  await import(pathToFileURL(built.main).href);

  // Before `ready`: the image scheme must already be privileged, and nothing else wired.
  assert.equal(fake.ipcHandlers.size, 0);
  assert.ok(fake.log.some(([k]) => k === 'protocol.registerSchemesAsPrivileged'));
  assert.ok(fake.readyResolve, 'the app waits for whenReady()');
  fake.readyResolve!();
  for (let i = 0; i < 100 && fake.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(fake.windows.length, 1, 'one window is created once ready');
  appUrl = `file://${fake.windows[0].loaded}`;
});

after(async () => {
  // Quitting closes the library (and any training) before the process ends.
  const quits = fake.quitCalls;
  for (const fn of fake.appEvents.get('before-quit') ?? []) fn({ preventDefault() {} });
  for (let i = 0; i < 100 && fake.quitCalls === quits; i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(fake.quitCalls > quits, 'the app quits after closing the library');
});

test('the app is named Paddy and the image scheme is registered as privileged before ready', () => {
  assert.deepEqual(fake.log.find(([k]) => k === 'app.setName'), ['app.setName', 'Paddy']);
  const order = fake.log.map(([k]) => k);
  assert.ok(order.indexOf('protocol.registerSchemesAsPrivileged') < order.indexOf('ready'));
  const scheme = fake.privilegedSchemes.find((s) => s.scheme === IMAGE_SCHEME);
  assert.ok(scheme?.privileges.standard && scheme.privileges.secure);
});

test('every request of the contract has an ipcMain handler, and the only other channel is Show in folder', () => {
  assert.deepEqual([...fake.ipcHandlers.keys()].sort(), [...REQUEST_NAMES.map((n) => channelOf(n)), SHOW_IN_FOLDER_CHANNEL].sort());
});

test('Show in folder reveals an image\'s source file through shell.showItemInFolder, for the app window only (#11)', async () => {
  const show = (input: unknown, event: unknown = trusted()) => fake.ipcHandlers.get(SHOW_IN_FOLDER_CHANNEL)!(event, input);
  assert.deepEqual(await show({ imageId: images.thumbId }), { ok: true, value: { path: images.source } });
  assert.deepEqual(fake.shownInFolder, [images.source]);
  for (const input of [{ path: '/etc/passwd' }, { lastExport: 'onnx' }]) assert.equal((await show(input)).ok, false, JSON.stringify(input));
  assert.match((await show({ imageId: images.thumbId }, { senderFrame: { url: 'https://evil.example/' } })).error!, /refused/);
  assert.deepEqual(fake.shownInFolder, [images.source], 'nothing else reached the file manager');
});

test('the window is isolated, sandboxed, without Node, with the built preload', () => {
  const prefs = fake.windows[0].options.webPreferences;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.notEqual(prefs.webSecurity, false);
  assert.notEqual(prefs.webviewTag, true);
  assert.match(String(prefs.preload), /preload[\\/]index\.cjs$/);
  assert.ok(fs.existsSync(String(prefs.preload)), `preload path points at the built preload: ${String(prefs.preload)}`);
  assert.match(String(fake.windows[0].loaded), /renderer[\\/]index\.html$/);
});

test('new windows are denied and navigation away from the app is blocked', () => {
  const wc = fake.windows[0].webContents;
  assert.equal(wc.windowOpenHandler({ url: 'https://example.com' }).action, 'deny');
  assert.equal(wc.windowOpenHandler({ url: 'file:///etc/passwd' }).action, 'deny');
  assert.equal(wc.fire('will-navigate', 'https://evil.example/'), true);
  assert.equal(wc.fire('will-navigate', 'file:///home/someone/photo.jpg'), true, 'a dropped file must not replace the app');
  assert.equal(wc.fire('will-attach-webview'), true);
  let granted: boolean | null = null;
  fake.permissionHandler!(null, 'media', (ok) => (granted = ok));
  assert.equal(granted, false);
});

test('only the built index.html is the app: other file: pages are neither navigated to nor trusted over IPC', async () => {
  const wc = fake.windows[0].webContents;
  const other = pathToFileURL(path.join(path.dirname(fake.windows[0].loaded!), 'other.html')).href;
  assert.equal(wc.fire('will-redirect', other), true, 'a redirect to another file is blocked');
  assert.equal(wc.fire('will-redirect', 'file:///etc/passwd'), true);
  assert.equal(wc.fire('will-redirect', `${appUrl}#/browse`), false, 'the app itself, on any route, is not');
  for (const url of [other, 'file:///home/someone/Downloads/page.html', `file://evil.example${fake.windows[0].loaded}`]) {
    const r = await call('library.info', {}, { senderFrame: { url } });
    assert.equal(r.ok, false, url);
    assert.match(r.error!, /refused/);
  }
  assert.equal((await call('library.info', {}, { senderFrame: { url: `${appUrl}#/train` } })).ok, true);
});

test('links leave the app only for allowlisted origins (none today): nothing is handed to the OS browser', () => {
  const wc = fake.windows[0].webContents;
  for (const url of ['https://example.com/', 'https://evil.example/login', 'http://example.com/', 'file:///etc/passwd', 'mailto:a@b.c', 'javascript:alert(1)']) {
    assert.equal(wc.windowOpenHandler({ url }).action, 'deny', url);
  }
  assert.deepEqual(fake.openedExternal, []);
});

test('permission checks are answered no, beside the refused permission requests', () => {
  assert.equal(typeof fake.permissionCheckHandler, 'function', 'session.setPermissionCheckHandler is set');
  for (const perm of ['media', 'clipboard-read', 'notifications', 'geolocation', 'hid', 'serial', 'usb']) {
    assert.equal(fake.permissionCheckHandler!(null, perm, 'file://'), false, perm);
  }
});

test('a CSP header allowing only self, the image scheme, blob: and data: for images is added to responses', () => {
  assert.equal(fake.headerHooks.length, 1);
  let headers: Record<string, string[]> = {};
  fake.headerHooks[0]({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
  const csp = headers['Content-Security-Policy']?.[0] ?? '';
  assert.equal(headers['X-Other']?.[0], '1');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, new RegExp(`img-src 'self' ${IMAGE_SCHEME}: blob: data:(;|$)`));
  assert.match(csp, /frame-ancestors 'none'/, 'no page may frame the app (only a header can say so)');
  const html = fs.readFileSync(path.join(ROOT, 'src/renderer/index.html'), 'utf8');
  assert.match(html, /http-equiv="Content-Security-Policy"[\s\S]*script-src 'self';/);
  assert.doesNotMatch(html, /frame-ancestors/, 'a meta CSP ignores frame-ancestors (and the browser warns)');
});

test('IPC requests go through dispatch: real results, validation errors naming the field, strangers refused', async () => {
  const info = await call('library.info', {});
  assert.equal(info.ok, true, info.error);
  assert.equal((info.value as { path: string }).path, libDir, 'library.info reports the userData library');
  const bad = await call('images.detail', { imageId: 'x' });
  assert.equal(bad.ok, false);
  assert.match(bad.error!, /images\.detail: imageId/);
  const stranger = await call('library.info', {}, { senderFrame: { url: 'https://evil.example/' } });
  assert.equal(stranger.ok, false);
  assert.match(stranger.error!, /refused/);
});

test('native dialogs answer dialog.pickFolder', async () => {
  fake.dialogReply = { canceled: false, filePaths: ['/some/folder'] };
  assert.deepEqual(await call('dialog.pickFolder', {}), { ok: true, value: '/some/folder' });
  fake.dialogReply = { canceled: true, filePaths: [] };
  assert.deepEqual(await call('dialog.pickFolder', {}), { ok: true, value: null });
});

test('events reach the window on their event channel', async () => {
  const classes = (await call('library.info', {})).value as { classes: Array<{ id: number; name: string }> };
  const target = classes.classes.find((c) => c.name === 'Basmati')!;
  const sent = fake.windows[0].webContents.sent;
  const before = sent.length;
  const r = await call('labels.set', { imageIds: [images.thumbId], classId: target.id });
  assert.equal(r.ok, true, r.error);
  assert.ok(
    sent.slice(before).some(([ch]) => ch === eventChannelOf('library.changed')),
    'library.changed is pushed with webContents.send',
  );
});

test('the image protocol serves a real thumbnail and full image of the library', async () => {
  const thumb = await img(`${IMAGE_SCHEME}://thumb/${images.thumbId}`);
  assert.equal(thumb.status, 200);
  // A 250×250 rice JPEG is its own thumbnail: a copy of its bytes inside the library (services/import/decode.ts).
  assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
  const body = Buffer.from(await thumb.arrayBuffer());
  const libThumb = fs.readFileSync(thumbPath({ paths: { thumbs: path.join(libDir, 'thumbs') } } as never, images.sha, 'jpg'));
  assert.ok(body.equals(libThumb));
  const full = await img(`${IMAGE_SCHEME}://full/${images.thumbId}`);
  assert.equal(full.status, 200);
  assert.equal(full.headers.get('content-type'), 'image/jpeg');
  assert.ok(Buffer.from(await full.arrayBuffer()).equals(fs.readFileSync(images.source)));
});

test('the image protocol refuses unknown ids, traversal, other hosts and other schemes', async () => {
  const refused = [
    `${IMAGE_SCHEME}://thumb/999999`,
    `${IMAGE_SCHEME}://thumb/../paddy.db`,
    `${IMAGE_SCHEME}://thumb/..%2F..%2Fpaddy.db`,
    `${IMAGE_SCHEME}://thumb/%2e%2e/paddy.db`,
    `${IMAGE_SCHEME}://full/1/../../../../etc/passwd`,
    `${IMAGE_SCHEME}://thumb/${images.thumbId}/extra`,
    `${IMAGE_SCHEME}://thumb/${images.thumbId}?path=/etc/passwd`,
    `${IMAGE_SCHEME}://db/1`,
    `${IMAGE_SCHEME}://thumb/-1`,
    `${IMAGE_SCHEME}://thumb/1e3`,
    `${IMAGE_SCHEME}:///etc/passwd`,
    'file:///etc/passwd',
    `https://thumb/${images.thumbId}`,
  ];
  for (const url of refused) {
    const r = await img(url);
    assert.ok(r.status >= 400 && r.status < 500, `${url} → ${r.status}`);
    assert.notEqual(r.headers.get('content-type'), 'image/webp', url);
  }
  const post = await fake.protocolHandlers.get(IMAGE_SCHEME)!({ url: `${IMAGE_SCHEME}://thumb/${images.thumbId}`, method: 'POST' });
  assert.equal(post.status, 405);
});

test('train.start runs the built worker in a utilityProcess and relays its events; a dead worker fails the run', async () => {
  const forks = (fake as unknown as { forks: Array<{ modulePath: string; posted: Array<Record<string, unknown>>; fire(e: string, ...a: unknown[]): void }> }).forks;
  const started = await call('train.start', { config: { model: 'cnn', epochs: 1 } });
  assert.equal(started.ok, true, started.error);
  const runId = (started.value as { runId: string }).runId;
  assert.equal(forks.length, 1);
  const child = forks[0];
  assert.match(child.modulePath, /main[\\/]train\.worker\.js$/);
  assert.ok(fs.existsSync(child.modulePath), 'the training worker is part of the main build');
  assert.equal(child.posted.length, 0, 'nothing is posted before the process has spawned');
  child.fire('spawn');
  assert.equal(child.posted[0]?.type, 'start');
  assert.equal(child.posted[0]?.runId, runId);
  assert.equal(child.posted[0]?.libraryDir, libDir);

  const sent = fake.windows[0].webContents.sent;
  const phase = { type: 'phase', runId, phase: 'loading', done: 0, total: 1 };
  child.fire('message', { type: 'event', event: phase });
  assert.deepEqual(sent.at(-1), [eventChannelOf('train.event'), phase]);

  child.fire('exit', 9);
  const last = sent.at(-1)!;
  assert.equal(last[0], eventChannelOf('train.event'));
  assert.equal((last[1] as { type: string }).type, 'failed');
  const run = await call('runs.get', { runId });
  assert.equal(run.ok, true, run.error);
  assert.equal((run.value as { status: string }).status, 'failed');
});

test('runs.predict and suspects.scan run as jobs in a utilityProcess worker; events relayed; a dead worker rejects the job', async () => {
  const forks = (fake as unknown as { forks: Array<{ modulePath: string; posted: Array<Record<string, unknown>>; fire(e: string, ...a: unknown[]): void }> }).forks;
  const before = forks.length;
  const predicting = call('runs.predict', { runId: 'r1', paths: ['/x/a.jpg'] });
  // The handler reaches the worker asynchronously (library opened first): wait for the fork.
  for (let i = 0; i < 100 && forks.length === before; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(forks.length, before + 1, 'a job worker is started');
  const child = forks.at(-1)!;
  assert.match(child.modulePath, /main[\\/]train\.worker\.js$/);
  child.fire('spawn');
  const job = child.posted[0]!;
  assert.deepEqual({ ...job, jobId: undefined }, { type: 'job', jobId: undefined, libraryDir: libDir, name: 'runs.predict', input: { runId: 'r1', paths: ['/x/a.jpg'] } });
  const value = [{ path: '/x/a.jpg', predicted: 'Arborio', probabilities: { Arborio: 1 } }];
  child.fire('message', { type: 'job-result', jobId: job.jobId, ok: true, value });
  assert.deepEqual(await predicting, { ok: true, value });

  // The idle worker takes the next job; its events reach the window; its death rejects the job readably.
  const scanning = call('suspects.scan', { folds: 2 });
  for (let i = 0; i < 100 && child.posted.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(forks.length, before + 1, 'the idle worker is reused');
  const scanJob = child.posted[1]!;
  assert.equal(scanJob.name, 'suspects.scan');
  const progress = { phase: 'features', done: 1, total: 4 };
  child.fire('message', { type: 'job-event', jobId: scanJob.jobId, name: 'suspects.progress', payload: progress });
  assert.deepEqual(fake.windows[0].webContents.sent.at(-1), [eventChannelOf('suspects.progress'), progress]);
  child.fire('exit', 9);
  const r = await scanning;
  assert.ok(!r.ok && /the worker running suspects\.scan died \(exit code 9\)/.test(r.error!), JSON.stringify(r));
});

test('jobs.cancel over IPC reaches the running job in its utilityProcess worker; the scan answers as cancelled', async () => {
  const forks = (fake as unknown as { forks: Array<{ posted: Array<Record<string, unknown>>; fire(e: string, ...a: unknown[]): void }> }).forks;
  const before = forks.length;
  const scanning = call('suspects.scan', { folds: 2 });
  for (let i = 0; i < 100 && forks.length === before; i++) await new Promise((r) => setTimeout(r, 10));
  const child = forks.at(-1)!;
  child.fire('spawn');
  const job = child.posted.find((m) => m.type === 'job')!;
  assert.deepEqual(await call('jobs.cancel', { name: 'runs.predict' }), { ok: true, value: { cancelled: 0 } });
  assert.deepEqual(await call('jobs.cancel', { name: 'suspects.scan' }), { ok: true, value: { cancelled: 1 } });
  assert.deepEqual(child.posted.at(-1), { type: 'cancel-job', jobId: job.jobId });
  child.fire('message', { type: 'job-result', jobId: job.jobId, ok: false, error: 'scan cancelled' });
  assert.deepEqual(await scanning, { ok: false, error: 'suspects.scan was cancelled' });
  assert.equal((child as unknown as { killed: boolean }).killed, false, 'a worker that stopped in time is kept');
  child.fire('exit', 0); // the idle worker goes away, so quitting has no worker to wait for
});

test('the ONNX Runtime training step worker is part of the main build and computes gradients there', async () => {
  const file = path.join(mainOut, 'ort-step.worker.js');
  assert.ok(fs.existsSync(file), 'ort-step.worker.js sits next to the main bundle, where ort-trainer looks for it');
  const w = new Worker(file);
  const reply = (msg: unknown) => new Promise<{ type: string; loss?: number; message?: string }>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.postMessage(msg);
  });
  try {
    const layers = [{ kind: 'conv', filters: 2, kernel: 3, padding: 'same', relu: true }, { kind: 'pool' }, { kind: 'flatten' }, { kind: 'dense', units: 3, activation: 'softmax' }];
    assert.equal((await reply({ type: 'init', layers, input: { size: 4 }, threads: 1 })).type, 'ready');
    const lengths = [3 * 3 * 3 * 2, 2, 8 * 3, 3];
    const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
    const total = lengths.reduce((a, n) => a + n, 0);
    // Parameters, Adam's state and the gradients live in shared memory the caller binds once (protocol.ts).
    const params = shared(total), grads = shared(total);
    params.fill(0.1, 0, 54);
    params.fill(0.05, 56, 80);
    const start = params.slice();
    const control = new Int32Array(new SharedArrayBuffer(3 * 4));
    assert.equal((await reply({ type: 'bind', index: 0, lengths, params, m: shared(total), v: shared(total), grads: [grads], control })).type, 'ready');
    const x = Float32Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => (i % 7) / 7);
    const adam = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    const r = await reply({ type: 'grads', rows: 2, batch: 2, x, y: Float32Array.from([1, 0, 0, 0, 1, 0]), masks: [], parts: 1, t: 1, lr: 0.01, adam });
    assert.equal(r.type, 'grads', r.message);
    assert.ok(grads.every(Number.isFinite) && grads.subarray(56, 80).some((v) => v !== 0) && grads.subarray(0, 54).some((v) => v !== 0));
    assert.ok(Math.abs(r.loss! - 2 * Math.log(3)) < 0.05, `summed loss of 2 rows near 2·ln 3: ${r.loss}`);
    // The worker applied Adam itself: every parameter with a gradient moved.
    assert.ok(params.some((p, i) => p !== start[i]));
  } finally {
    await w.terminate();
  }
});
