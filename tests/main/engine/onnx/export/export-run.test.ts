// "Export to ONNX" for trained runs: a run's saved model (as the trainer saves it) becomes one .onnx that takes
// raw RGB and gives the same probabilities as Paddy's tfjs model; the CLI writes it; bad runs fail clearly.
import tf from '../../../../../src/main/engine/tfjs.cjs';
import { ROOT } from '../../../../helpers/root';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { openLibrary, type Library } from '../../../../../src/main/library';
import { useBackend } from '../../../../../src/main/engine/backends';
import { buildHead } from '../../../../../src/main/engine/train/head-trainer';
import { buildCnn } from '../../../../../src/main/engine/models/cnn';
import { fileLoader, weightsHash } from '../../../../../src/main/engine/weights/find';
import { exportRunOnnx } from '../../../../../src/main/engine/onnx/export/export-run';
import { saveRunModel } from '../../../../../src/main/engine/saved-model';
import { MOBILENET_DIR, RICE_DIR, tempDir } from '../../../../helpers/tmp';

const CLASSES = ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'];
let lib: Library;

/** Real rice photos as raw RGB floats 0–255 (what the exported model takes), size×size. */
async function rawRice(size: number): Promise<Float32Array> {
  const per = size * size * 3;
  const x = new Float32Array(CLASSES.length * per);
  for (const [i, c] of CLASSES.entries()) {
    const dir = path.join(RICE_DIR, c);
    const px = await sharp(path.join(dir, fs.readdirSync(dir).sort()[3])).removeAlpha().resize(size, size, { fit: 'fill' }).raw().toBuffer();
    x.set(px, i * per);
  }
  return x;
}

function randomise(model: tf.LayersModel, seed: number): void {
  const next = model.getWeights().map((w, i) => tf.tidy(() => {
    const r = tf.randomUniform(w.shape, -0.5, 0.5, 'float32', seed + i);
    return model.weights[i].name.includes('moving_variance') ? r.abs().add(0.5) : r;
  }));
  model.setWeights(next);
  tf.dispose(next);
}

async function runOnnx(file: string, x: Float32Array, size: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  const out = await session.run({ input: new ort.Tensor('float32', x, [CLASSES.length, size, size, 3]) });
  await session.release();
  return out.output.data as Float32Array;
}

function assertClose(a: Float32Array, b: Float32Array, tol: number): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < tol, `[${i}] ${a[i]} vs ${b[i]}`);
}

before(async () => {
  await useBackend('wasm', 'infer').catch(() => tf.setBackend('cpu'));
  lib = openLibrary(tempDir(), { create: true });
});

test('a CNN run exports to an .onnx that takes raw RGB and matches the tfjs model', async () => {
  const cnn = buildCnn({ imageSize: 32, filters: [4, 8], dense: [8], dropout: 0.2, numClasses: 5, seed: 1, batchNorm: true });
  randomise(cnn, 9);
  await saveRunModel(lib, 'run-cnn', { format: 'paddy-model-1', model: 'cnn', classes: CLASSES, imageSize: 32, normalisation: 'unit' }, { main: cnn });
  const out = path.join(tempDir(), 'sub', 'cnn.onnx');
  const r = await exportRunOnnx(lib, 'run-cnn', out);
  assert.equal(r.file, out);
  assert.ok(r.verified);
  assert.deepEqual(r.input.shape, ['N', 32, 32, 3]);
  assert.deepEqual(r.classes, CLASSES);
  assert.deepEqual(fs.readdirSync(path.dirname(out)), ['cnn.onnx'], 'a temp file was left behind');

  const raw = await rawRice(32);
  // The reference is the model as Paddy reloads it from disk.
  const saved = await tf.loadLayersModel(fileLoader(path.join(lib.paths.models, 'run-cnn', 'model')));
  const ref = tf.tidy(() => (saved.predict(tf.tensor4d(raw, [5, 32, 32, 3]).div(255)) as tf.Tensor).dataSync() as Float32Array);
  saved.dispose();
  cnn.dispose();
  assertClose(await runOnnx(out, raw, 32), ref, 1e-5);
});

test('a MobileNetV2 run exports base + pooling + head as one graph matching tfjs', async () => {
  const baseDir = path.join(MOBILENET_DIR, 'mobilenet_v2_0.35_224_no_top');
  const head = buildHead(1280, 5, [16], 0.2, 4);
  randomise(head, 2);
  const meta = { format: 'paddy-model-1' as const, model: 'mobilenetv2' as const, classes: CLASSES, imageSize: 224, normalisation: 'mobilenet' as const, alpha: 0.35 as const, baseWeightsHash: weightsHash(baseDir) };
  await saveRunModel(lib, 'run-mnv2', meta, { main: head });
  const out = path.join(tempDir(), 'mnv2.onnx');
  const r = await exportRunOnnx(lib, 'run-mnv2', out, { weightsDir: MOBILENET_DIR });
  assert.ok(r.verified);
  assert.deepEqual(r.output.shape, ['N', 5]);

  const raw = await rawRice(224);
  const base = await tf.loadLayersModel(fileLoader(baseDir));
  const ref = tf.tidy(() => {
    const feats = (base.predict(tf.tensor4d(raw, [5, 224, 224, 3]).div(127.5).sub(1)) as tf.Tensor4D).mean([1, 2]);
    return (head.predict(feats) as tf.Tensor).dataSync() as Float32Array;
  });
  base.dispose();
  head.dispose();
  assertClose(await runOnnx(out, raw, 224), ref, 1e-4);

  // Trained on other weights than the ones found now: refused rather than silently wrong.
  fs.writeFileSync(path.join(lib.paths.models, 'run-mnv2', 'meta.json'), JSON.stringify({ ...meta, baseWeightsHash: 'f'.repeat(64) }));
  await assert.rejects(exportRunOnnx(lib, 'run-mnv2', out, { weightsDir: MOBILENET_DIR }), /different MobileNetV2 weights/);
});

test('a fine-tuned MobileNetV2 run exports its own base (as tfjs re-saved it), not the shared weights', async () => {
  const baseDir = path.join(MOBILENET_DIR, 'mobilenet_v2_0.35_224_no_top');
  const base = await tf.loadLayersModel(fileLoader(baseDir));
  // "Fine-tuning": change the last conv's kernel so a run that used the shared weights would give other numbers.
  const conv = base.getLayer('Conv_1');
  const [k] = conv.getWeights();
  const tuned = tf.tidy(() => k.mul(1.5));
  conv.setWeights([tuned]);
  tuned.dispose();
  const head = buildHead(1280, 5, [], 0, 8);
  randomise(head, 4);
  const meta = { format: 'paddy-model-1' as const, model: 'mobilenetv2' as const, classes: CLASSES, imageSize: 224, normalisation: 'mobilenet' as const, alpha: 0.35 as const, ownBase: true };
  await saveRunModel(lib, 'run-tuned', meta, { main: head, base });
  const out = path.join(tempDir(), 'tuned.onnx');
  assert.ok((await exportRunOnnx(lib, 'run-tuned', out)).verified); // no weightsDir needed: the run has its base

  const raw = (await rawRice(224)).subarray(0, 2 * 224 * 224 * 3);
  const ref = tf.tidy(() => {
    const feats = (base.predict(tf.tensor4d(raw, [2, 224, 224, 3]).div(127.5).sub(1)) as tf.Tensor4D).mean([1, 2]);
    return (head.predict(feats) as tf.Tensor).dataSync() as Float32Array;
  });
  base.dispose();
  head.dispose();
  const session = await ort.InferenceSession.create(out);
  const got = (await session.run({ input: new ort.Tensor('float32', raw, [2, 224, 224, 3]) })).output.data as Float32Array;
  await session.release();
  assertClose(got, ref, 1e-4);
});

test('unknown runs and bad ids fail with a clear message; nothing is written', async () => {
  const out = path.join(tempDir(), 'x.onnx');
  await assert.rejects(exportRunOnnx(lib, 'no-such-run', out), /run no-such-run has no saved model .*meta\.json is missing/);
  await assert.rejects(exportRunOnnx(lib, '../etc', out), /not a run id/);
  assert.equal(fs.existsSync(out), false);
});

test('paddy export-onnx writes the file and reports it; a missing run exits 1', () => {
  const out = path.join(tempDir(), 'cli.onnx');
  const ok = spawnSync(process.execPath, ['bin/paddy.mjs', 'export-onnx', '--library', lib.dir, '--run', 'run-cnn', out, '--json'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  const r = JSON.parse(ok.stdout.trim().split('\n').at(-1)!);
  assert.equal(r.file, out);
  assert.ok(fs.statSync(out).size > 1000);
  const bad = spawnSync(process.execPath, ['bin/paddy.mjs', 'export-onnx', '--library', lib.dir, '--run', 'nope', out], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /paddy export-onnx: run nope has no saved model/);
  const usage = spawnSync(process.execPath, ['bin/paddy.mjs', 'export-onnx', '--library', lib.dir, out], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(usage.status, 2);
});
