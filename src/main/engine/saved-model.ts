// A run's model on disk under <library>/models/<run-id>/: meta.json says how to rebuild the predictor.
// CNN: the whole tfjs model. MobileNetV2 frozen: the head only + the base weights' hash (the base is found
// again by the weights lookup and checked against it). Fine-tuned: the head and the tuned base.
import tf from './tfjs.cjs';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelKind } from '../../shared/types';
import type { Library } from '../library';
import { FEATURE_SIZE, weightsFor } from './features/feature-cache';
import { fileLoader, fileSaver, weightsHash, writeAtomic, type Alpha } from './weights/find';
import type { Normalisation } from './data/images';

export interface ModelMeta {
  format: 'paddy-model-1';
  model: ModelKind;
  classes: string[];
  imageSize: number;
  normalisation: Normalisation;
  alpha?: Alpha;
  baseWeightsHash?: string;
  /** True when the run fine-tuned the base: it is saved in base/, not shared. */
  ownBase?: boolean;
  /** Where the shared base was when the run trained: a fallback when the usual lookup finds none. */
  baseDir?: string;
  /** Predictions average the eight views of each image (data/views.ts). Absent in earlier runs: one view. */
  testViews?: boolean;
  /** A frozen MobileNetV2 head also trained on each image's secondView: in-sample images average those two views. */
  secondView?: boolean;
  /** A frozen MobileNetV2 head whose input is [features | the image's raw shape vector] (features/shape.ts). */
  shapeFeatures?: boolean;
  /** A CNN whose probabilities weigh in its shape classifier (shape/, input: the raw shape numbers of its input
   * pixels) by this weight (train/shape-head.ts SHAPE_FUSION). */
  shapeFusion?: number;
}

export function modelDir(lib: Library, runId: string): string {
  return path.join(lib.paths.models, runId);
}

export function dirBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return n;
}

/** Save into a temp folder and rename: a kill never leaves a half-written model under the run's name. */
export async function saveRunModel(lib: Library, runId: string, meta: ModelMeta, parts: { main: tf.LayersModel; base?: tf.LayersModel; shape?: tf.LayersModel }): Promise<number> {
  const final = modelDir(lib, runId);
  const tmp = `${final}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  await parts.main.save(fileSaver(path.join(tmp, meta.model === 'cnn' ? 'model' : 'head')));
  if (parts.base) await parts.base.save(fileSaver(path.join(tmp, 'base')));
  if (parts.shape) await parts.shape.save(fileSaver(path.join(tmp, 'shape')));
  writeAtomic(path.join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
  fs.rmSync(final, { recursive: true, force: true });
  fs.renameSync(tmp, final);
  return dirBytes(final);
}

export function readMeta(lib: Library, runId: string): ModelMeta {
  const file = path.join(modelDir(lib, runId), 'meta.json');
  if (!fs.existsSync(file)) throw new Error(`run ${runId} has no saved model (${file} is missing)`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ModelMeta;
}

export interface LoadedModel {
  meta: ModelMeta;
  /** CNN: the whole model. MobileNetV2: the head (input: pooled features). */
  main: tf.LayersModel;
  /** MobileNetV2 fine-tuned: its own base; frozen: null (use the shared base / feature cache). */
  base: tf.LayersModel | null;
  /** The shared base folder (frozen MobileNetV2), checked against the saved hash. */
  baseDir: string | null;
  /** A CNN's shape classifier (meta.shapeFusion), else null. */
  shape: tf.LayersModel | null;
  dispose(): void;
}

export async function loadRunModel(lib: Library, runId: string, weightsDir?: string | null): Promise<LoadedModel> {
  const meta = readMeta(lib, runId);
  const dir = modelDir(lib, runId);
  const main = await tf.loadLayersModel(fileLoader(path.join(dir, meta.model === 'cnn' ? 'model' : 'head')));
  let base: tf.LayersModel | null = null;
  let baseDir: string | null = null;
  if (meta.model === 'mobilenetv2') {
    if (meta.ownBase) base = await tf.loadLayersModel(fileLoader(path.join(dir, 'base')));
    else {
      try {
        baseDir = weightsFor(lib, meta.alpha ?? 1, weightsDir);
      } catch (e) {
        if (!meta.baseDir || !fs.existsSync(path.join(meta.baseDir, 'model.json'))) {
          main.dispose();
          throw e;
        }
        baseDir = meta.baseDir;
      }
      if (meta.baseWeightsHash && weightsHash(baseDir) !== meta.baseWeightsHash) {
        main.dispose();
        throw new Error(`run ${runId} was trained on different MobileNetV2 weights than those in ${baseDir}`);
      }
    }
  }
  const shape = meta.shapeFusion ? await tf.loadLayersModel(fileLoader(path.join(dir, 'shape'))) : null;
  return { meta, main, base, baseDir, shape, dispose: () => { main.dispose(); base?.dispose(); shape?.dispose(); } };
}

export { FEATURE_SIZE };
