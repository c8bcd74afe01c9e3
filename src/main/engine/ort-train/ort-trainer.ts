// Trains a model's parameters (a CNN, or a dense head on features) with ONNX Runtime: each batch is split across
// worker threads (one per core, each with a single-threaded session — measured faster than one session with two
// threads, whose slices, pads and unpooling run on one thread); the workers sum their gradients and apply Adam
// exactly as tfjs does, each to its share of the parameters (adam.ts). When threads cannot start (or for heads,
// or one core), one in-process session does the work and Adam runs here. The caller keeps the tfjs model for
// everything else (prediction, saving) and copies `params()` into it when it needs them. Batch norms train on each
// worker's part of the batch ("ghost" batch norm: per-part statistics); their moving statistics, which the tfjs
// model predicts with, are updated here from the parts' statistics merged into the whole batch's.
import tf from '../tfjs.cjs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { entryFile } from '../../util/entry-file';
import type { FromStepWorker, ToStepWorker } from './protocol';
import { adamUpdate } from './adam';
import { createGradEngine, type GradEngine, type GradResult } from './grad-engine';
import { stepLayersOf } from './model-spec';
import { buildStepGraph, dropoutWidths, inputLength, type StepInput, type StepLayer } from './step-graph';

export interface OrtTrainerOptions {
  layers: StepLayer[];
  input: StepInput;
  numClasses: number;
  /** Initial trainable parameters in tfjs order and layout (model.trainableWeights). Copied. */
  params: Float32Array[];
  /**
   * Initial moving mean and variance of each batch-norm layer (model.nonTrainableWeights order; default 0 and 1).
   * Each step moves them toward the whole batch's statistics as tfjs does: s ← s − (s − batch)·(1 − momentum).
   */
  stats?: Float32Array[];
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
  // Label smoothing (accuracy defaults, issue 12): targets (1 − ε)·one-hot + ε/K; the step graph's loss −Σ y·log p
  // and its gradient softmax − y hold for any targets summing to 1.
  labelSmoothing?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface OrtTrainer {
  /** e.g. "onnxruntime-cpu, 2 worker threads". */
  readonly name: string;
  /** One Adam step on n images (NHWC floats) with integer labels. Returns the batch's mean loss and accuracy. */
  step(x: Float32Array, labels: Int32Array, learningRate: number): Promise<{ loss: number; accuracy: number }>;
  /** The current trainable parameters (copies), in model.trainableWeights order. */
  params(): Float32Array[];
  /** The batch norms' current moving mean and variance (copies), in model.nonTrainableWeights order. */
  stats(): Float32Array[];
  /** Copies the current parameters into `model` (the one they came from), e.g. before validating it. */
  copyInto(model: tf.LayersModel): void;
  dispose(): Promise<void>;
}

/** The step worker's entry (util/entry-file: the source under tsx, else the bundled ort-step.worker.js). */
function workerEntry(): URL {
  return pathToFileURL(entryFile(import.meta.url, './step.worker.ts', 'ort-step.worker.js').file);
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
      this.onFailure?.();
      this.failure ??= e;
      this.pending?.reject(e);
      this.pending = null;
    };
    worker.on('error', (e) => fail(new Error(`training step worker crashed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`training step worker exited (code ${code})`)));
  }
  /** Called when this worker fails: lets the others stop waiting for it at the step's barrier. */
  onFailure: (() => void) | null = null;
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
  const probe = buildStepGraph({ input, layers, batch: 1 });
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
  // Parameters, Adam's state, each part's images and each worker's gradients live in shared memory, bound by
  // the workers once: a step's message carries only the batch, and the workers sum the gradients and apply
  // Adam themselves (each to its share of the elements, after a barrier), so nothing serial is left between
  // two steps but copying the batch in. One flat array per kind, cut into one view per tensor.
  const shared = (n: number): Float32Array => new Float32Array(new SharedArrayBuffer(n * 4));
  const lengths = opts.params.map((p) => p.length);
  const total = lengths.reduce((a, b) => a + b, 0);
  const flat = (): Float32Array => (workers.length ? shared(total) : new Float32Array(total));
  const cut = (f: Float32Array): Float32Array[] => {
    let at = 0;
    return lengths.map((n) => f.subarray(at, (at += n)));
  };
  const flatParams = flat(), flatM = flat(), flatV = flat();
  const params = cut(flatParams), m = cut(flatM), v = cut(flatV);
  params.forEach((p, i) => p.set(opts.params[i]!));
  const flatGrads = workers.map(() => shared(total));
  const control = new Int32Array(new SharedArrayBuffer(3 * 4));
  try {
    await Promise.all(workers.map((w, index) => {
      w.onFailure = () => {
        Atomics.store(control, 2, 1);
        Atomics.notify(control, 1);
      };
      return w.request({ type: 'bind', index, lengths, params: flatParams, m: flatM, v: flatV, grads: flatGrads, control });
    }));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  let staging: Float32Array = new Float32Array(0);
  const beta1 = opts.beta1 ?? 0.9, beta2 = opts.beta2 ?? 0.999, eps = opts.epsilon ?? 1e-7;
  const adam = { beta1, beta2, epsilon: eps };
  let t = 0, lrNow = 0, partsNow = 0;
  const parts: Part[] = workers.length
    ? workers.map((w) => async (rows, batch, x, y, masks) => {
        const r = await w.request({ type: 'grads', rows, batch, x, y, masks, parts: partsNow, t, lr: lrNow, adam });
        if (r.type !== 'grads') throw new Error('training step worker: unexpected reply');
        return { loss: r.loss, correct: r.correct, grads: [], stats: r.stats };
      })
    : [(rows, batch, x, y, masks) => engine!.run(rows, batch, x, y, masks, params)];
  const widths = dropoutWidths(input, layers);
  const dropouts = layers.flatMap((l) => (l.kind === 'dropout' ? [l.rate] : [])).map((rate, i) => ({ rate, units: widths[i]! }));
  const per = inputLength(input);
  const bns = (probe.stats ?? []).map((st) => st.momentum);
  const moving = (probe.stats ?? []).flatMap((st, j) => [0, 1].map((init, s) => Float32Array.from(opts.stats?.[2 * j + s] ?? new Float32Array(st.channels).fill(init))));
  let disposed = false;

  return {
    name: `onnxruntime-cpu, ${workers.length ? `${workers.length} worker threads` : `${threads} thread${threads > 1 ? 's' : ''}`}`,
    async step(x, labels, lr) {
      if (disposed) throw new Error('ort trainer: used after dispose');
      const n = labels.length;
      if (x.length !== n * per) throw new Error(`ort trainer: ${x.length} floats for ${n} rows of ${per}`);
      const y = new Float32Array(n * k);
      const smooth = opts.labelSmoothing ?? 0;
      if (smooth > 0) y.fill(smooth / k);
      labels.forEach((c, i) => (y[i * k + c] = 1 - smooth + smooth / k));
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
      t++;
      lrNow = lr;
      partsNow = used;
      Atomics.store(control, 0, 0);
      Atomics.store(control, 2, 0);
      const results = await Promise.all(Array.from({ length: used }, (_, w) => {
        const a = Math.floor((w * n) / used), b = Math.floor(((w + 1) * n) / used);
        return parts[w]!(b - a, n, src.subarray(a * per, b * per), y.slice(a * k, b * k), masks.map((mk, j) => mk.slice(a * dims[j]!, b * dims[j]!)));
      }));
      let loss = 0, correct = 0;
      for (const r of results) {
        loss += r.loss;
        correct += r.correct;
      }
      updateMoving(moving, bns, results, Array.from({ length: used }, (_, w) => Math.floor(((w + 1) * n) / used) - Math.floor((w * n) / used)));
      // The workers applied Adam already (adam.ts); the in-process session's step is applied here, the same way.
      if (!workers.length) params.forEach((p, i) => adamUpdate(p, m[i]!, v[i]!, [results[0]!.grads[i]!], 0, p.length, t, lr, adam));
      return { loss: loss / n, accuracy: correct / n };
    },
    params: () => params.map((p) => new Float32Array(p)),
    stats: () => moving.map((s) => new Float32Array(s)),
    copyInto(model) {
      const shapes = model.getWeights().map((w) => w.shape);
      const ts = [...params, ...moving].map((p, i) => tf.tensor(p, shapes[i]));
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

/**
 * Moves each batch norm's moving statistics toward this step's: the parts' statistics merged into the whole
 * batch's (row-weighted mean; variance = mean of the parts' variance + squared mean, minus the squared mean), then
 * tfjs's update in float32 — one part (one session) gives exactly what tfjs's trainOnBatch would.
 */
function updateMoving(moving: Float32Array[], momenta: number[], parts: GradResult[], rows: number[]): void {
  const n = rows.reduce((a, b) => a + b, 0);
  momenta.forEach((momentum, j) => {
    const mean = moving[2 * j]!, variance = moving[2 * j + 1]!;
    const decay = Math.fround(1 - momentum);
    for (let c = 0; c < mean.length; c++) {
      let bm: number, bv: number;
      if (parts.length === 1) {
        bm = parts[0]!.stats[2 * j]![c]!;
        bv = parts[0]!.stats[2 * j + 1]![c]!;
      } else {
        let m = 0, sq = 0;
        parts.forEach((p, i) => {
          const pm = p.stats[2 * j]![c]!;
          m += rows[i]! * pm;
          sq += rows[i]! * (p.stats[2 * j + 1]![c]! + pm * pm);
        });
        bm = m / n;
        bv = Math.max(0, sq / n - bm * bm);
      }
      mean[c] = Math.fround(mean[c]! - Math.fround(Math.fround(mean[c]! - Math.fround(bm)) * decay));
      variance[c] = Math.fround(variance[c]! - Math.fround(Math.fround(variance[c]! - Math.fround(bv)) * decay));
    }
  });
}

/** A trainer for `model` from its current weights; rejects with the reason when the step cannot express it. */
export async function createOrtTrainerFor(model: tf.LayersModel, opts: Pick<OrtTrainerOptions, 'threads' | 'parallelism' | 'rand' | 'labelSmoothing'>): Promise<OrtTrainer> {
  const spec = stepLayersOf(model);
  if ('reason' in spec) throw new Error(spec.reason);
  const all = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const trainable = model.trainableWeights.length;
  return createOrtTrainer({ ...opts, layers: spec.layers, input: spec.input, numClasses: model.outputs[0]!.shape[1] as number, params: all.slice(0, trainable), stats: all.slice(trainable) });
}
