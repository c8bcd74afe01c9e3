// The CNN's training loop over in-memory uint8 images: seeded shuffles and augmentation, batches built on the
// fly, cancel checked between batches, validation each epoch, optional early stopping keeping the best weights.
import tf from '../tfjs.cjs';
import os from 'node:os';
import type { EpochMetrics } from '../../../shared/types';
import { augment, toBatch, type AugmentOptions } from '../data/images';
import { lossAndAccuracy } from '../metrics';
import { rng, withSeededMathRandom } from '../random';
import { runEpochs } from './epoch-loop';
import { learningRateAt, smoothedTargets } from './schedule';
import { createOrtTrainerFor, type OrtTrainer } from '../ort-train/ort-trainer';

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
  /** What `augment` does (default: the eight flips/quarter turns, images.ts). */
  augmentation?: AugmentOptions;
  patience?: number;
  /** Default true: cosine learning-rate decay over all steps (after the warm-up). */
  cosineDecay?: boolean;
  /** Fraction of all steps (0–0.5) over which the rate first rises linearly from a tenth to `learningRate`. Default 0. */
  warmup?: number;
  /** ε of label smoothing: the targets are (1 − ε)·one-hot + ε/classes. Default 0. */
  labelSmoothing?: number;
  validation?: ImageSet;
  onBatch?: (p: { epoch: number; batch: number; batches: number; loss: number; accuracy: number }) => void;
  onEpoch?: (m: EpochMetrics) => void;
  shouldStop?: () => boolean;
  /**
   * Who computes the training steps. 'auto' (default): ONNX Runtime when the tfjs backend is not native
   * TensorFlow, onnxruntime-node loads and the model's layers are supported; else tfjs. 'onnxruntime' fails
   * instead of falling back.
   */
  engine?: 'auto' | 'tfjs' | 'onnxruntime';
  /** Worker threads for the ONNX Runtime engine (default: one per core, at most one per 8 rows of a batch). */
  threads?: number;
  /** Called once, before the first batch, with what trains: "tfjs wasm", "onnxruntime-cpu, 2 worker threads"… */
  onEngine?: (engine: string) => void;
}

/** The ONNX Runtime step for this model, or null (with tfjs to train instead) when 'auto' cannot use it. */
async function ortTrainerFor(model: tf.LayersModel, opts: FitOptions): Promise<OrtTrainer | null> {
  const want = opts.engine ?? 'auto';
  if (want === 'tfjs' || (want === 'auto' && tf.getBackend() === 'tensorflow')) return null;
  try {
    // One worker per core, but each with at least 8 rows of a batch: smaller parts make GEMMs too thin to pay.
    const threads = opts.threads ?? Math.max(1, Math.min(os.availableParallelism(), Math.floor(opts.batchSize / 8)));
    return await createOrtTrainerFor(model, { threads, rand: rng(opts.seed + 2), labelSmoothing: opts.labelSmoothing });
  } catch (e) {
    if (want === 'onnxruntime') throw new Error(`the ONNX Runtime training step cannot train this model: ${(e as Error).message}`);
    return null;
  }
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
  const ort = await ortTrainerFor(model, opts);
  opts.onEngine?.(ort ? ort.name : `tfjs ${tf.getBackend()}`);
  return withSeededMathRandom(opts.seed, async () => {
    const optimizer = tf.train.adam(opts.learningRate);
    const eps = opts.labelSmoothing ?? 0;
    const k = model.outputs[0]!.shape[1] as number;
    // Smoothed targets need the dense loss; without smoothing the sparse one, as before (same results).
    model.compile({ optimizer, loss: eps > 0 ? 'categoricalCrossentropy' : 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const trainStep = async (x: Float32Array, labels: Int32Array, lr: number): Promise<{ loss: number; accuracy: number }> => {
      if (ort) return ort.step(x, labels, lr);
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const xb = tf.tensor4d(x, [labels.length, opts.size, opts.size, 3]);
      const yb = eps > 0 ? tf.tensor2d(smoothedTargets(labels, k, eps), [labels.length, k]) : tf.tensor1d(Float32Array.from(labels), 'float32');
      try {
        const [loss, accuracy] = (await model.trainOnBatch(xb, yb)) as number[];
        return { loss: loss!, accuracy: accuracy! };
      } finally {
        xb.dispose();
        yb.dispose();
      }
    };
    const augRand = rng(opts.seed + 1);
    try {
      return await runEpochs({
        name: 'training',
        rows: train.pixels.length,
        epochs: opts.epochs,
        batchSize: opts.batchSize,
        rand: rng(opts.seed),
        step: (idx, at) => {
          const lr = learningRateAt(opts, at.step, at.totalSteps);
          const imgs = idx.map((i) => (opts.augment ? augment(train.pixels[i]!, opts.size, augRand, opts.augmentation) : train.pixels[i]!));
          return trainStep(toBatch(imgs, opts.size, 'unit'), Int32Array.from(idx, (i) => train.y[i]!), lr);
        },
        afterEpoch: () => ort?.copyInto(model),
        validate: async () => (opts.validation?.pixels.length ? lossAndAccuracy(predictImages(model, opts.validation.pixels, opts.size), opts.validation.y) : null),
        early: opts.patience && opts.validation?.pixels.length ? { patience: opts.patience, model } : undefined,
        onBatch: opts.onBatch,
        onEpoch: opts.onEpoch,
        shouldStop: opts.shouldStop,
      });
    } finally {
      model.optimizer?.dispose();
      await ort?.dispose();
    }
  });
}
