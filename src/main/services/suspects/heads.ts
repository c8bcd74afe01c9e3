// Fold models for cross-validation. The default is the shared tfjs head trainer (training/head-trainer.ts)
// with no hidden layer: multinomial logistic regression on standardised features, well calibrated enough for
// confident learning and a few seconds per 10,000-row fold.
import { predictHead, trainHead } from '../../training/head-trainer';
import type { FitPredict } from './crossval';

export interface HeadSettings {
  dense: number[];
  dropout: number;
  /** Fixed epochs / batch size; when absent they follow the fold size (see `schedule`). */
  epochs?: number;
  batchSize?: number;
  learningRate: number;
}

export const DEFAULT_HEAD: HeadSettings = { dense: [], dropout: 0, learningRate: 0.003 };

/**
 * Small folds get small batches and more epochs so that every fold model takes a few hundred optimiser steps:
 * a 240-row fold with the big-library setting (256 rows, 12 epochs) would take 12 steps and underfit.
 */
export function schedule(rows: number, s: HeadSettings): { epochs: number; batchSize: number } {
  const batchSize = s.batchSize ?? Math.min(256, Math.max(16, Math.round(rows / 16)));
  const perEpoch = Math.ceil(rows / batchSize);
  const epochs = s.epochs ?? Math.min(60, Math.max(12, Math.ceil(400 / perEpoch)));
  return { epochs, batchSize };
}

export function tfjsHead(settings: HeadSettings = DEFAULT_HEAD, shouldStop?: () => boolean): FitPredict {
  return async (train, xTest, dims, k, seed) => {
    const { epochs, batchSize } = schedule(train.y.length, settings);
    const model = await trainHead(train.x, dims, train.y, k, {
      dense: settings.dense,
      dropout: settings.dropout,
      learningRate: settings.learningRate,
      epochs,
      batchSize,
      seed,
      shouldStop,
    });
    try {
      return predictHead(model, xTest, dims);
    } finally {
      model.dispose();
    }
  };
}
