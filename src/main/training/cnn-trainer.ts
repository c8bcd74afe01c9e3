// The CNN's training loop over in-memory uint8 images: seeded shuffles and augmentation, batches built on the
// fly, cancel checked between batches, validation each epoch, optional early stopping keeping the best weights.
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../../shared/types';
import { augment, toBatch } from './data';
import { lossAndAccuracy } from '../services/metrics';
import { rng, shuffled, withSeededMathRandom, yieldToEventLoop } from './random';
import { EarlyStopping } from './early-stopping';

export interface ImageSet {
  pixels: Uint8Array[];
  y: Int32Array;
}

export interface FitOptions {
  size: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  augment: boolean;
  patience?: number;
  /** Default true: cosine learning-rate decay over all steps. */
  cosineDecay?: boolean;
  validation?: ImageSet;
  onBatch?: (p: { epoch: number; batch: number; batches: number; loss: number; accuracy: number }) => void;
  onEpoch?: (m: EpochMetrics) => void;
  shouldStop?: () => boolean;
}

/** Probabilities for uint8 images, in batches (n × classes). */
export function predictImages(model: tf.LayersModel, pixels: readonly Uint8Array[], size: number, batchSize = 64): Float32Array {
  const k = model.outputs[0]!.shape[1] as number;
  const out = new Float32Array(pixels.length * k);
  for (let s = 0; s < pixels.length; s += batchSize) {
    const chunk = pixels.slice(s, s + batchSize);
    const probs = tf.tidy(() => model.predict(tf.tensor4d(toBatch(chunk, size, 'unit'), [chunk.length, size, size, 3])) as tf.Tensor);
    out.set(probs.dataSync() as Float32Array, s * k);
    probs.dispose();
  }
  return out;
}


/** Trains `model` (already built) in place. Returns false when stopped early by `shouldStop`. */
export async function fitImages(model: tf.LayersModel, train: ImageSet, opts: FitOptions): Promise<boolean> {
  return withSeededMathRandom(opts.seed, async () => {
    const optimizer = tf.train.adam(opts.learningRate);
    model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const rand = rng(opts.seed);
    const augRand = rng(opts.seed + 1);
    const n = train.pixels.length;
    const order = Array.from({ length: n }, (_, i) => i);
    const batches = Math.ceil(n / opts.batchSize);
    const totalSteps = batches * opts.epochs;
    let step = 0;
    const early = new EarlyStopping(opts.patience ?? 0);
    let completed = true;
    try {
      for (let epoch = 1; epoch <= opts.epochs; epoch++) {
        const t0 = performance.now();
        const rows = shuffled(order, rand);
        let lossSum = 0;
        let accSum = 0;
        let seen = 0;
        for (let b = 0; b < batches; b++) {
          await yieldToEventLoop();
          if (opts.shouldStop?.()) {
            completed = false;
            break;
          }
          // Cosine decay to 5% of the base rate over the run: the last epochs settle instead of bouncing.
          if (opts.cosineDecay !== false) {
            const lr = opts.learningRate * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps)));
            (optimizer as unknown as { learningRate: number }).learningRate = lr;
          }
          step++;
          const idx = rows.slice(b * opts.batchSize, (b + 1) * opts.batchSize);
          const imgs = idx.map((i) => (opts.augment ? augment(train.pixels[i]!, opts.size, augRand) : train.pixels[i]!));
          const xb = tf.tensor4d(toBatch(imgs, opts.size, 'unit'), [idx.length, opts.size, opts.size, 3]);
          const yb = tf.tensor1d(Int32Array.from(idx, (i) => train.y[i]!), 'float32');
          let res: number[];
          try {
            res = (await model.trainOnBatch(xb, yb)) as number[];
          } finally {
            xb.dispose();
            yb.dispose();
          }
          const [loss, acc] = res;
          if (!Number.isFinite(loss)) throw new Error(`training diverged (loss ${loss} at epoch ${epoch}, batch ${b + 1}): lower the learning rate`);
          lossSum += loss! * idx.length;
          accSum += acc! * idx.length;
          seen += idx.length;
          opts.onBatch?.({ epoch, batch: b + 1, batches, loss: loss!, accuracy: acc! });
        }
        if (!completed) break;
        const val = opts.validation?.pixels.length ? lossAndAccuracy(predictImages(model, opts.validation.pixels, opts.size), opts.validation.y) : null;
        opts.onEpoch?.({ epoch, loss: lossSum / seen, accuracy: accSum / seen, valLoss: val?.loss ?? null, valAccuracy: val?.accuracy ?? null, seconds: (performance.now() - t0) / 1000 });
        if (val && opts.patience && early.shouldStop(model, val.loss)) break;
      }
      if (completed) early.restoreBest(model);
    } finally {
      early.dispose();
      model.optimizer?.dispose();
    }
    return completed;
  });
}
