// Class probabilities from a saved run model, for library images (using the feature cache when the base is
// frozen) or for arbitrary files (a file that cannot be decoded gets its own error, never a crash), and a run's
// predictions for the whole library, stored. A run with test-time views averages each image's eight flips/quarter
// turns (data/views.ts). A signal (jobs.cancel) is checked before every batch, so a cancelled evaluation stops
// within one batch.
import tf from './tfjs.cjs';
import type { Library } from '../library';
import { getRunRow, predictableImages, saveLibraryPredictions, type LibraryPrediction, type RunClass } from '../repos/runs.repo';
import type { Split } from '../../shared/types';
import { decodeCached } from './data/pixel-cache';
import { predictImages } from './train/cnn-trainer';
import { decodeImage, toBatch } from './data/images';
import { createExtractor, ensureViewFeatures, FEATURE_SIZE, type FeatureView } from './features/feature-cache';
import type { FeatureExtractor } from './features/extractor';
import { averageViews, ONE_VIEW, orient, predictionViews } from './data/views';
import { predictHead } from './train/head-trainer';
import { ensureShapes, SHAPE_DIMS, withShapes } from './features/shape';
import { shapesOfPixels, withShapeFusion } from './train/shape-head';
import { predictFiles } from './train/mobilenet-trainer';
import type { LoadedModel, ModelMeta } from './saved-model';

export interface FileScores {
  /** Per file: probabilities in meta.classes order, or null with an error. */
  probs: Array<Float32Array | null>;
  errors: Array<string | null>;
}

const BATCH = 32;

/** Which views to average (default: the model's prediction views) and one feature extractor to share across calls. */
export interface ViewOptions {
  views?: readonly FeatureView[];
  shared?: { extractor: FeatureExtractor | null };
}


/**
 * The views averaged for images the model trained on (the run's train split): a frozen MobileNetV2 head the views
 * it trained on, whose features are cached — eight views of every in-sample image would cost minutes a run and
 * say little about them. A CNN's eight views cost little: all of them, as for any image.
 */
function inSampleViews(meta: ModelMeta): readonly FeatureView[] {
  if (meta.model === 'cnn' || !meta.testViews || meta.ownBase) return predictionViews(meta);
  return meta.secondView ? [0, 'second'] : ONE_VIEW;
}

/** A CNN's probabilities averaged over `views` of each image. */
export function predictImageViews(model: tf.LayersModel, pixels: readonly Uint8Array[], size: number, views: readonly number[]): Float32Array {
  if (views === ONE_VIEW || (views.length === 1 && views[0] === 0)) return predictImages(model, pixels, size);
  return averageViews(views.map((v) => predictImages(model, pixels.map((p) => orient(p, size, v)), size)));
}

/** A CNN run's probabilities: its views averaged, with its shape classifier weighed in when it has one. */
function cnnProbs(model: LoadedModel, pixels: readonly Uint8Array[], views: readonly FeatureView[]): Float32Array {
  const size = model.meta.imageSize;
  return withShapeFusion(predictImageViews(model.main, pixels, size, views as readonly number[]), model.shape, pixels, size, model.meta.classes.length, model.meta.shapeFusion ?? 0);
}

export async function scoreFiles(model: LoadedModel, paths: readonly string[], signal?: AbortSignal): Promise<FileScores> {
  const k = model.meta.classes.length;
  const probs: Array<Float32Array | null> = new Array(paths.length).fill(null);
  const errors: Array<string | null> = new Array(paths.length).fill(null);
  const size = model.meta.model === 'cnn' ? model.meta.imageSize : FEATURE_SIZE;
  const extractor = model.meta.model === 'mobilenetv2' && !model.base ? await createExtractor(model.baseDir!, model.meta.alpha ?? 1) : null;
  try {
    for (let s = 0; s < paths.length; s += BATCH) {
      if (signal?.aborted) throw new Error('cancelled');
      const idx: number[] = [];
      const pixels: Uint8Array[] = [];
      await Promise.all(paths.slice(s, s + BATCH).map(async (p, j) => {
        try {
          pixels[j] = await decodeImage(p, size);
        } catch (e) {
          errors[s + j] = (e as Error).message;
        }
      }));
      pixels.forEach((px, j) => px && idx.push(j));
      const good = idx.map((j) => pixels[j]!);
      if (!good.length) continue;
      let out: Float32Array;
      const views = predictionViews(model.meta);
      if (model.meta.model === 'cnn') out = cnnProbs(model, good, views);
      else if (extractor) {
        const perView: Float32Array[] = [];
        // The shape numbers are the same for every view: from the image as decoded.
        const shapes = model.meta.shapeFeatures ? shapesOfPixels(good, size) : null;
        for (const v of views) {
          const feats = await extractor.extract(toBatch(good.map((p) => orient(p, size, v)), size, 'mobilenet'), good.length);
          perView.push(shapes ? predictHead(model.main, withShapes(feats, extractor.dims, shapes), extractor.dims + SHAPE_DIMS) : predictHead(model.main, feats, extractor.dims));
        }
        out = averageViews(perView);
      } else {
        out = tf.tidy(() => {
          const x = tf.tensor4d(toBatch(good, size, 'mobilenet'), [good.length, size, size, 3]);
          const f = (model.base!.apply(x, { training: false }) as tf.Tensor4D).mean([1, 2]);
          return (model.main.apply(f, { training: false }) as tf.Tensor).dataSync() as Float32Array;
        });
      }
      idx.forEach((j, r) => (probs[s + j] = out.slice(r * k, (r + 1) * k)));
    }
  } finally {
    await extractor?.dispose();
  }
  return { probs, errors };
}

/** Probabilities for library images (n × classes); a frozen MobileNetV2 reads the feature cache. */
export async function scoreLibraryImages(
  lib: Library,
  model: LoadedModel,
  images: ReadonlyArray<{ imageId: number; sourcePath: string }>,
  signal?: AbortSignal,
  opts: ViewOptions = {},
): Promise<Float32Array> {
  if (model.meta.model === 'mobilenetv2' && !model.base) {
    const views = opts.views ?? predictionViews(model.meta);
    const ids = images.map((i) => i.imageId);
    const feats = await ensureViewFeatures(lib, ids, views, { alpha: model.meta.alpha ?? 1, weightsDir: model.baseDir!, signal, shared: opts.shared });
    const shapes = model.meta.shapeFeatures ? await ensureShapes(lib, ids, { signal }) : null;
    return averageViews(feats.map((f) => (shapes ? predictHead(model.main, withShapes(f.matrix, f.dims, shapes), f.dims + SHAPE_DIMS) : predictHead(model.main, f.matrix, f.dims))));
  }
  if (model.meta.model === 'mobilenetv2') return predictFiles(model.base!, model.main, images.map((i) => i.sourcePath), 16, signal);
  const { probs, errors } = await scoreFiles(model, images.map((i) => i.sourcePath), signal);
  const bad = errors.findIndex((e) => e);
  if (bad >= 0) throw new Error(errors[bad]!);
  const k = model.meta.classes.length;
  const out = new Float32Array(images.length * k);
  probs.forEach((p, i) => out.set(p!, i * k));
  return out;
}

/** Images predicted and stored per chunk: progress moves, and a cancel loses at most one chunk. */
const LIBRARY_CHUNK = 256;

/**
 * Predicts every readable image of the library with the run's model and stores each prediction with the split
 * the image had in the run's snapshot (train = in-sample). `exceptSplit`: a split already predicted (training
 * scores its test images itself). An image that cannot be read now is skipped, not fatal. Returns how many it stored.
 */
export async function predictLibrary(
  lib: Library,
  runId: string,
  model: LoadedModel,
  opts: { exceptSplit?: Split; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<number> {
  const run = getRunRow(lib.db, runId);
  if (!run) throw new Error(`no run ${runId}`);
  const classes = JSON.parse(run.classes) as RunClass[];
  const images = predictableImages(lib.db, runId, opts.exceptSplit ?? null);
  opts.onProgress?.(0, images.length);
  // One feature extractor for every chunk (a session costs ~0.5 s to create), made when a chunk first needs it.
  const shared: { extractor: FeatureExtractor | null } = { extractor: null };
  try {
    return await predictChunks(lib, runId, model, images, classes, shared, opts);
  } finally {
    await shared.extractor?.dispose();
  }
}

async function predictChunks(
  lib: Library, runId: string, model: LoadedModel, images: ReturnType<typeof predictableImages>, classes: RunClass[], shared: NonNullable<ViewOptions['shared']>,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<number> {
  const index = new Map(classes.map((c, i) => [c.id, i]));
  let stored = 0;
  for (let s = 0; s < images.length; s += LIBRARY_CHUNK) {
    if (opts.signal?.aborted) throw new Error('cancelled');
    const chunk = images.slice(s, s + LIBRARY_CHUNK);
    const probs = await scoreChunkBySplit(lib, model, chunk, opts.signal, shared);
    const k = classes.length;
    const rows: LibraryPrediction[] = [];
    chunk.forEach((im, i) => {
      const row = probs[i];
      if (!row) return;
      const p = Array.from(row.subarray(0, k));
      let best = 0;
      p.forEach((v, j) => v > p[best]! && (best = j));
      const t = im.classId === null ? undefined : index.get(im.classId);
      rows.push({
        imageId: im.imageId, trueClassId: t === undefined ? null : im.classId, predictedClassId: classes[best]!.id, confidence: p[best]!,
        loss: t === undefined ? null : -Math.log(Math.max(p[t]!, 1e-7)), probs: p, split: im.split,
      });
    });
    saveLibraryPredictions(lib.db, runId, rows);
    stored += rows.length;
    opts.onProgress?.(s + chunk.length, images.length);
  }
  return stored;
}

type ChunkImage = { imageId: number; sha256: string; sourcePath: string };

/** scoreChunk, with the in-sample views for images in the run's train split (inSampleViews). */
async function scoreChunkBySplit(lib: Library, model: LoadedModel, chunk: ReadonlyArray<ChunkImage & { split: Split | null }>, signal: AbortSignal | undefined, shared: ViewOptions['shared']): Promise<Array<Float32Array | null>> {
  const inSample = inSampleViews(model.meta);
  if (inSample === predictionViews(model.meta)) return scoreChunk(lib, model, chunk, signal, { shared });
  const out: Array<Float32Array | null> = new Array(chunk.length).fill(null);
  for (const train of [true, false]) {
    const at = chunk.flatMap((im, i) => ((im.split === 'train') === train ? [i] : []));
    if (!at.length) continue;
    const probs = await scoreChunk(lib, model, at.map((i) => chunk[i]!), signal, { views: train ? inSample : undefined, shared });
    at.forEach((i, j) => (out[i] = probs[j]!));
  }
  return out;
}

/**
 * One chunk's probabilities, per image (null: unreadable), averaged over `views` (default: the model's
 * prediction views). The fast path reads caches; a bad file falls back to per-file.
 */
export async function scoreChunk(lib: Library, model: LoadedModel, chunk: ReadonlyArray<ChunkImage>, signal?: AbortSignal, opts: ViewOptions = {}): Promise<Array<Float32Array | null>> {
  const k = model.meta.classes.length;
  const split = (m: Float32Array) => chunk.map((_, i) => m.subarray(i * k, (i + 1) * k));
  try {
    if (model.meta.model === 'cnn') {
      // Train, val and test pixels are in the pixel cache from training at this size.
      const pixels = await decodeCached(lib, chunk, model.meta.imageSize, { signal });
      return split(cnnProbs(model, pixels, predictionViews(model.meta)));
    }
    return split(await scoreLibraryImages(lib, model, chunk, signal, opts));
  } catch (e) {
    if (signal?.aborted) throw e;
    return (await scoreFiles(model, chunk.map((c) => c.sourcePath), signal)).probs;
  }
}
