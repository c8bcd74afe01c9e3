// The speed benchmark of issue 4, shared by `npm run bench` (bench/bench.ts) and `paddy bench --json`:
// reference-CNN and default-CNN training img/s, MobileNetV2 α1.0@224 feature extraction img/s, head training
// img/s on 12,000 cached (random but fixed) features, and peak RSS. Medians of several timed runs.
// The CNN numbers are those of the engine Paddy's trainer uses on this backend (`trainEngine`: the ONNX
// Runtime step unless the backend is native TensorFlow); tfjs's own numbers are reported beside them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../../shared/types';
import { useBackend } from '../backends';
import { defaultConfig } from '../config';
import { trainHead } from '../head-trainer';
import { buildCnn } from '../models/cnn';
import { createParallelTrainer } from './parallel-trainer';
import { buildReferenceCnn } from './reference-cnn';
import { stepLayersOf } from '../ort-train/model-spec';
import { createOrtTrainer } from '../ort-train/ort-trainer';
import { rng } from '../random';

export interface BenchResult {
  backend: string;
  /** Threads the training engine used for referenceCnnTrainImgPerSec. */
  threads: number;
  /** What trains CNNs on this backend (fitImages 'auto'): "onnxruntime-cpu, 2 worker threads", "tfjs wasm"… */
  trainEngine: string;
  referenceCnnTrainImgPerSec: number | null;
  referenceCnnTrainImgPerSecSingleThread: number | null;
  /** tfjs on this backend: one thread, and data-parallel across worker threads (wasm only). */
  referenceCnnTfjsImgPerSec: number | null;
  referenceCnnTfjsParallelImgPerSec: number | null;
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
  /** Worker threads for the parallel reference-CNN measurement (default 2; 1 skips it). */
  threads?: number;
  /** MobileNetV2 weights root (…/mobilenet_v2); null skips (c). */
  mobilenetDir?: string | null;
  skipMobilenet?: boolean;
  skipHead?: boolean;
  log?: (line: string) => void;
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

async function trainRate(model: tf.LayersModel, size: number, classes: number, batch: number, runs: number, steps: number): Promise<number> {
  const x = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 7);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % classes), 'int32'), classes);
  try {
    return await rate(batch, runs, steps, async () => { await model.trainOnBatch(x, y); });
  } finally {
    tf.dispose([x, y]);
  }
}

/** img/s of the ONNX Runtime step training `model` (random but fixed images), or null when it cannot. */
async function ortRate(model: tf.LayersModel, classes: number, batch: number, runs: number, steps: number, threads: number): Promise<{ rate: number; name: string } | null> {
  const spec = stepLayersOf(model);
  if ('reason' in spec) return null;
  const params = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const trainer = await createOrtTrainer({ layers: spec.layers, size: spec.size, numClasses: classes, params, threads, rand: rng(3) }).catch(() => null);
  if (!trainer) return null;
  const r = rng(7);
  const x = Float32Array.from({ length: batch * spec.size * spec.size * 3 }, () => r());
  const labels = Int32Array.from({ length: batch }, (_, i) => i % classes);
  try {
    return { rate: await rate(batch, runs, steps, async () => { await trainer.step(x, labels, 1e-3); }), name: trainer.name };
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
  const ref = buildReferenceCnn(5, 1);
  const ortRef = native ? null : await ortRate(ref, 5, 32, runs, steps, threads);
  const ortRef1 = native || threads === 1 ? null : await ortRate(ref, 5, 32, runs, steps, 1);
  if (ortRef) log(`reference CNN, ${ortRef.name}: ${ortRef.rate} img/s${ortRef1 ? ` (1 thread: ${ortRef1.rate})` : ''}`);
  const single = await trainRate(ref, 64, 5, 32, runs, steps);
  ref.dispose();
  log(`reference CNN, tfjs ${active}, 1 thread: ${single} img/s`);

  let parallel: number | null = null;
  if (threads > 1 && backend === 'wasm') {
    const modelModule = fileURLToPath(new URL('./reference-cnn' + path.extname(fileURLToPath(import.meta.url)), import.meta.url));
    const trainer = await createParallelTrainer({ modelModule, modelArgs: { numClasses: 5, seed: 1 }, threads, backend: 'wasm' });
    try {
      const n = 32, xs = new Float32Array(n * 64 * 64 * 3).map((_, i) => (i % 251) / 251);
      const ys = new Float32Array(n * 5).map((_, i) => (i % 5 === Math.floor(i / 5) % 5 ? 1 : 0));
      parallel = await rate(n, runs, steps, async () => { await trainer.trainBatch(xs.slice(), [n, 64, 64, 3], ys.slice(), [n, 5]); });
    } finally {
      await trainer.dispose();
    }
    log(`reference CNN, tfjs ${active}, ${threads} worker threads: ${parallel} img/s`);
  }

  const cfg = defaultConfig('cnn');
  let defaultCnn: number | null = null, defaultCnnTfjs: number | null = null;
  if (cfg.model === 'cnn') {
    const m = buildCnn({ imageSize: cfg.imageSize, filters: cfg.filters, dense: cfg.dense, dropout: cfg.dropout, numClasses: 5, seed: 1 });
    m.compile({ optimizer: tf.train.adam(cfg.learningRate), loss: 'categoricalCrossentropy' });
    defaultCnn = native ? null : (await ortRate(m, 5, cfg.batchSize, runs, steps, threads))?.rate ?? null;
    defaultCnnTfjs = await trainRate(m, cfg.imageSize, 5, cfg.batchSize, runs, steps);
    m.dispose();
    log(`default CNN (${cfg.imageSize}px, filters ${cfg.filters}): ${defaultCnn ?? '—'} img/s (tfjs ${active}: ${defaultCnnTfjs})`);
  }

  let mobilenet: number | null = null, extractorName: string | null = null;
  const weights = opts.mobilenetDir;
  if (!opts.skipMobilenet && weights && fs.existsSync(path.join(weights, 'mobilenet_v2_1.00_224_no_top', 'model.json'))) {
    const { createOnnxExtractor } = await import('../onnx/extractor');
    const { createTfjsExtractor } = await import('../tfjs-extractor');
    const ex = (backend === 'wasm' ? await createOnnxExtractor(weights, 1).catch(() => null) : null) ?? (await createTfjsExtractor(weights, 1, backend));
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

  const tfjsBest = parallel !== null ? Math.max(parallel, single) : single;
  return {
    backend: active,
    threads: ortRef ? threads : parallel !== null ? threads : 1,
    trainEngine: ortRef?.name ?? `tfjs ${active}`,
    referenceCnnTrainImgPerSec: ortRef?.rate ?? tfjsBest,
    referenceCnnTrainImgPerSecSingleThread: ortRef ? (ortRef1?.rate ?? ortRef.rate) : single,
    referenceCnnTfjsImgPerSec: single,
    referenceCnnTfjsParallelImgPerSec: parallel,
    defaultCnnTrainImgPerSec: defaultCnn ?? defaultCnnTfjs,
    defaultCnnTfjsImgPerSec: defaultCnnTfjs,
    mobilenetFeatureImgPerSec: mobilenet,
    mobilenetExtractor: extractorName,
    headTrainImgPerSec: head,
    headTrain20EpochsSeconds: head20,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
