// Default training configurations and how a partial request becomes a complete, validated one.
import fs from 'node:fs';
import path from 'node:path';
import { trainConfigSchema } from '../../shared/contract';
import type { BackendChoice, ModelKind, TrainConfig } from '../../shared/types';

export function defaultConfig(model: ModelKind): TrainConfig {
  const common = { batchSize: 32, seed: 42, augment: false, earlyStopping: false, patience: 3, backend: 'auto' as BackendChoice };
  if (model === 'cnn') {
    // 48 px keeps the grain outlines that separate the five rice varieties and trains ~2x faster than 64 px on
    // wasm; a small dense layer keeps the (slow, transposed) dense-gradient matmuls cheap.
    return { model: 'cnn', imageSize: 48, filters: [16, 32, 64], dense: [64], dropout: 0.2, epochs: 8, learningRate: 0.001, ...common };
  }
  // Frozen base + head on cached features: many cheap epochs.
  return { model: 'mobilenetv2', alpha: 1, fineTuneBlocks: 0, dense: [64], dropout: 0.3, epochs: 20, learningRate: 0.001, ...common, batchSize: 128 };
}

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
