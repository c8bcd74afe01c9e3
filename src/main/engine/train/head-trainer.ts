// A dense classifier head on fixed feature vectors (pooled MobileNetV2 features): trained in seconds, used by
// MobileNetV2 runs with a frozen base and by label review's k-fold cross-validation.
import tf from '../tfjs.cjs';
import type { EpochMetrics } from '../../../shared/types';
import { rng } from '../random';
import { crossEntropySum, lossAndAccuracy } from '../metrics';
import { runEpochs } from './epoch-loop';
import { createOrtTrainerFor, type OrtTrainer } from '../ort-train/ort-trainer';
import { learningRateAt } from './schedule';

export interface HeadOptions {
  dense: number[];
  dropout: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  validation?: { x: Float32Array; y: Int32Array };
  onEpoch?: (m: EpochMetrics) => void;
  onBatch?: (p: { epoch: number; batch: number; batches: number; loss: number; accuracy: number }) => void;
  /** Checked between batches: true ends training after the current batch (the model so far is returned). */
  shouldStop?: () => boolean;
  /** Stop when val loss has not improved for this many epochs (needs `validation`); the best weights are kept. */
  patience?: number;
  /**
   * 'auto' (default): ONNX Runtime (one session using every core) unless the tfjs backend is native TensorFlow
   * or onnxruntime-node does not load; 'tfjs': the hand-written tfjs step below.
   */
  engine?: 'auto' | 'tfjs';
  /** Called once before the first batch with what trains the head ("onnxruntime-cpu, 2 threads", "tfjs wasm"). */
  onEngine?: (engine: string) => void;
  /** ε of label smoothing (targets (1 − ε)·one-hot + ε/classes). Default 0. */
  labelSmoothing?: number;
  /** Cosine decay of the rate to 5% over the run (schedule.ts). Default false: a constant rate (label review's folds). */
  cosineDecay?: boolean;
  /** Linear warm-up over this fraction of the steps (schedule.ts). Default 0. */
  warmup?: number;
}

function ortHeadTrainer(model: tf.LayersModel, opts: HeadOptions, rand: () => number): Promise<OrtTrainer | null> {
  if (opts.engine === 'tfjs' || tf.getBackend() === 'tensorflow') return Promise.resolve(null);
  return createOrtTrainerFor(model, { parallelism: 'session', rand, labelSmoothing: opts.labelSmoothing }).catch(() => null);
}

export function buildHead(dims: number, numClasses: number, dense: number[], dropout: number, seed: number): tf.Sequential {
  const model = tf.sequential();
  let s = seed;
  dense.forEach((units, i) => {
    model.add(tf.layers.dense({
      units,
      activation: 'relu',
      inputShape: i === 0 ? [dims] : undefined,
      kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }),
      name: `head_dense_${i}`,
    }));
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout, name: `head_dropout_${i}` }));
  });
  if (dense.length === 0 && dropout > 0) model.add(tf.layers.dropout({ rate: dropout, inputShape: [dims], name: 'head_dropout' }));
  model.add(tf.layers.dense({
    units: numClasses,
    activation: 'softmax',
    inputShape: model.layers.length === 0 ? [dims] : undefined,
    kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }),
    name: 'head_out',
  }));
  return model;
}

function check(x: Float32Array, dims: number, y: Int32Array, numClasses: number, what: string): number {
  if (dims <= 0 || x.length % dims !== 0) throw new Error(`${what}: feature matrix length ${x.length} is not a multiple of dims ${dims}`);
  const n = x.length / dims;
  if (y.length !== n) throw new Error(`${what}: ${n} feature rows but ${y.length} labels`);
  for (const c of y) if (c < 0 || c >= numClasses) throw new Error(`${what}: label ${c} outside 0..${numClasses - 1}`);
  return n;
}

export function gather(x: Float32Array, dims: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => out.set(x.subarray(r * dims, (r + 1) * dims), i * dims));
  return out;
}

/** Mean cross-entropy loss and accuracy of `model` on (x, y), in batches. */
export function evaluateHead(model: tf.LayersModel, x: Float32Array, dims: number, y: Int32Array): { loss: number; accuracy: number } {
  return lossAndAccuracy(predictHead(model, x, dims), y);
}

/**
 * One optimizer step with hand-written backprop. tfjs-wasm's BatchMatMul with a transposed operand (what
 * autodiff uses for dW = xᵀ·dy) measured ~7× slower than a plain one at [256,1280]ᵀ·[256,128], so the batch
 * arrives both as x and as xᵀ (transposed in JS while gathering) and every product is non-transposed.
 * Dropout masks come from the seeded generator. Returns the batch's probabilities (n × k) for loss/accuracy.
 */
export function headGradients(
  model: tf.LayersModel,
  xb: Float32Array,
  xbT: Float32Array,
  yb: Int32Array,
  dims: number,
  k: number,
  dropout: number,
  rand: () => number,
  labelSmoothing = 0,
): { grads: Record<string, tf.Tensor>; probs: tf.Tensor } {
  const n = yb.length;
  const dense = model.layers.filter((l) => l.getClassName() === 'Dense');
  const vars = dense.map((l) => ({ w: l.trainableWeights[0]!.read() as tf.Variable, b: l.trainableWeights[1]!.read() as tf.Variable }));
  const masks = dense.slice(0, -1).map((l) => {
    const units = (l.getConfig() as { units: number }).units;
    const m = new Float32Array(n * units);
    const keep = 1 - dropout;
    for (let i = 0; i < m.length; i++) m[i] = dropout > 0 ? (rand() < keep ? 1 / keep : 0) : 1;
    return { m, units };
  });
  const { grads, probs } = tf.tidy(() => {
    const acts: tf.Tensor2D[] = [tf.tensor2d(xb, [n, dims])];
    const relus: tf.Tensor2D[] = [];
    for (let i = 0; i < vars.length; i++) {
      const z = tf.add(tf.matMul(acts[i]!, vars[i]!.w), vars[i]!.b) as tf.Tensor2D;
      if (i === vars.length - 1) {
        acts.push(tf.softmax(z));
        break;
      }
      const on = tf.step(z) as tf.Tensor2D;
      const mask = tf.mul(on, tf.tensor2d(masks[i]!.m, [n, masks[i]!.units])) as tf.Tensor2D;
      relus.push(mask);
      acts.push(tf.mul(z, mask) as tf.Tensor2D);
    }
    const p = acts[acts.length - 1]!;
    const target = labelSmoothing > 0 ? tf.add(tf.mul(tf.oneHot(tf.tensor1d(yb, 'int32'), k), 1 - labelSmoothing), labelSmoothing / k) : tf.oneHot(tf.tensor1d(yb, 'int32'), k);
    let g = tf.div(tf.sub(p, target), n) as tf.Tensor2D;
    const out: Record<string, tf.Tensor> = {};
    for (let i = vars.length - 1; i >= 0; i--) {
      const aT = i === 0 ? tf.tensor2d(xbT, [dims, n]) : (tf.transpose(acts[i]!) as tf.Tensor2D);
      out[vars[i]!.w.name] = tf.matMul(aT, g);
      out[vars[i]!.b.name] = tf.sum(g, 0);
      if (i > 0) g = tf.mul(tf.matMul(g, tf.transpose(vars[i]!.w)), relus[i - 1]!) as tf.Tensor2D;
    }
    return { grads: out, probs: tf.keep(p) };
  });
  return { grads, probs };
}

function headStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  xb: Float32Array,
  xbT: Float32Array,
  yb: Int32Array,
  dims: number,
  k: number,
  dropout: number,
  rand: () => number,
  labelSmoothing: number,
): Float32Array {
  const { grads, probs } = headGradients(model, xb, xbT, yb, dims, k, dropout, rand, labelSmoothing);
  optimizer.applyGradients(grads);
  for (const t of Object.values(grads)) t.dispose();
  const data = probs.dataSync() as Float32Array;
  probs.dispose();
  return data;
}

/** Mean cross-entropy of probabilities (rows × k) against label-smoothed targets. */
function smoothedLoss(probs: Float32Array, y: Int32Array, k: number, eps: number): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    for (let j = 0; j < k; j++) sum -= (eps / k + (j === y[i] ? 1 - eps : 0)) * Math.log(Math.max(probs[i * k + j]!, 1e-7));
  }
  return sum / y.length;
}

export function gatherT(x: Float32Array, dims: number, rows: readonly number[]): Float32Array {
  const n = rows.length;
  const out = new Float32Array(n * dims);
  rows.forEach((r, i) => {
    const base = r * dims;
    for (let d = 0; d < dims; d++) out[d * n + i] = x[base + d]!;
  });
  return out;
}

export async function trainHead(
  x: Float32Array,
  dims: number,
  y: Int32Array,
  numClasses: number,
  opts: HeadOptions,
): Promise<tf.LayersModel> {
  const n = check(x, dims, y, numClasses, 'trainHead');
  if (opts.validation) check(opts.validation.x, dims, opts.validation.y, numClasses, 'trainHead validation');
  if (n === 0) throw new Error('trainHead: no training rows');
  const model = buildHead(dims, numClasses, opts.dense, opts.dropout, opts.seed);
  const optimizer = tf.train.adam(opts.learningRate);
  const dropRand = rng(opts.seed + 1);
  const ort = await ortHeadTrainer(model, opts, dropRand);
  opts.onEngine?.(ort ? ort.name : `tfjs ${tf.getBackend()}`);
  try {
    await runEpochs({
      name: 'trainHead',
      rows: n,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      rand: rng(opts.seed),
      step: async (idx, at) => {
        const yb = Int32Array.from(idx, (r) => y[r]!);
        const lr = learningRateAt({ learningRate: opts.learningRate, cosineDecay: opts.cosineDecay ?? false, warmup: opts.warmup }, at.step, at.totalSteps);
        if (ort) return ort.step(gather(x, dims, idx), yb, lr);
        (optimizer as unknown as { learningRate: number }).learningRate = lr;
        const probs = headStep(model, optimizer, gather(x, dims, idx), gatherT(x, dims, idx), yb, dims, numClasses, opts.dropout, dropRand, opts.labelSmoothing ?? 0);
        const { lossSum, correct } = crossEntropySum(probs, yb);
        // With smoothed targets the loss is against them, as the ONNX Runtime step reports it.
        const eps = opts.labelSmoothing ?? 0;
        const loss = eps > 0 ? smoothedLoss(probs, yb, numClasses, eps) : lossSum / idx.length;
        return { loss, accuracy: correct / idx.length };
      },
      afterEpoch: () => ort?.copyInto(model),
      validate: async () => (opts.validation ? evaluateHead(model, opts.validation.x, dims, opts.validation.y) : null),
      early: opts.patience && opts.validation ? { patience: opts.patience, model } : undefined,
      // A stopped head is still used (label review's folds): report the epoch it stopped in.
      partialEpoch: 'report',
      onBatch: opts.onBatch,
      onEpoch: opts.onEpoch,
      shouldStop: opts.shouldStop,
    });
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    optimizer.dispose();
    await ort?.dispose();
  }
  return model;
}

/** n × numClasses probabilities, computed in batches so large matrices do not make one huge tensor. */
export function predictHead(model: tf.LayersModel, x: Float32Array, dims: number, batchSize = 1024): Float32Array {
  const n = x.length / dims;
  const k = (model.outputs[0]!.shape[1] as number) ?? 0;
  const out = new Float32Array(n * k);
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize);
    const probs = tf.tidy(() => model.predict(tf.tensor2d(x.subarray(s * dims, e * dims), [e - s, dims])) as tf.Tensor);
    out.set(probs.dataSync() as Float32Array, s * k);
    probs.dispose();
  }
  return out;
}
