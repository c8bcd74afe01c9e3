// Trains a model's parameters (a CNN, or a dense head on features) with ONNX Runtime: each batch is split across
// worker threads (one per core, each with a single-threaded session — measured faster than one session with two
// threads, whose slices, pads and unpooling run on one thread), their gradients are summed, and Adam is applied
// here exactly as tfjs applies it. When threads cannot start (or for heads, or one core), one in-process
// session does the work. The caller keeps the
// tfjs model for everything else (prediction, saving) and copies `params()` into it when it needs them.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromStepWorker, ToStepWorker } from './protocol';
import { createGradEngine, type GradEngine, type GradResult } from './grad-engine';
import { stepLayersOf } from './model-spec';
import { buildStepGraph, dropoutWidths, inputLength, type StepInput, type StepLayer } from './step-graph';

export interface OrtTrainerOptions {
  layers: StepLayer[];
  input: StepInput;
  numClasses: number;
  /** Initial parameters in tfjs order and layout (model.getWeights()). Copied. */
  params: Float32Array[];
  /** Cores to use (default: all). 1 → one in-process session. */
  threads?: number;
  /**
   * 'workers' (default): one single-threaded session per core, each on part of the batch — best for CNNs,
   * whose slices and unpooling ORT runs on one thread. 'session': one in-process session with `threads`
   * intra-op threads — no worker start-up or messages, for small dense models (a head on features) whose
   * GEMMs MLAS spreads over the threads itself.
   */
  parallelism?: 'workers' | 'session';
  /** Dropout masks come from this (seeded) generator, so a run is reproducible. */
  rand: () => number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface OrtTrainer {
  /** e.g. "onnxruntime-cpu, 2 worker threads". */
  readonly name: string;
  /** One Adam step on n images (NHWC floats) with integer labels. Returns the batch's mean loss and accuracy. */
  step(x: Float32Array, labels: Int32Array, learningRate: number): Promise<{ loss: number; accuracy: number }>;
  /** The current parameters (copies), in model.getWeights() order. */
  params(): Float32Array[];
  /** Copies the current parameters into `model` (the one they came from), e.g. before validating it. */
  copyInto(model: tf.LayersModel): void;
  dispose(): Promise<void>;
}

/**
 * The worker's entry: the TypeScript source under tsx; else the bundled file next to the main bundle (this code
 * may sit in chunks/ below it) — in a packaged app its asar-unpacked copy, as worker threads read real files.
 */
function workerEntry(): URL {
  const source = new URL('./step.worker.ts', import.meta.url);
  if (source.protocol === 'file:' && fs.existsSync(fileURLToPath(source))) return source;
  for (const rel of ['./ort-step.worker.js', '../ort-step.worker.js']) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    const unpacked = file.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    for (const f of unpacked !== file ? [unpacked, file] : [file]) if (fs.existsSync(f)) return pathToFileURL(f);
  }
  throw new Error('ort-step.worker.js is not next to the main bundle');
}

function spawn(entry: URL): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  // A worker's entry is resolved before any --import hook runs: register tsx first (CLI, tests, bench).
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { eval: true });
}

/** One worker thread and its single pending request. */
class StepWorker {
  private pending: { resolve: (m: FromStepWorker) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromStepWorker) => {
      const p = this.pending;
      this.pending = null;
      if (m.type === 'error') p?.reject(new Error(`training step worker: ${m.message}`));
      else p?.resolve(m);
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      this.pending?.reject(e);
      this.pending = null;
    };
    worker.on('error', (e) => fail(new Error(`training step worker crashed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`training step worker exited (code ${code})`)));
  }
  request(msg: ToStepWorker, transfer: ArrayBuffer[] = []): Promise<FromStepWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg, transfer);
    });
  }
  async terminate(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

type Part = (rows: number, batch: number, x: Float32Array, y: Float32Array, masks: Float32Array[]) => Promise<GradResult>;

async function startWorkers(n: number, layers: StepLayer[], input: StepInput): Promise<StepWorker[]> {
  const entry = workerEntry();
  const workers = Array.from({ length: n }, () => new StepWorker(spawn(entry)));
  try {
    await Promise.all(workers.map((w) => w.request({ type: 'init', layers, input, threads: 1 })));
    return workers;
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
}

export async function createOrtTrainer(opts: OrtTrainerOptions): Promise<OrtTrainer> {
  const { layers, input, numClasses: k } = opts;
  const threads = Math.max(1, Math.floor(opts.threads ?? os.availableParallelism()));
  // Build the graph once here (milliseconds): a model the step cannot express fails now, where a caller can
  // still fall back to tfjs, instead of inside a worker at the first batch.
  buildStepGraph({ input, layers, batch: 1 });
  let workers: StepWorker[] = [];
  let engine: GradEngine | null = null;
  if (threads > 1 && opts.parallelism !== 'session') {
    try {
      workers = await startWorkers(threads, layers, input);
    } catch {
      workers = []; // fall back to one in-process session using every core
    }
  }
  if (!workers.length) engine = await createGradEngine(layers, input, threads);
  // Parameters, each part's images and each worker's gradients live in shared memory: a typed array over a
  // SharedArrayBuffer crosses postMessage by reference, so a step copies the batch once and clones nothing.
  const shared = (n: number): Float32Array => new Float32Array(new SharedArrayBuffer(n * 4));
  const params = opts.params.map((p) => (workers.length ? shared(p.length) : new Float32Array(p.length)));
  params.forEach((p, i) => p.set(opts.params[i]!));
  const gradsOut = workers.map(() => params.map((p) => shared(p.length)));
  let staging: Float32Array = new Float32Array(0);
  const parts: Part[] = workers.length
    ? workers.map((w, wi) => async (rows, batch, x, y, masks) => {
        const r = await w.request({ type: 'grads', rows, batch, x, y, masks, params, grads: gradsOut[wi]! });
        if (r.type !== 'grads') throw new Error('training step worker: unexpected reply');
        return { loss: r.loss, correct: r.correct, grads: gradsOut[wi]! };
      })
    : [(rows, batch, x, y, masks) => engine!.run(rows, batch, x, y, masks, params)];

  const m = params.map((p) => new Float32Array(p.length));
  const v = params.map((p) => new Float32Array(p.length));
  const beta1 = opts.beta1 ?? 0.9, beta2 = opts.beta2 ?? 0.999, eps = opts.epsilon ?? 1e-7;
  let t = 0;
  const widths = dropoutWidths(input, layers);
  const dropouts = layers.flatMap((l) => (l.kind === 'dropout' ? [l.rate] : [])).map((rate, i) => ({ rate, units: widths[i]! }));
  const per = inputLength(input);
  let disposed = false;

  return {
    name: `onnxruntime-cpu, ${workers.length ? `${workers.length} worker threads` : `${threads} thread${threads > 1 ? 's' : ''}`}`,
    async step(x, labels, lr) {
      if (disposed) throw new Error('ort trainer: used after dispose');
      const n = labels.length;
      if (x.length !== n * per) throw new Error(`ort trainer: ${x.length} floats for ${n} rows of ${per}`);
      const y = new Float32Array(n * k);
      labels.forEach((c, i) => (y[i * k + c] = 1));
      const masks = dropouts.map((d) => {
        const mask = new Float32Array(n * d.units);
        const keep = 1 / (1 - d.rate);
        for (let i = 0; i < mask.length; i++) mask[i] = opts.rand() < d.rate ? 0 : keep;
        return mask;
      });
      // Rows split as evenly as possible; a part with no rows is not sent.
      const used = Math.min(parts.length, n);
      if (workers.length) {
        if (staging.length < x.length) staging = shared(x.length);
        staging.set(x);
      }
      const src = workers.length ? staging : x;
      const dims = dropouts.map((d) => d.units);
      const results = await Promise.all(Array.from({ length: used }, (_, w) => {
        const a = Math.floor((w * n) / used), b = Math.floor(((w + 1) * n) / used);
        return parts[w]!(b - a, n, src.subarray(a * per, b * per), y.slice(a * k, b * k), masks.map((mk, j) => mk.slice(a * dims[j]!, b * dims[j]!)));
      }));
      let loss = 0, correct = 0;
      for (const r of results) {
        loss += r.loss;
        correct += r.correct;
      }
      // Adam as tfjs does it (adam_optimizer.ts), in float32 storage: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
      // p ← p − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε).
      t++;
      const c1 = 1 / (1 - beta1 ** t), c2 = 1 / (1 - beta2 ** t);
      const b1 = 1 - beta1, b2 = 1 - beta2, step = lr * c1;
      params.forEach((p, i) => {
        const mi = m[i]!, vi = v[i]!;
        const g = results[0]!.grads[i]!;
        for (let r = 1; r < results.length; r++) {
          const more = results[r]!.grads[i]!;
          for (let j = 0; j < g.length; j++) g[j] = g[j]! + more[j]!;
        }
        for (let j = 0; j < p.length; j++) {
          const gj = g[j]!;
          const mj = beta1 * mi[j]! + b1 * gj;
          const vj = beta2 * vi[j]! + b2 * gj * gj;
          mi[j] = mj;
          vi[j] = vj;
          p[j] = p[j]! - (step * mj) / (Math.sqrt(vj * c2) + eps);
        }
      });
      return { loss: loss / n, accuracy: correct / n };
    },
    params: () => params.map((p) => new Float32Array(p)),
    copyInto(model) {
      const shapes = model.getWeights().map((w) => w.shape);
      const ts = params.map((p, i) => tf.tensor(p, shapes[i]));
      model.setWeights(ts);
      tf.dispose(ts);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all(workers.map((w) => w.terminate()));
      await engine?.release();
    },
  };
}

/** A trainer for `model` from its current weights; rejects with the reason when the step cannot express it. */
export async function createOrtTrainerFor(model: tf.LayersModel, opts: Pick<OrtTrainerOptions, 'threads' | 'parallelism' | 'rand'>): Promise<OrtTrainer> {
  const spec = stepLayersOf(model);
  if ('reason' in spec) throw new Error(spec.reason);
  const params = model.getWeights().map((w) => w.dataSync() as Float32Array);
  return createOrtTrainer({ ...opts, layers: spec.layers, input: spec.input, numClasses: model.outputs[0]!.shape[1] as number, params });
}
