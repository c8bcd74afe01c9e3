// MobileNetV2 transfer learning. Frozen base (default): cached pooled features + a dense head — seconds per
// run. Fine-tuning (fineTuneBlocks > 0): the head is first trained on the features, then the top N blocks and
// the head train together on decoded 224×224 batches at a tenth of the learning rate. BatchNorm layers stay
// frozen in inference mode (as Keras recommends), and every variable outside the chosen blocks is never
// handed to the optimizer, so it cannot change.
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../../shared/types';
import { decodeMany, toBatch } from './data';
import { lossAndAccuracy } from '../services/metrics';
import { FEATURE_SIZE } from './features';
import { loadBase } from './models/weights';
import { rng, withSeededMathRandom } from './random';
import { runEpochs } from './epoch-loop';

/** Layers of the top `blocks` blocks (16 = block_16 … 1 = block_1, 17 adds expanded_conv) plus Conv_1, BN excluded. */
export function fineTuneLayers(base: tf.LayersModel, blocks: number): tf.layers.Layer[] {
  if (blocks <= 0) return [];
  const first = 17 - blocks;
  return base.layers.filter((l) => {
    if (l.getClassName() === 'BatchNormalization') return false;
    if (/^Conv_1$/.test(l.name)) return true;
    const m = /^block_(\d+)_/.exec(l.name);
    if (m) return Number(m[1]) >= first;
    return blocks >= 17 && /^expanded_conv_/.test(l.name);
  }).filter((l) => l.trainableWeights.length > 0 || l.getWeights().length > 0);
}

export interface FineTuneOptions {
  modelDir: string;
  blocks: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  train: { paths: string[]; y: Int32Array };
  validation?: { paths: string[]; y: Int32Array };
  onBatch?: (p: { epoch: number; batch: number; batches: number; loss: number; accuracy: number }) => void;
  onEpoch?: (m: EpochMetrics) => void;
  shouldStop?: () => boolean;
  signal?: AbortSignal;
}

/** Probabilities through base (inference mode) + head for image files, in batches. */
export async function predictFiles(base: tf.LayersModel, head: tf.LayersModel, paths: readonly string[], batchSize = 16, signal?: AbortSignal): Promise<Float32Array> {
  const k = head.outputs[0]!.shape[1] as number;
  const out = new Float32Array(paths.length * k);
  for (let s = 0; s < paths.length; s += batchSize) {
    const chunk = paths.slice(s, s + batchSize);
    const px = await decodeMany(chunk, FEATURE_SIZE, { signal });
    const probs = tf.tidy(() => {
      const x = tf.tensor4d(toBatch(px, FEATURE_SIZE, 'mobilenet'), [chunk.length, FEATURE_SIZE, FEATURE_SIZE, 3]);
      const f = (base.apply(x, { training: false }) as tf.Tensor4D).mean([1, 2]);
      return head.apply(f, { training: false }) as tf.Tensor;
    });
    out.set((await probs.data()) as Float32Array, s * k);
    probs.dispose();
  }
  return out;
}

/** Fine-tunes a fresh copy of the base together with `head` (trained in place). Returns the tuned base. */
export async function fineTune(head: tf.LayersModel, opts: FineTuneOptions): Promise<{ base: tf.LayersModel; completed: boolean }> {
  const base = await loadBase(opts.modelDir);
  const tuned = fineTuneLayers(base, opts.blocks);
  const vars = [...tuned.flatMap((l) => l.trainableWeights), ...head.trainableWeights].map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(opts.learningRate);
  const k = head.outputs[0]!.shape[1] as number;
  let completed: boolean;
  try {
    completed = await withSeededMathRandom(opts.seed + 3, () => runEpochs({
      name: 'fine-tuning',
      rows: opts.train.paths.length,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      rand: rng(opts.seed + 2),
      step: async (idx) => {
        const px = await decodeMany(idx.map((i) => opts.train.paths[i]!), FEATURE_SIZE, { signal: opts.signal });
        const x = tf.tensor4d(toBatch(px, FEATURE_SIZE, 'mobilenet'), [idx.length, FEATURE_SIZE, FEATURE_SIZE, 3]);
        const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(idx, (i) => opts.train.y[i]!), 'int32'), k));
        let probs: tf.Tensor | null = null;
        const cost = optimizer.minimize(() => {
          const f = (base.apply(x, { training: false }) as tf.Tensor4D).mean([1, 2]);
          const p = head.apply(f, { training: true }) as tf.Tensor;
          probs = tf.keep(p);
          return tf.losses.softmaxCrossEntropy(y, tf.log(tf.clipByValue(p, 1e-7, 1))) as tf.Scalar;
        }, true, vars);
        const loss = (await cost!.data())[0]!;
        const accuracy = tf.tidy(() => tf.equal(tf.argMax(probs!, 1), tf.argMax(y, 1)).mean().dataSync()[0]!);
        cost!.dispose();
        (probs as tf.Tensor | null)?.dispose();
        x.dispose();
        y.dispose();
        return { loss, accuracy };
      },
      validate: async () => (opts.validation?.paths.length
        ? lossAndAccuracy(await predictFiles(base, head, opts.validation.paths, 16, opts.signal), opts.validation.y) : null),
      onBatch: opts.onBatch,
      onEpoch: opts.onEpoch,
      shouldStop: opts.shouldStop,
    }));
  } catch (e) {
    base.dispose();
    throw e;
  } finally {
    optimizer.dispose();
  }
  return { base, completed };
}
