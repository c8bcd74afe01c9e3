// The speed benchmark, shared by `npm run bench` (bench/bench.ts) and `paddy bench --json`:
// reference-CNN and default-CNN training img/s, MobileNetV2 α1.0@224 feature extraction img/s, head training
// img/s on 12,000 cached (random but fixed) features, and peak RSS. Medians of several timed runs.
// The CNN numbers are those of the engine Paddy's trainer uses on this backend (`trainEngine`: the ONNX
// Runtime step unless the backend is native TensorFlow); tfjs's own numbers are reported beside them.
// Training batches are real rice images when the dataset is there — the Keras baseline in ENVIRONMENT.md
// trained on them, and max-pooling costs depend on the data (uniform noise is its worst case) — else noise.
import fs from 'node:fs';
import path from 'node:path';
import tf from './tfjs.cjs';
import type { BackendName } from '../../shared/types';
import { useBackend } from './backends';
import { defaultConfig } from './config';
import { findWeights } from './weights/find';
import { trainHead } from './train/head-trainer';
import { buildHead } from './train/head-trainer'; // Fine-tuning on ONNX Runtime (issue 12)
import { buildCnn } from './models/cnn';
import { buildReferenceCnn } from './models/reference-cnn';
import { createOrtTrainerFor } from './ort-train/ort-trainer';
import { rng } from './random';
import { decodeMany, toBatch } from './data/images';
// PyTorch side by side (issue 12)
import os from 'node:os';
import { ratio, torchRate, type TorchRate } from './torch-peers';

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
  // PyTorch side by side (issue 12): the same work by ../shared/peers in the same run, on `threads` threads;
  // null where python3-torch (or the peers folder) is absent. Ratios are Paddy ÷ PyTorch.
  torchReferenceCnnTrainImgPerSec: number | null;
  referenceCnnVsTorch: number | null;
  torchMobilenetFeatureImgPerSec: number | null;
  mobilenetFeaturesVsTorch: number | null;
  /** Why the PyTorch numbers are null, when they are. */
  torchSkipped: string | null;
  /** The 1-minute load average when the bench ended: other work on the machine moves both sides' numbers. */
  loadAverage: number;
  // Fine-tuning on ONNX Runtime (issue 12): MobileNetV2 α1.0, the top 2 blocks + the default head on cached cut
  // activations of rice images, batch 16 as runs use — img/s of fineTune's own training loop, by the engine
  // 'auto' picks (finetuneEngine) and by tfjs on this backend. Null without the weights or the images.
  finetuneImgPerSec: number | null;
  finetuneTfjsImgPerSec: number | null;
  finetuneEngine: string | null;
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
  // PyTorch side by side (issue 12): the peers folder (../shared/peers); absent or null skips PyTorch.
  peersDir?: string | null;
  /** The interpreter with torch (default: $PYTHON, else /usr/bin/python3). */
  python?: string;
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

// Fine-tuning on ONNX Runtime (issue 12): img/s of fineTune's training loop (batches 3 to last, so loading the
// base, caching the cut activations and warming up are left out), top 2 blocks, batch 16.
export async function finetuneRate(
  modelDir: string, riceDir: string | null | undefined, engine: 'auto' | 'tfjs', count: number, threads?: number,
): Promise<{ rate: number; engine: string; perCpuSecond: number } | null> {
  if (!riceDir || !fs.existsSync(riceDir)) return null;
  const classes = fs.readdirSync(riceDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const lists = classes.map((c) => fs.readdirSync(path.join(riceDir, c)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort());
  const paths: string[] = [], labels: number[] = [];
  for (let i = 0; paths.length < count && i < count * 2; i++) {
    const c = i % classes.length, f = lists[c]![Math.floor(i / classes.length)];
    if (f !== undefined) (paths.push(path.join(riceDir, classes[c]!, f)), labels.push(c));
  }
  if (paths.length < 48) return null;
  const { fineTune } = await import('./train/mobilenet-trainer');
  const head = trainHeadModel(classes.length);
  // Wall time and this process's CPU time (all threads) at each finished batch: on a busy machine img per
  // CPU-second says what the code costs, whatever share of the cores it got.
  const times: Array<{ wall: number; cpu: number }> = [];
  const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  let name = '';
  try {
    const { base } = await fineTune(head, {
      modelDir, blocks: 2, epochs: 1, batchSize: 16, learningRate: 1e-4, seed: 1, engine, threads,
      train: { paths, y: Int32Array.from(labels) }, onEngine: (e) => (name = e), onBatch: () => times.push({ wall: performance.now(), cpu: cpuMs() }),
    });
    base.dispose();
  } finally {
    head.dispose();
  }
  // From the end of the 2nd batch: a session's first two runs (creation, then ORT planning its memory) are a
  // one-off second that a real epoch of hundreds of batches does not notice.
  const batches = times.length - 2;
  if (batches <= 0) return null;
  const [first, last] = [times[1]!, times.at(-1)!];
  return { rate: round((batches * 16 * 1000) / (last.wall - first.wall)), engine: name, perCpuSecond: round((batches * 16 * 1000) / (last.cpu - first.cpu)) };
}

/** The default MobileNetV2 head (dense + dropout + softmax) on 1280 pooled features. */
function trainHeadModel(classes: number): tf.LayersModel {
  const hc = defaultConfig('mobilenetv2');
  return buildHead(1280, classes, hc.dense, hc.dropout, 1);
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
  // PyTorch side by side (issue 12): right after Paddy's own measurement, on as many threads.
  const torchSkips: string[] = [];
  const peer = async (work: 'referenceCnn' | 'mobilenetFeatures'): Promise<number | null> => {
    if (!opts.peersDir) return (torchSkips.push('no peers folder given'), null);
    const r: TorchRate = await torchRate(work, { peersDir: opts.peersDir, python: opts.python, threads });
    if (r.rate === null) torchSkips.push(r.reason);
    return r.rate;
  };
  const torchRef = await peer('referenceCnn');
  if (torchRef !== null) log(`reference CNN, PyTorch ${threads} thread${threads > 1 ? 's' : ''}: ${torchRef} img/s`);
  const single = await trainRate(ref, 64, 5, refData, runs, steps);
  ref.dispose();
  log(`reference CNN, tfjs ${active}, 1 thread: ${single} img/s`);

  const cfg = defaultConfig('cnn');
  let defaultCnn: number | null = null, defaultCnnTfjs: number | null = null;
  if (cfg.model === 'cnn') {
    const m = buildCnn({ imageSize: cfg.imageSize, filters: cfg.filters, dense: cfg.dense, dropout: cfg.dropout, batchNorm: cfg.batchNorm, globalPool: cfg.globalPool, numClasses: 5, seed: 1 });
    m.compile({ optimizer: tf.train.adam(cfg.learningRate), loss: 'categoricalCrossentropy' });
    const data = inputs(await riceBatches(opts.riceDir, cfg.imageSize, cfg.batchSize, count), cfg.imageSize, cfg.batchSize, 5);
    defaultCnn = native ? null : (await ortRate(m, data, runs, steps, threads))?.rate ?? null;
    defaultCnnTfjs = await trainRate(m, cfg.imageSize, 5, data, runs, steps);
    m.dispose();
    log(`default CNN (${cfg.imageSize}px, filters ${cfg.filters}${cfg.batchNorm ? ', batch norm' : ''}${cfg.globalPool ? ', global pooling' : ''}): ${defaultCnn ?? '—'} img/s (tfjs ${active}: ${defaultCnnTfjs})`);
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
  // PyTorch side by side (issue 12): measured only when Paddy's features were.
  const torchMobilenet = mobilenet === null || torchSkips.length ? null : await peer('mobilenetFeatures');
  if (torchMobilenet !== null) log(`MobileNetV2 1.0@224 features, PyTorch ${threads} threads: ${torchMobilenet} img/s`);

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

  // Fine-tuning on ONNX Runtime (issue 12): the ONNX step first, then tfjs (the slow one, fewer images).
  const tuneDir = opts.mobilenetDir && !opts.skipMobilenet && fs.existsSync(path.join(opts.mobilenetDir, 'mobilenet_v2_1.00_224_no_top', 'model.json')) ? findWeights(1, { weightsDir: opts.mobilenetDir }) : null;
  const finetune = tuneDir ? await finetuneRate(tuneDir, opts.riceDir, 'auto', opts.quick ? 48 : 192, threads) : null;
  const finetuneTfjs = tuneDir ? await finetuneRate(tuneDir, opts.riceDir, 'tfjs', opts.quick ? 48 : 80) : null;
  if (finetune) log(`fine-tuning MobileNetV2 1.0 top 2 blocks (${finetune.engine}): ${finetune.rate} img/s (tfjs ${active}: ${finetuneTfjs?.rate ?? '—'})`);

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
    // PyTorch side by side (issue 12)
    torchReferenceCnnTrainImgPerSec: torchRef,
    referenceCnnVsTorch: ratio(ortRef?.rate ?? single, torchRef),
    torchMobilenetFeatureImgPerSec: torchMobilenet,
    mobilenetFeaturesVsTorch: ratio(mobilenet, torchMobilenet),
    torchSkipped: torchSkips.length ? [...new Set(torchSkips)].join('; ') : null,
    loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
    // Fine-tuning on ONNX Runtime (issue 12)
    finetuneImgPerSec: finetune?.rate ?? null,
    finetuneTfjsImgPerSec: finetuneTfjs?.rate ?? null,
    finetuneEngine: finetune?.engine ?? null,
  };
}
