// Data-parallel training across worker_threads. The wasm backend is single-threaded under Node, so the only
// way to use both cores for one model is one replica per thread: each batch is split into shards, every
// replica computes its shard's gradients, the caller averages them (weighted by shard size — exactly the
// full batch's mean-loss gradient) and every replica applies that same update with its own optimizer.
// Gradients (not weights) cross threads: for the reference CNN that is ~40k floats per step per worker.
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import type { FromWorker, ToWorker, WeightBlob } from './protocol';

export interface ParallelTrainerOptions {
  /** Path (or file: URL) of an ESM module exporting `buildModel(modelArgs)` → a compiled tf.LayersModel. */
  modelModule: string;
  modelArgs?: unknown;
  /** Worker threads (default: the machine's cores, at most 4). */
  threads?: number;
  backend?: 'wasm' | 'cpu';
}

export interface ParallelTrainer {
  readonly threads: number;
  readonly backend: string;
  /** One optimizer step on a batch (x: NHWC floats, y: one-hot). Returns the batch's mean loss. */
  trainBatch(x: Float32Array, xShape: number[], y: Float32Array, yShape: number[]): Promise<{ loss: number }>;
  /** All weights (trainable and not) from replica 0, in model.weights order. */
  getWeights(): Promise<WeightBlob[]>;
  setWeights(weights: WeightBlob[]): Promise<void>;
  dispose(): Promise<void>;
}

const WORKER_URL = new URL('./grad.worker.ts', import.meta.url);

/**
 * Under tsx (CLI, tests, bench) the worker is TypeScript, and a worker's entry file is resolved before any
 * --import hook runs, so a tiny eval'd bootstrap registers tsx first. A bundled build points at plain JS.
 */
function spawnWorker(): Worker {
  if (!WORKER_URL.pathname.endsWith('.ts')) return new Worker(WORKER_URL);
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(code, { eval: true });
}

class Replica {
  private readonly worker: Worker;
  private waiting: Array<{ resolve: (m: FromWorker) => void; reject: (e: Error) => void }> = [];
  private failure: Error | null = null;

  constructor() {
    this.worker = spawnWorker();
    this.worker.on('message', (m: FromWorker) => {
      const w = this.waiting.shift();
      if (!w) return;
      if (m.type === 'error') w.reject(new Error(`parallel trainer worker: ${m.message}`));
      else w.resolve(m);
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    this.worker.on('error', (e) => fail(new Error(`parallel trainer worker crashed: ${e.message}`)));
    this.worker.on('exit', (code) => { if (code !== 0) fail(new Error(`parallel trainer worker exited with code ${code}`)); });
  }

  post(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(msg, transfer);
  }

  request(msg: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    const p = new Promise<FromWorker>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.worker.postMessage(msg, transfer);
    return p;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export async function createParallelTrainer(opts: ParallelTrainerOptions): Promise<ParallelTrainer> {
  const threads = Math.max(1, opts.threads ?? Math.min(4, os.availableParallelism()));
  const backend = opts.backend ?? 'wasm';
  const replicas = Array.from({ length: threads }, () => new Replica());
  let readyBackend = backend as string;
  try {
    const ready = await Promise.all(replicas.map((r) => r.request({ type: 'init', modelModule: opts.modelModule, modelArgs: opts.modelArgs ?? {}, backend })));
    readyBackend = (ready[0] as Extract<FromWorker, { type: 'ready' }>).backend;
    // Replicas must start identical: copy replica 0's initial weights to the others (initialisers may be unseeded).
    const first = (await replicas[0].request({ type: 'getWeights' })) as Extract<FromWorker, { type: 'weights' }>;
    await Promise.all(replicas.slice(1).map((r) => r.request({ type: 'setWeights', weights: first.weights })));
  } catch (e) {
    await Promise.all(replicas.map((r) => r.terminate()));
    throw e;
  }
  let step = 0;
  let disposed = false;

  async function trainBatch(x: Float32Array, xShape: number[], y: Float32Array, yShape: number[]): Promise<{ loss: number }> {
    if (disposed) throw new Error('parallel trainer: already disposed');
    const n = xShape[0];
    if (y.length !== n * (yShape[1] ?? 1)) throw new Error(`parallel trainer: ${n} images but labels of shape ${yShape}`);
    const xPer = x.length / n, yPer = y.length / n;
    const shards = Math.min(threads, n);
    const base = Math.floor(n / shards), extra = n % shards;
    const pending: Array<Promise<FromWorker>> = [];
    let start = 0;
    step++;
    for (let i = 0; i < shards; i++) {
      const len = base + (i < extra ? 1 : 0);
      const xs = x.slice(start * xPer, (start + len) * xPer);
      const ys = y.slice(start * yPer, (start + len) * yPer);
      pending.push(replicas[i].request({ type: 'grads', step, x: xs, xShape: [len, ...xShape.slice(1)], y: ys, yShape: [len, ...yShape.slice(1)] }, [xs.buffer, ys.buffer]));
      start += len;
    }
    const results = (await Promise.all(pending)) as Array<Extract<FromWorker, { type: 'grads' }>>;
    const avg = results[0].grads.map((g) => new Float32Array(g.length));
    let loss = 0;
    for (const r of results) {
      const wgt = r.n / n;
      loss += r.loss * wgt;
      r.grads.forEach((g, k) => { const a = avg[k]; for (let j = 0; j < g.length; j++) a[j] += g[j] * wgt; });
    }
    // Every replica (including idle ones on a short last batch) applies the same averaged update.
    for (const r of replicas) r.post({ type: 'apply', grads: avg });
    return { loss };
  }

  return {
    threads,
    backend: readyBackend,
    trainBatch,
    async getWeights() {
      const m = (await replicas[0].request({ type: 'getWeights' })) as Extract<FromWorker, { type: 'weights' }>;
      return m.weights;
    },
    async setWeights(weights) {
      await Promise.all(replicas.map((r) => r.request({ type: 'setWeights', weights })));
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all(replicas.map((r) => r.terminate()));
    },
  };
}
