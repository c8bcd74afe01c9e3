// Fold models for cross-validation. The default is the shared tfjs head trainer (training/head-trainer.ts)
// with no hidden layer: multinomial logistic regression on standardised features, which is well calibrated
// enough for confident learning and trains a 10,000-row fold in a few seconds.
import { predictHead, trainHead } from '../../training/head-trainer';
import type { FitPredict } from './crossval';

export interface HeadSettings {
  dense: number[];
  dropout: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
}

export const DEFAULT_HEAD: HeadSettings = { dense: [], dropout: 0, epochs: 12, batchSize: 256, learningRate: 0.003 };

export function tfjsHead(settings: HeadSettings = DEFAULT_HEAD, shouldStop?: () => boolean): FitPredict {
  return async (train, xTest, dims, k, seed) => {
    const model = await trainHead(train.x, dims, train.y, k, { ...settings, seed, shouldStop });
    try {
      return predictHead(model, xTest, dims);
    } finally {
      model.dispose();
    }
  };
}
