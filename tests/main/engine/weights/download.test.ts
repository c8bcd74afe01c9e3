// `paddy weights download` end to end against a local HTTP server (never the internet): a Keras-layout .h5
// written from the shared MobileNetV2 α0.35 weights is downloaded, converted and verified; the converted
// weights must be bit-identical to the shared ones and give the same features on a real rice grain.
import tf from '../../../../src/main/engine/tfjs.cjs';
import { BIN } from '../../../helpers/root';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { runWeightsDownload } from '../../../../src/main/cli/commands/weights';
import { useBackend } from '../../../../src/main/engine/backends';
import { findWeights, loadBase } from '../../../../src/main/engine/weights/find';
import { setWeightsByName, SHARD_BYTES } from '../../../../src/main/engine/weights/convert';
import { readKerasWeights } from '../../../../src/main/engine/weights/keras-h5';
import { buildMobileNetV2 } from '../../../../src/main/engine/models/mobilenet-v2';
import { downloadWeights, weightsFileName, type WeightsProgress } from '../../../../src/main/engine/weights/download';
import { MOBILENET_DIR, RICE_DIR, tempDir } from '../../../helpers/tmp';

const SHARED = path.join(MOBILENET_DIR, 'mobilenet_v2_0.35_224_no_top');

interface Manifest { modelTopology: { config: { layers: Array<{ name: string }> } }; weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[] }> }> }

/** name → float32 values of a tfjs layers model folder. */
function readTfjsWeights(dir: string): Map<string, { shape: number[]; data: Float32Array }> {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as Manifest;
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const g of json.weightsManifest) {
    const buf = Buffer.concat(g.paths.map((p) => fs.readFileSync(path.join(dir, p))));
    let off = 0;
    for (const w of g.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      out.set(w.name, { shape: w.shape, data: new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + n * 4)) });
      off += n * 4;
    }
  }
  return out;
}

/** Writes the shared weights as Keras' save_weights does: layer_names, per-layer weight_names, "<layer>/<w>:0" datasets. */
async function writeKerasH5(file: string): Promise<void> {
  const { default: h5wasm } = await import('h5wasm/node');
  await h5wasm.ready;
  const json = JSON.parse(fs.readFileSync(path.join(SHARED, 'model.json'), 'utf8')) as Manifest;
  const weights = readTfjsWeights(SHARED);
  const f = new h5wasm.File(file, 'w');
  const layers = json.modelTopology.config.layers.map((l) => l.name);
  // As h5py writes them: lists of names as fixed-length byte strings, an empty list as an empty float array.
  const names = (g: { create_attribute: typeof f.create_attribute }, key: string, list: string[]) => {
    if (list.length) g.create_attribute(key, list, [list.length], `S${Math.max(...list.map((n) => n.length))}`);
    else g.create_attribute(key, new Float64Array(0), [0], '<d');
  };
  names(f, 'layer_names', layers);
  f.create_attribute('backend', 'tensorflow');
  f.create_attribute('keras_version', '2.1.6');
  for (const layer of layers) {
    const mine = [...weights].filter(([name]) => name.startsWith(`${layer}/`));
    const g = f.create_group(layer);
    names(g, 'weight_names', mine.map(([name]) => `${name}:0`));
    if (!mine.length) continue;
    const sub = g.create_group(layer);
    for (const [name, w] of mine) sub.create_dataset({ name: `${name.slice(layer.length + 1)}:0`, data: w.data, shape: w.shape, dtype: '<f' });
  }
  f.close();
}

let server: http.Server;
let base = '';
let h5Bytes: Buffer;
const files = tempDir('paddy-weights-src-');

before(async () => {
  await useBackend('auto');
  const h5 = path.join(files, 'weights.h5');
  await writeKerasH5(h5);
  h5Bytes = fs.readFileSync(h5);
  server = http.createServer((req, res) => {
    const [, mode, name] = (req.url ?? '').split('/');
    if (mode === 'moved') return void res.writeHead(302, { location: `/good/${name}` }).end();
    if (mode === 'missing' || (name !== weightsFileName(0.35) && mode !== 'wrongalpha')) return void res.writeHead(404).end('not found');
    if (mode === 'garbage') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in to continue</body></html>');
    res.writeHead(200, { 'content-length': String(h5Bytes.length), 'content-type': 'application/octet-stream' });
    if (mode === 'stall') return void res.write(h5Bytes.subarray(0, 4096)); // then nothing, until the client gives up
    if (mode === 'truncated') {
      res.write(h5Bytes.subarray(0, h5Bytes.length >> 1), () => res.destroy());
      return;
    }
    res.end(h5Bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const quietIo = () => {
  const lines: string[] = [];
  return { lines, io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), interactive: false } };
};

async function riceInput(): Promise<tf.Tensor4D> {
  const dir = path.join(RICE_DIR, 'Jasmine');
  const file = path.join(dir, fs.readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort()[0]!);
  const { data } = await sharp(file).resize(224, 224).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return tf.tidy(() => tf.tensor4d(Float32Array.from(data), [1, 224, 224, 3]).div(127.5).sub(1) as tf.Tensor4D);
}

test('download + convert round trip: bit-identical weights, same features, found by findWeights', async () => {
  const before = tf.memory().numTensors;
  const lib = tempDir();
  const { io, lines } = quietIo();
  // Through a redirect, as storage.googleapis.com may answer.
  const r = await runWeightsDownload({ values: { alpha: '0.35', library: lib, 'base-url': `${base}/moved` }, positionals: ['download'] }, io);
  assert.equal(lines.length, 0, 'no progress drawn when not interactive');
  const dir = path.join(lib, 'models', 'mobilenet_v2', 'mobilenet_v2_0.35_224_no_top');
  assert.equal(r.dir, dir);
  assert.equal(r.layers, 155);
  assert.equal(r.params, 410_208);
  assert.deepEqual(r.outputShape, [null, 7, 7, 1280]);
  assert.equal(r.downloadedBytes, h5Bytes.length);
  assert.equal(findWeights(0.35, { libraryModelsDir: path.join(lib, 'models') }), dir);
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['mobilenet_v2_0.35_224_no_top'], 'no temp folders left');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.bin'))) assert.ok(fs.statSync(path.join(dir, f)).size <= SHARD_BYTES, f);

  const mine = readTfjsWeights(dir);
  const shared = readTfjsWeights(SHARED);
  assert.equal(mine.size, 260);
  assert.deepEqual([...mine.keys()].sort(), [...shared.keys()].sort());
  for (const [name, w] of shared) {
    const m = mine.get(name)!;
    assert.deepEqual(m.shape, w.shape, name);
    assert.ok(Buffer.from(m.data.buffer).equals(Buffer.from(w.data.buffer)), `${name} differs`);
  }

  const [a, b] = [await loadBase(dir), await loadBase(SHARED)];
  const x = await riceInput();
  const [fa, fb] = [a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor];
  const [va, vb] = [await fa.data(), await fb.data()];
  assert.equal(va.length, 7 * 7 * 1280);
  assert.ok(va.some((v) => v > 0), 'features are not all zero');
  assert.deepEqual(Array.from(va), Array.from(vb));
  tf.dispose([x, fa, fb]);
  a.dispose();
  b.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
});

test('progress reports bytes received against the total, then conversion', async () => {
  const events: WeightsProgress[] = [];
  const dest = tempDir();
  await downloadWeights({ alpha: 0.35, modelsDir: dest, baseUrl: `${base}/good`, onProgress: (p) => events.push({ ...p }) });
  const dl = events.filter((e): e is Extract<WeightsProgress, { phase: 'download' }> => e.phase === 'download');
  assert.ok(dl.length >= 1);
  for (let i = 1; i < dl.length; i++) assert.ok(dl[i]!.received >= dl[i - 1]!.received, 'monotonic');
  assert.equal(dl.at(-1)!.received, h5Bytes.length);
  assert.ok(dl.every((e) => e.total === h5Bytes.length));
  assert.equal(events.at(-1)!.phase, 'convert');
  assert.ok(fs.existsSync(path.join(dest, 'mobilenet_v2', 'mobilenet_v2_0.35_224_no_top', 'model.json')));
});

test('failures are one clear line and leave nothing in the destination', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['truncated', '0.35', /download truncated: .*(got \d+ of \d+|connection lost after \d+) .*run the command again/],
    ['garbage', '0.35', /not an HDF5 weights file .*"<html><body>Sign in/],
    ['missing', '0.35', /download failed: HTTP 404 .*copy the weights folder "mobilenet_v2_0\.35_224_no_top"/],
    ['wrongalpha', '1.0', /Conv1\/kernel has shape \[3,3,3,16\], MobileNetV2 α1 expects \[3,3,3,32\] \(wrong alpha or wrong file\?\)/],
  ];
  for (const [mode, alpha, re] of cases) {
    const lib = tempDir();
    const { io } = quietIo();
    await assert.rejects(runWeightsDownload({ values: { alpha, library: lib, 'base-url': `${base}/${mode}` }, positionals: ['download'] }, io), (e: Error) => {
      assert.match(e.message, re, mode);
      assert.ok(!e.message.includes('\n'), `${mode}: one line`);
      assert.ok(!e.message.includes('paddy-weights-'), `${mode}: no temp file names`);
      return true;
    });
    const mv = path.join(lib, 'models', 'mobilenet_v2');
    assert.deepEqual(fs.existsSync(mv) ? fs.readdirSync(mv) : [], [], `${mode}: nothing left behind`);
  }
  // Offline: nothing listens on a just-closed port.
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const dest = tempDir();
  await assert.rejects(downloadWeights({ alpha: 0.35, modelsDir: dest, baseUrl: `http://127.0.0.1:${port}` }),
    new RegExp(`could not reach 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*; copy the weights folder .* into ${dest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.deepEqual(fs.readdirSync(dest), []);
});

test('the not-found message names the download command', () => {
  assert.throws(() => findWeights(0.35, { libraryModelsDir: tempDir() }), /not found[\s\S]*paddy weights download --alpha 0\.35/);
});

test('the CLI command end to end (--dest, --base-url, --json) in its own process', async () => {
  const { execFile } = await import('node:child_process');
  const dest = tempDir();
  const bin = BIN;
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, 'weights', 'download', '--alpha', '0.35', '--dest', dest, '--base-url', `${base}/good`, '--json'], (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
  assert.equal(code, 0, stderr);
  const r = JSON.parse(stdout) as { dir: string; params: number; layers: number };
  assert.equal(r.dir, path.join(dest, 'mobilenet_v2', 'mobilenet_v2_0.35_224_no_top'));
  assert.equal(r.params, 410_208);
  // --dest output is what --weights DIR / weightsDir accept.
  assert.equal(findWeights(0.35, { weightsDir: dest, libraryModelsDir: tempDir() }), r.dir);
});

test('every weight in the file is used and every model weight is set', async () => {
  const before = tf.memory().numTensors;
  const file = path.join(files, 'weights.h5');
  const full = await readKerasWeights(file);
  const check = (h5: typeof full, re: RegExp) => {
    const model = buildMobileNetV2(0.35);
    try {
      assert.throws(() => setWeightsByName(model, h5, file, 0.35), re);
    } finally {
      model.dispose();
    }
  };
  const withTop = new Map(full).set('Logits', [{ name: 'Logits/kernel', shape: [1280, 1000], data: new Float32Array(1280 * 1000) }]);
  check(withTop, /has weights for layers MobileNetV2 no-top does not have \(Logits…\): use the _no_top file/);
  const missing = new Map(full);
  missing.delete('block_16_project_BN');
  check(missing, /no weights for layer "block_16_project_BN"/);
  const partial = new Map(full).set('Conv_1_bn', full.get('Conv_1_bn')!.filter((w) => !w.name.endsWith('moving_variance')));
  check(partial, /layer "Conv_1_bn" has 3 weights, MobileNetV2 expects 4/);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak on failure');
});

test('cancelling mid-download removes the partial file and leaves the destination untouched', async () => {
  const downloads = () => fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('paddy-weights-') && !d.startsWith('paddy-weights-src-'));
  const tmpBefore = downloads();
  const dest = tempDir();
  const abort = new AbortController();
  await assert.rejects(downloadWeights({
    alpha: 0.35, modelsDir: dest, baseUrl: `${base}/stall`, signal: abort.signal,
    onProgress: (p) => { if (p.phase === 'download') abort.abort(); },
  }), /^Error: download cancelled$/);
  assert.deepEqual(fs.readdirSync(dest), []);
  assert.deepEqual(downloads(), tmpBefore, 'temp download folder removed');
});
