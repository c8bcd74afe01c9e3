// The one epoch/batch loop every trainer shares (CNN, head on features, MobileNetV2 fine-tuning): a seeded
// shuffle per epoch, the event loop yielded and cancel checked between batches, running loss/accuracy, batch
// and epoch reports, validation, and early stopping on validation loss. Each trainer supplies only its step
// (how one batch of row indices trains) and its validation.
import type * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../../../shared/types';
import { EarlyStopping } from './early-stopping';
import { shuffled, yieldToEventLoop } from '../random';

export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
}

export interface EpochLoopOptions {
  /** Training rows (indices 0..rows−1 are shuffled and handed to `step`). */
  rows: number;
  epochs: number;
  batchSize: number;
  /** The seeded generator of the shuffles. */
  rand: () => number;
  /** Trains one batch; returns its mean loss and accuracy. `step` counts batches over the whole run from 0. */
  step(idx: number[], at: { epoch: number; batch: number; step: number; totalSteps: number }): Promise<{ loss: number; accuracy: number }>;
  /** After each epoch's batches, before validation (e.g. copy ONNX Runtime parameters into the tfjs model). */
  afterEpoch?(): void;
  validate?(): Promise<{ loss: number; accuracy: number } | null>;
  /** Stop after this many epochs without a better validation loss, then restore the best weights of `model`. */
  early?: { patience: number; model: tf.LayersModel };
  /** A stop mid-epoch: 'drop' ends without reporting that epoch (default); 'report' validates and reports it. */
  partialEpoch?: 'drop' | 'report';
  /** Names the trainer in the divergence error ("training", "trainHead"). */
  name: string;
  onBatch?: (p: BatchProgress) => void;
  onEpoch?: (m: EpochMetrics) => void;
  shouldStop?: () => boolean;
}

/** Runs the epochs. Returns false when `shouldStop` ended it. With `early`, the best weights are restored unless stopped. */
export async function runEpochs(opts: EpochLoopOptions): Promise<boolean> {
  const order = Array.from({ length: opts.rows }, (_, i) => i);
  const batches = Math.ceil(opts.rows / opts.batchSize);
  const totalSteps = batches * opts.epochs;
  const early = opts.early ? new EarlyStopping(opts.early.patience) : null;
  let step = 0;
  let stopped = false;
  try {
    for (let epoch = 1; epoch <= opts.epochs && !stopped; epoch++) {
      const t0 = performance.now();
      const rows = shuffled(order, opts.rand);
      let lossSum = 0;
      let accSum = 0;
      let seen = 0;
      for (let b = 0; b < batches; b++) {
        await yieldToEventLoop();
        if (opts.shouldStop?.()) {
          stopped = true;
          break;
        }
        const idx = rows.slice(b * opts.batchSize, (b + 1) * opts.batchSize);
        const { loss, accuracy } = await opts.step(idx, { epoch, batch: b + 1, step: step++, totalSteps });
        if (!Number.isFinite(loss)) throw new Error(`${opts.name} diverged (loss ${loss} at epoch ${epoch}, batch ${b + 1}): lower the learning rate`);
        lossSum += loss * idx.length;
        accSum += accuracy * idx.length;
        seen += idx.length;
        opts.onBatch?.({ epoch, batch: b + 1, batches, loss, accuracy });
      }
      opts.afterEpoch?.();
      if (stopped && (opts.partialEpoch !== 'report' || seen === 0)) break;
      const val = (await opts.validate?.()) ?? null;
      opts.onEpoch?.({ epoch, loss: lossSum / seen, accuracy: accSum / seen, valLoss: val?.loss ?? null, valAccuracy: val?.accuracy ?? null, seconds: (performance.now() - t0) / 1000 });
      if (!stopped && early && val && early.shouldStop(opts.early!.model, val.loss)) break;
    }
    if (early && !stopped) early.restoreBest(opts.early!.model);
  } finally {
    early?.dispose();
  }
  return !stopped;
}
