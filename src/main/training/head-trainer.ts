// A dense classifier head on fixed feature vectors (pooled MobileNetV2 features): trained in seconds, used by
// MobileNetV2 runs with a frozen base and by label review's k-fold cross-validation.
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../../shared/types';
import { rng, shuffled, withSeededMathRandom, yieldToEventLoop } from './random';

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

function gather(x: Float32Array, dims: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => out.set(x.subarray(r * dims, (r + 1) * dims), i * dims));
  return out;
}

/** Mean cross-entropy loss and accuracy of `model` on (x, y), in batches. */
export function evaluateHead(model: tf.LayersModel, x: Float32Array, dims: number, y: Int32Array): { loss: number; accuracy: number } {
  const probs = predictHead(model, x, dims);
  const k = probs.length / Math.max(1, y.length);
  let loss = 0;
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    const row = probs.subarray(i * k, (i + 1) * k);
    loss -= Math.log(Math.max(row[y[i]!]!, 1e-7));
    let best = 0;
    for (let c = 1; c < k; c++) if (row[c]! > row[best]!) best = c;
    if (best === y[i]) right++;
  }
  return { loss: y.length ? loss / y.length : 0, accuracy: y.length ? right / y.length : 0 };
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
  return withSeededMathRandom(opts.seed, async () => {
    const model = buildHead(dims, numClasses, opts.dense, opts.dropout, opts.seed);
    model.compile({ optimizer: tf.train.adam(opts.learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const rand = rng(opts.seed);
    const order = Array.from({ length: n }, (_, i) => i);
    const batches = Math.ceil(n / opts.batchSize);
    let best = Infinity;
    let bestWeights: tf.Tensor[] | null = null;
    let sinceBest = 0;
    try {
      for (let epoch = 1; epoch <= opts.epochs; epoch++) {
        const t0 = performance.now();
        const rows = shuffled(order, rand);
        let lossSum = 0;
        let accSum = 0;
        let seen = 0;
        let stopped = false;
        for (let b = 0; b < batches; b++) {
          await yieldToEventLoop();
          if (opts.shouldStop?.()) {
            stopped = true;
            break;
          }
          const idx = rows.slice(b * opts.batchSize, (b + 1) * opts.batchSize);
          const xb = tf.tensor2d(gather(x, dims, idx), [idx.length, dims]);
          const yb = tf.tensor1d(Int32Array.from(idx, (r) => y[r]!), 'float32');
          const [loss, acc] = (await model.trainOnBatch(xb, yb)) as number[];
          xb.dispose();
          yb.dispose();
          lossSum += loss! * idx.length;
          accSum += acc! * idx.length;
          seen += idx.length;
          opts.onBatch?.({ epoch, batch: b + 1, batches, loss: loss!, accuracy: acc! });
        }
        if (stopped && seen === 0) break;
        const val = opts.validation ? evaluateHead(model, opts.validation.x, dims, opts.validation.y) : null;
        opts.onEpoch?.({
          epoch,
          loss: lossSum / seen,
          accuracy: accSum / seen,
          valLoss: val?.loss ?? null,
          valAccuracy: val?.accuracy ?? null,
          seconds: (performance.now() - t0) / 1000,
        });
        if (stopped) break;
        if (val && opts.patience) {
          if (val.loss < best - 1e-6) {
            best = val.loss;
            sinceBest = 0;
            bestWeights?.forEach((t) => t.dispose());
            bestWeights = model.getWeights().map((w) => w.clone());
          } else if (++sinceBest >= opts.patience) break;
        }
      }
      if (bestWeights) model.setWeights(bestWeights);
    } catch (e) {
      model.dispose();
      throw e;
    } finally {
      bestWeights?.forEach((t) => t.dispose());
      // The optimizer's moment tensors outlive model.dispose(); the returned model is for inference.
      model.optimizer?.dispose();
    }
    return model;
  });
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
