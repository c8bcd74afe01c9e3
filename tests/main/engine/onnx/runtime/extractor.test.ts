// The ONNX path for the frozen MobileNetV2 base: Paddy's own export run by onnxruntime-node must give the same
// pooled features as tfjs running the same tfjs layers model, on real rice photos; the export is cached by
// weights hash; bad weight folders fail with the file named.
import tf from '../../../../../src/main/engine/tfjs.cjs';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import sharp from 'sharp';
import { useBackend } from '../../../../../src/main/engine/backends';
import { createOnnxExtractor, loadOrt } from '../../../../../src/main/engine/onnx/runtime/extractor';
import { readLayersModel } from '../../../../../src/main/engine/onnx/export/layers-model';
import { MOBILENET_DIR, RICE_DIR, tempDir } from '../../../../helpers/tmp';

const DIR_035 = path.join(MOBILENET_DIR, 'mobilenet_v2_0.35_224_no_top');
const CLASSES = ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'];

/** One real photo per class, resized to 224 and normalised to [-1, 1], NHWC. */
async function riceBatch(): Promise<Float32Array> {
  const per = 224 * 224 * 3;
  const x = new Float32Array(CLASSES.length * per);
  for (const [i, c] of CLASSES.entries()) {
    const dir = path.join(RICE_DIR, c);
    const file = path.join(dir, fs.readdirSync(dir).sort()[7]);
    const px = await sharp(file).removeAlpha().resize(224, 224, { fit: 'fill' }).raw().toBuffer();
    assert.equal(px.length, per);
    for (let j = 0; j < per; j++) x[i * per + j] = px[j] / 127.5 - 1;
  }
  return x;
}

async function tfjsFeatures(modelDir: string, x: Float32Array, n: number): Promise<Float32Array> {
  const m = readLayersModel(modelDir);
  const model = await tf.loadLayersModel({
    load: async () => ({ modelTopology: m.modelTopology as object, weightSpecs: m.weightSpecs, weightData: m.weightData }),
  });
  const before = tf.memory().numTensors;
  const pooled = tf.tidy(() => (model.predict(tf.tensor4d(x, [n, 224, 224, 3])) as tf.Tensor4D).mean([1, 2]));
  const out = (await pooled.data()) as Float32Array;
  pooled.dispose();
  assert.equal(tf.memory().numTensors, before, 'tfjs reference leaked tensors');
  model.dispose();
  return out;
}

let x: Float32Array;
before(async () => {
  // wasm (XNNPACK) is the fast tfjs reference here; cpu is an independent implementation if wasm is unavailable.
  await useBackend('wasm', 'infer').catch(() => tf.setBackend('cpu'));
  x = await riceBatch();
});

test('onnxruntime-node loads here (its CPU binary ships in the package)', async () => {
  assert.ok(await loadOrt(), 'onnxruntime-node failed to load');
});

test('α0.35: ONNX features match tfjs on real rice photos', async () => {
  const n = CLASSES.length;
  const cache = tempDir();
  const onnx = await createOnnxExtractor(DIR_035, 0.35, { cacheDir: cache, threads: 2 });
  assert.ok(onnx);
  assert.equal(onnx.dims, 1280);
  assert.match(onnx.name, /^onnxruntime-cpu/);
  const a = await onnx.extract(x, n);
  await onnx.dispose();
  const b = await tfjsFeatures(DIR_035, x, n);
  assert.equal(a.length, n * 1280);
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  assert.ok(scale > 0.5, `features are degenerate (max |f| = ${scale})`);
  assert.ok(maxDiff < 1e-3 * scale, `max |onnx − tfjs| = ${maxDiff} vs feature scale ${scale}`);
  // Different grains must give different features (guards against a constant output passing the parity check).
  let between = 0;
  for (let j = 0; j < 1280; j++) between = Math.max(between, Math.abs(a[j] - a[1280 + j]));
  assert.ok(between > 100 * maxDiff, `images are not told apart: ${between}`);
});

test('α1.0 (the default base): ONNX features match tfjs on two rice photos', async () => {
  const dir = path.join(MOBILENET_DIR, 'mobilenet_v2_1.00_224_no_top');
  const two = x.subarray(0, 2 * 224 * 224 * 3);
  const onnx = await createOnnxExtractor(MOBILENET_DIR, 1, { threads: 2 }); // the parent folder is accepted too
  assert.ok(onnx);
  const a = await onnx.extract(two, 2);
  await onnx.dispose();
  const b = await tfjsFeatures(dir, two, 2);
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  assert.ok(scale > 0.5 && maxDiff < 1e-3 * scale, `max |onnx − tfjs| = ${maxDiff} vs feature scale ${scale}`);
});

test('the export is cached under cacheDir by weights hash, and a damaged cache file is rebuilt', async () => {
  const cache = tempDir();
  const first = await createOnnxExtractor(DIR_035, 0.35, { cacheDir: cache, threads: 1 });
  assert.ok(first);
  const one = await first.extract(x.subarray(0, 224 * 224 * 3), 1);
  await first.dispose();
  const files = fs.readdirSync(path.join(cache, 'onnx'));
  assert.equal(files.length, 1);
  const hash = readLayersModel(DIR_035).hash;
  assert.ok(files[0].includes(hash.slice(0, 32)), `${files[0]} is not keyed by the weights hash`);
  const file = path.join(cache, 'onnx', files[0]);
  const mtime = fs.statSync(file).mtimeMs;

  const second = await createOnnxExtractor(DIR_035, 0.35, { cacheDir: cache, threads: 1 });
  assert.ok(second);
  assert.deepEqual(await second.extract(x.subarray(0, 224 * 224 * 3), 1), one);
  await second.dispose();
  assert.equal(fs.statSync(file).mtimeMs, mtime, 'the cached export was rewritten');

  // A process killed mid-export left its temp file (a pid that no longer runs); the next export removes it.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = `${file}.tmp-${dead}`;
  fs.writeFileSync(stale, 'half a model');
  fs.writeFileSync(file, Buffer.from('not an onnx model'));
  const third = await createOnnxExtractor(DIR_035, 0.35, { cacheDir: cache, threads: 1 });
  assert.ok(third);
  assert.deepEqual(await third.extract(x.subarray(0, 224 * 224 * 3), 1), one);
  await third.dispose();
  assert.ok(fs.statSync(file).size > 1_000_000, 'the damaged cache file was not replaced');
  assert.equal(fs.existsSync(stale), false, 'a dead process\'s temp file was left');
});

test('batches larger than maxBatch are split and give the same features; wrong sizes are refused', async () => {
  const e = await createOnnxExtractor(DIR_035, 0.35, { threads: 2, maxBatch: 2 });
  assert.ok(e);
  const whole = await e.extract(x, 5);
  const single = await e.extract(x.subarray(4 * 224 * 224 * 3), 1);
  for (let j = 0; j < 1280; j++) assert.ok(Math.abs(whole[4 * 1280 + j] - single[j]) < 1e-4);
  await assert.rejects(e.extract(x.subarray(0, 1000), 1), /expected 1 × 224×224×3/);
  await e.dispose();
  await assert.rejects(e.extract(x, 5), /after dispose/);
});

test('a missing weights folder, a missing shard, a truncated shard and bad JSON each name the file', async () => {
  const missing = path.join(tempDir(), 'nowhere');
  await assert.rejects(createOnnxExtractor(missing, 0.35), (e: Error) => e.message.includes(path.join(missing, 'model.json')) && /missing/.test(e.message));

  const copy = tempDir();
  for (const f of fs.readdirSync(DIR_035)) fs.copyFileSync(path.join(DIR_035, f), path.join(copy, f));
  const shard = path.join(copy, 'group1-shard1of1.bin');
  const bytes = fs.readFileSync(shard);

  fs.rmSync(shard);
  await assert.rejects(createOnnxExtractor(copy, 0.35), (e: Error) => e.message.includes(shard) && /missing/.test(e.message));

  fs.writeFileSync(shard, bytes.subarray(0, bytes.length - 4096));
  await assert.rejects(createOnnxExtractor(copy, 0.35), (e: Error) => e.message.includes(shard) && /truncated/.test(e.message));

  fs.writeFileSync(shard, bytes);
  fs.writeFileSync(path.join(copy, 'model.json'), '{"modelTopology": ');
  await assert.rejects(createOnnxExtractor(copy, 0.35), (e: Error) => e.message.includes(path.join(copy, 'model.json')) && /JSON/.test(e.message));
});

test("the training code's createExtractor picks the ONNX extractor up (and PADDY_EXTRACTOR=tfjs opts out)", async () => {
  const { createExtractor } = await import('../../../../../src/main/engine/features/feature-cache');
  const e = await createExtractor(DIR_035, 0.35);
  assert.match(e.name, /^onnxruntime-cpu/);
  const one = await e.extract(x.subarray(0, 224 * 224 * 3), 1);
  assert.equal(one.length, 1280);
  await e.dispose();
  process.env.PADDY_EXTRACTOR = 'tfjs';
  try {
    const t = await createExtractor(DIR_035, 0.35);
    assert.match(t.name, /^tfjs-/);
    await t.dispose();
  } finally {
    delete process.env.PADDY_EXTRACTOR;
  }
});
