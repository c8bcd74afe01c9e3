// Default training configurations and how a partial request becomes a complete, validated one.
import fs from 'node:fs';
import path from 'node:path';
import { trainConfigSchema } from '../../shared/contract';
import type { BackendChoice, ModelKind, TrainConfig } from '../../shared/types';

export function defaultConfig(model: ModelKind): TrainConfig {
  const common = { batchSize: 32, seed: 42, augment: false, earlyStopping: false, patience: 3, backend: 'auto' as BackendChoice };
  if (model === 'cnn') {
    // Measured on rice images outside the library (BENCHMARKS.md, "Accuracy of the defaults"): the input size keeps
    // the grain detail that separates Arborio/Karacadag and Basmati/Jasmine (48 px lost it; 80 px made 5–6 errors
    // of 2,400 where 64 px made 11–13), a fourth conv block sees the whole grain, and quarter-turn augmentation
    // (CNN_RECIPE) lets more epochs pay. Batch norm in each block with global average pooling and no hidden dense
    // layer (batches of 64, rate 3e-3; trained on the ONNX Runtime step) scored 99.42% against 99.17% for the same
    // blocks without it, at a quarter of the parameters. Test-time views gained nothing at 80 px: off.
    // A classifier on the object's shape numbers weighed in at 0.25 (train/shape-head.ts) cut its errors on two
    // libraries' val + test splits from 31 to 18 of 5,760.
    return { model: 'cnn', imageSize: 80, filters: [16, 32, 64, 128], dense: [], dropout: 0.2, batchNorm: true, globalPool: true, epochs: 12, learningRate: 0.003, ...common, augment: true, batchSize: 64, shapeFeatures: true };
  }
  // Frozen base + head on cached features: many cheap epochs. A 128-unit head with HEAD_RECIPE (label smoothing,
  // cosine decay) and 40 epochs measured 99.08% on held-out rice against 98.42% for the former 64 units, 20 epochs
  // (256 units: one image better, at twice the cost). Augment (the head also learns one other flip/quarter turn of
  // each image) with test-time views (predictions average all eight) took it to 99.50% / 99.63% on two splits;
  // fine-tuning the top blocks did not beat it within the time budget (data/views.ts, BENCHMARKS.md). The object's
  // shape numbers beside the features (features/shape.ts) took it to 99.79% held out on both splits (5 of 2,400).
  return { model: 'mobilenetv2', alpha: 1, fineTuneBlocks: 0, dense: [128], dropout: 0.3, epochs: 40, learningRate: 0.001, ...common, batchSize: 128, augment: true, testViews: true, shapeFeatures: true };
}

/**
 * How every CNN run trains, beside its settings (not user settings; measured on rice images outside the library,
 * BENCHMARKS.md "Accuracy of the defaults"): `augment` picks one of the eight flips/quarter turns of each grain per
 * step; label smoothing 0.05; a warm-up over the first 10% of the steps, then cosine decay.
 */
export const CNN_RECIPE = { labelSmoothing: 0.05, warmup: 0.1, augmentation: { quarterTurns: true, maxDegrees: 0, brightness: 0 } } as const;
/** The same for a MobileNetV2 run's head on cached features (label review's folds train theirs as before). */
export const HEAD_RECIPE = { labelSmoothing: 0.05, cosineDecay: true, warmup: 0 } as const;
/**
 * How a MobileNetV2 run fine-tunes its top `fineTuneBlocks` blocks after the head (on the cached cut activations,
 * BatchNorm frozen): at `learningRateFactor` × the head's rate, a quarter of the head's epochs but at most
 * `maxEpochs`, label smoothing and cosine decay as the head (BENCHMARKS.md, "Accuracy of the defaults"). A tenth
 * of the head's rate (1e-4, the former factor) pulled held-out accuracy down to 97.4% after the first tuned epoch;
 * 3e-5 lost less (98.4%) and climbed back above the head's score.
 */
export const FINETUNE_RECIPE = { learningRateFactor: 0.03, maxEpochs: 5, labelSmoothing: 0.05, cosineDecay: true, warmup: 0 } as const;

/** Defaults ← settings (backend, weightsDir) ← request, then validated; a bad field is named in the error. */
export function resolveConfig(partial: Partial<TrainConfig> & { model: ModelKind }, settings?: { backend?: BackendChoice; weightsDir?: string | null }): TrainConfig {
  const base = defaultConfig(partial.model) as unknown as Record<string, unknown>;
  if (settings?.backend) base.backend = settings.backend;
  if (partial.model === 'mobilenetv2' && settings?.weightsDir) base.weightsDir = settings.weightsDir;
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) merged[k] = v;
  if (typeof merged.weightsDir === 'string') merged.weightsDir = absoluteDir(merged.weightsDir);
  const parsed = trainConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`train config: ${issue?.path.join('.') || 'config'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as TrainConfig;
}

/**
 * A run stores its weights folder absolute, so later commands from other folders find it: a relative path means
 * the current folder's (the CLI caller's). One that is not there is kept as given; the lookup (weights/find.ts)
 * then also tries it under the library folder, where an old relative setting may have pointed.
 */
function absoluteDir(dir: string): string {
  const abs = path.resolve(dir);
  return path.isAbsolute(dir) || fs.existsSync(abs) ? abs : dir;
}
