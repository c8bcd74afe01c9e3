// The speed benchmark, shared by `npm run bench` (bench/bench.ts) and `paddy bench --json`:
// reference-CNN and default-CNN training img/s, MobileNetV2 α1.0@224 feature extraction img/s, head training
// img/s on 12,000 cached (random but fixed) features, and peak RSS. Medians of several timed runs.
// The CNN numbers are those of the engine Paddy's trainer uses on this backend (`trainEngine`: the ONNX
// Runtime step unless the backend is native TensorFlow); tfjs's own numbers are reported beside them.
// Training batches are real rice images when the dataset is there — the Keras baseline in ENVIRONMENT.md
// trained on them, and max-pooling costs depend on the data (uniform noise is its worst case) — else noise.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../shared/types';
import { useBackend } from './backends';
import { defaultConfig } from './config';
import { findWeights } from './weights/find';
import { trainHead } from './train/head-trainer';
import { buildCnn } from './models/cnn';
import { buildReferenceCnn } from './models/reference-cnn';
import { createOrtTrainerFor } from './ort-train/ort-trainer';
import { rng } from './random';
import { decodeMany, toBatch } from './data/images';

export interface BenchResult {
  backend: string;
  /** Threads the training engine used for referenceCnnTrainImgPerSec. */
  threads: number;
  /** What trains CNNs on this backend (fitImages 'auto'): "onnxruntime-cpu, 2 worker threads", "tfjs wasm"… */
  trainEngine: string;
  /** What the CNN training batches were: real rice images (like the Keras baseline) or uniform noise. */
  trainImages: 'rice' | 'uniform noise';
  referenceCnnTrainImgPerSec: number | null;
  referenceCnnTrainImgPerSecSingleThread: number | null;
  /** tfjs on this backend, one thread. */
  referenceCnnTfjsImgPerSec: number | null;
  defaultCnnTrainImgPerSec: number | null;
  defaultCnnTfjsImgPerSec: number | null;
  mobilenetFeatureImgPerSec: number | null;
  mobilenetExtractor: string | null;
  headTrainImgPerSec: number | null;
  headTrain20EpochsSeconds: number | null;
  peakRssMb: number;
}

export interface BenchOptions {
  /** Fewer, shorter runs (tests, smoke checks). */
  quick?: boolean;
  /** Worker threads for the ONNX Runtime training step (default 2; 1 skips the extra one-thread measurement). */
  threads?: number;
  /** MobileNetV2 weights root (…/mobilenet_v2); null skips (c). */
  mobilenetDir?: string | null;
  skipMobilenet?: boolean;
  skipHead?: boolean;
  /** A folder with one sub-folder per class (the rice dataset): training batches are its images. */
  riceDir?: string | null;
  log?: (line: string) => void;
}

/** `count` images of the dataset at `size` px as one NHWC float batch per 32, classes taken in turn; null without it. */
async function riceBatches(dir: string | null | undefined, size: number, batch: number, count: number): Promise<Array<{ x: Float32Array; labels: Int32Array }> | null> {
  if (!dir || !fs.existsSync(dir)) return null;
  const classes = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  if (!classes.length) return null;
  const lists = classes.map((c) => fs.readdirSync(path.join(dir, c)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort());
  const files: string[] = [], labels: number[] = [];
  for (let i = 0; files.length < count; i++) {
    const c = i % classes.length, f = lists[c]![Math.floor(i / classes.length)];
    if (f === undefined) break;
    files.push(path.join(dir, classes[c]!, f));
    labels.push(c % 5);
  }
  const pixels = await decodeMany(files, size);
  const out: Array<{ x: Float32Array; labels: Int32Array }> = [];
  for (let s = 0; s + batch <= pixels.length; s += batch) out.push({ x: toBatch(pixels.slice(s, s + batch), size, 'unit'), labels: Int32Array.from(labels.slice(s, s + batch)) });
  return out.length ? out : null;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const round = (x: number) => Math.round(x * 10) / 10;

/** img/s of `step` (which trains on `batch` images), median of `runs` runs of `steps` steps after warm-up. */
async function rate(batch: number, runs: number, steps: number, step: () => Promise<void>): Promise<number> {
  await step();
  await step();
  const r: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) await step();
    r.push((batch * steps * 1000) / (performance.now() - t0));
  }
  return round(median(r));
}

async function trainRate(model: tf.LayersModel, size: number, classes: number, data: Batches, runs: number, steps: number): Promise<number> {
  const ts = data.map((b) => ({ x: tf.tensor4d(b.x, [b.labels.length, size, size, 3]), y: tf.oneHot(tf.tensor1d(b.labels, 'int32'), classes) }));
  let i = 0;
  try {
    return await rate(data[0]!.labels.length, runs, steps, async () => { const b = ts[i++ % ts.length]!; await model.trainOnBatch(b.x, b.y); });
  } finally {
    tf.dispose(ts.flatMap((b) => [b.x, b.y]));
  }
}

type Batches = Array<{ x: Float32Array; labels: Int32Array }>;

/** Rice batches when given, else one batch of uniform noise. */
function inputs(batches: Batches | null, size: number, batch: number, classes: number): Batches {
  if (batches) return batches;
  const r = rng(7);
  return [{ x: Float32Array.from({ length: batch * size * size * 3 }, () => r()), labels: Int32Array.from({ length: batch }, (_, i) => i % classes) }];
}

/** img/s of the ONNX Runtime step training `model`, or null when it cannot. */
async function ortRate(model: tf.LayersModel, data: Batches, runs: number, steps: number, threads: number): Promise<{ rate: number; name: string } | null> {
  const trainer = await createOrtTrainerFor(model, { threads, rand: rng(3) }).catch(() => null);
  if (!trainer) return null;
  let i = 0;
  try {
    return { rate: await rate(data[0]!.labels.length, runs, steps, async () => { const b = data[i++ % data.length]!; await trainer.step(b.x, b.labels, 1e-3); }), name: trainer.name };
  } finally {
    await trainer.dispose();
  }
}

export async function runSpeedBench(backend: BackendName, opts: BenchOptions = {}): Promise<BenchResult> {
  const log = opts.log ?? (() => {});
  const slow = backend === 'cpu';
  const runs = opts.quick || slow ? 1 : 5;
  const steps = opts.quick || slow ? 1 : 8;
  await useBackend(backend, 'train-conv');
  const active = tf.getBackend();

  const threads = opts.threads ?? 2;
  const native = active === 'tensorflow';
  const count = opts.quick ? 32 : 128;
  const riceRef = await riceBatches(opts.riceDir, 64, 32, count);
  const refData = inputs(riceRef, 64, 32, 5);
  const ref = buildReferenceCnn(5, 1);
  const ortRef = native ? null : await ortRate(ref, refData, runs, steps, threads);
  const ortRef1 = native || threads === 1 ? null : await ortRate(ref, refData, runs, steps, 1);
  if (ortRef) log(`reference CNN, ${ortRef.name}: ${ortRef.rate} img/s${ortRef1 ? ` (1 thread: ${ortRef1.rate})` : ''}`);
  const single = await trainRate(ref, 64, 5, refData, runs, steps);
  ref.dispose();
  log(`reference CNN, tfjs ${active}, 1 thread: ${single} img/s`);

  const cfg = defaultConfig('cnn');
  let defaultCnn: number | null = null, defaultCnnTfjs: number | null = null;
  if (cfg.model === 'cnn') {
    const m = buildCnn({ imageSize: cfg.imageSize, filters: cfg.filters, dense: cfg.dense, dropout: cfg.dropout, numClasses: 5, seed: 1 });
    m.compile({ optimizer: tf.train.adam(cfg.learningRate), loss: 'categoricalCrossentropy' });
    const data = inputs(await riceBatches(opts.riceDir, cfg.imageSize, cfg.batchSize, count), cfg.imageSize, cfg.batchSize, 5);
    defaultCnn = native ? null : (await ortRate(m, data, runs, steps, threads))?.rate ?? null;
    defaultCnnTfjs = await trainRate(m, cfg.imageSize, 5, data, runs, steps);
    m.dispose();
    log(`default CNN (${cfg.imageSize}px, filters ${cfg.filters}): ${defaultCnn ?? '—'} img/s (tfjs ${active}: ${defaultCnnTfjs})`);
  }

  let mobilenet: number | null = null, extractorName: string | null = null;
  const weights = opts.mobilenetDir;
  if (!opts.skipMobilenet && weights && fs.existsSync(path.join(weights, 'mobilenet_v2_1.00_224_no_top', 'model.json'))) {
    const { createOnnxExtractor } = await import('./onnx/runtime/extractor');
    const { createTfjsExtractor } = await import('./features/tfjs-extractor');
    // The α1.0 model folder inside the weights root (the tfjs extractor wants the model folder itself).
    const modelDir = findWeights(1, { weightsDir: weights });
    const ex = (backend === 'wasm' ? await createOnnxExtractor(modelDir, 1).catch(() => null) : null) ?? (await createTfjsExtractor(modelDir, 1, backend));
    extractorName = ex.name;
    const n = slow ? 2 : 16;
    const batch = new Float32Array(n * 224 * 224 * 3).map((_, i) => ((i % 255) / 127.5) - 1);
    try {
      mobilenet = await rate(n, slow || opts.quick ? 1 : 3, 1, async () => { await ex.extract(batch, n); });
    } finally {
      await ex.dispose();
    }
    await useBackend(backend, 'train-conv');
    log(`MobileNetV2 1.0@224 features (${extractorName}): ${mobilenet} img/s`);
  }

  let head: number | null = null, head20: number | null = null;
  if (!opts.skipHead) {
    const rows = opts.quick ? 2000 : 12000, dims = 1280, epochs = opts.quick ? 1 : 3;
    const x = new Float32Array(rows * dims);
    let s = 12345;
    for (let i = 0; i < x.length; i++) { s = (s * 1103515245 + 12345) >>> 0; x[i] = (s >>> 8) / 16777216; }
    const y = Int32Array.from({ length: rows }, (_, i) => i % 5);
    const hc = defaultConfig('mobilenetv2');
    const t0 = performance.now();
    const model = await trainHead(x, dims, y, 5, { dense: hc.dense, dropout: hc.dropout, epochs, batchSize: hc.batchSize, learningRate: hc.learningRate, seed: 1 });
    const sec = (performance.now() - t0) / 1000;
    model.dispose();
    head = round((rows * epochs) / sec);
    head20 = round((12000 * 20) / head);
    log(`head on cached features: ${head} img/s (20 epochs of 12,000 ≈ ${head20} s)`);
  }

  return {
    backend: active,
    threads: ortRef ? threads : 1,
    trainEngine: ortRef?.name ?? `tfjs ${active}`,
    trainImages: riceRef ? 'rice' : 'uniform noise',
    referenceCnnTrainImgPerSec: ortRef?.rate ?? single,
    referenceCnnTrainImgPerSecSingleThread: ortRef ? (ortRef1?.rate ?? ortRef.rate) : single,
    referenceCnnTfjsImgPerSec: single,
    defaultCnnTrainImgPerSec: defaultCnn ?? defaultCnnTfjs,
    defaultCnnTfjsImgPerSec: defaultCnnTfjs,
    mobilenetFeatureImgPerSec: mobilenet,
    mobilenetExtractor: extractorName,
    headTrainImgPerSec: head,
    headTrain20EpochsSeconds: head20,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
