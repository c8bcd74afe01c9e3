// The built preload, run the way a sandboxed preload runs: one CommonJS script whose `require` knows only
// `electron`. It must expose exactly the contract's requests plus `on`, `imageUrl` and `shell` (Show in folder),
// each wired to its channel.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { pathToFileURL } from 'node:url';
import { EVENT_NAMES, IMAGE_SCHEME, REQUEST_NAMES, SHOW_IN_FOLDER_CHANNEL, channelOf, eventChannelOf, type PaddyBridge } from '../../src/shared/contract';
import { createIpcApi } from '../../src/renderer/src/api/ipc-client';
import { buildElectronBundles, ROOT } from '../helpers/build-electron';

type Fake = {
  exposed: Map<string, PaddyBridge>;
  rendererInvokes: Array<[string, unknown]>;
  rendererListeners: Map<string, Array<(e: unknown, payload: unknown) => void>>;
};
let fake: Fake;
let paddy: PaddyBridge;

before(async () => {
  const { preload } = buildElectronBundles();
  const electron = await import(pathToFileURL(path.join(ROOT, 'tests/helpers/fake-electron.mjs')).href);
  fake = electron.fakeState as Fake;
  const code = fs.readFileSync(preload, 'utf8');
  const module = { exports: {} };
  const required: string[] = [];
  const sandboxRequire = (id: string): unknown => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require "${id}"`);
  };
  vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console }, { filename: preload });
  assert.deepEqual(required, ['electron'], 'the preload is one bundle needing only electron');
  paddy = fake.exposed.get('paddy')!;
  assert.ok(paddy, 'window.paddy is exposed through contextBridge');
});

test('window.paddy has exactly the request names, on, imageUrl and shell', () => {
  assert.deepEqual(Object.keys(paddy).sort(), [...REQUEST_NAMES, 'on', 'imageUrl', 'shell'].sort());
  for (const k of Object.keys(paddy)) if (k !== 'shell') assert.equal(typeof (paddy as unknown as Record<string, unknown>)[k], 'function', k);
  assert.deepEqual(Object.keys(paddy.shell!), ['showInFolder']);
});

test('shell.showInFolder invokes its one channel; createIpcApi gives api.shell, unwrapped (#11)', async () => {
  await paddy.shell!.showInFolder({ imageId: 7 });
  assert.equal(JSON.stringify(fake.rendererInvokes.at(-1)), JSON.stringify([SHOW_IN_FOLDER_CHANNEL, { imageId: 7 }]));
  const replies = [{ ok: true, value: { path: '/photos/a.jpg' } }, { ok: false, error: 'Show in folder: image 7 is not in the library' }];
  const api = createIpcApi({ ...paddy, shell: { showInFolder: async () => replies.shift() } } as unknown as PaddyBridge);
  assert.deepEqual(await api.shell!.showInFolder({ imageId: 7 }), { path: '/photos/a.jpg' });
  await assert.rejects(api.shell!.showInFolder({ imageId: 7 }), /not in the library/);
  const { shell: _none, ...withoutShell } = paddy;
  assert.equal(createIpcApi(withoutShell as PaddyBridge).shell, undefined, 'no shell in the bridge, none in the api');
});

test('each request invokes its own channel with the input', async () => {
  for (const name of REQUEST_NAMES) {
    const input = { probe: name };
    await (paddy[name] as (i: unknown) => Promise<unknown>)(input);
    assert.deepEqual(fake.rendererInvokes.at(-1), [channelOf(name), input]);
  }
  await (paddy['library.info'] as (i?: unknown) => Promise<unknown>)();
  // The {} was made inside the preload's realm: compare its content, not its prototype.
  assert.equal(JSON.stringify(fake.rendererInvokes.at(-1)), JSON.stringify([channelOf('library.info'), {}]), 'a missing input is sent as {}');
});

test('on() subscribes to the event channel, delivers only the payload, and unsubscribes', () => {
  for (const name of EVENT_NAMES) {
    const got: unknown[] = [];
    const off = paddy.on(name, (p) => got.push(p));
    const listeners = fake.rendererListeners.get(eventChannelOf(name)) ?? [];
    assert.equal(listeners.length, 1, name);
    listeners[0]({ sender: 'ipc-event-object' }, { x: 1 });
    assert.deepEqual(got, [{ x: 1 }]);
    off();
    assert.equal((fake.rendererListeners.get(eventChannelOf(name)) ?? []).length, 0);
  }
  assert.throws(() => paddy.on('no.such.event' as never, () => {}), /unknown event/);
});

test('imageUrl builds paddy-img URLs and refuses anything but a kind and an id', () => {
  assert.equal(paddy.imageUrl('thumb', 12), `${IMAGE_SCHEME}://thumb/12`);
  assert.equal(paddy.imageUrl('full', 0), `${IMAGE_SCHEME}://full/0`);
  assert.throws(() => paddy.imageUrl('thumb', -1));
  assert.throws(() => paddy.imageUrl('thumb', 1.5));
  assert.throws(() => paddy.imageUrl('../db' as never, 1));
});

test('createIpcApi unwraps results and turns errors into thrown ApiErrors', async () => {
  const bridge = { ...paddy } as Record<string, unknown>;
  bridge['library.info'] = async () => ({ ok: true, value: { path: '/lib' } });
  bridge['images.detail'] = async () => ({ ok: false, error: 'images.detail: imageId: expected number' });
  const api = createIpcApi(bridge as PaddyBridge);
  assert.deepEqual(await api['library.info']({}), { path: '/lib' });
  await assert.rejects(api['images.detail']({ imageId: 1 }), { name: 'ApiError', message: /imageId/ });
  assert.equal(api.imageUrl('thumb', 3), `${IMAGE_SCHEME}://thumb/3`);
  delete bridge['runs.list'];
  assert.throws(() => createIpcApi(bridge as PaddyBridge), /does not expose "runs\.list"/);
});
