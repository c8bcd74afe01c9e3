// Pooled MobileNetV2 features per image, computed once and cached in the library (feature_cache), keyed by
// the weights' hash + alpha + preprocessing and the image's sha256 — so a head trains in seconds and every
// later run (and label review) reuses them. Only missing rows are computed, each batch committed on its own.
import crypto from 'node:crypto';
import type { Library } from '../../library';
import { cachedFeatures, countCachedFeatures, featureExtractors, imageFiles, storeFeatures } from '../../repos/features.repo';
import { decodeMany, toBatch } from '../data/images';
import { orient, secondView } from '../data/views';
import { yieldToEventLoop } from '../random';
import type { FeatureExtractor } from './extractor';
import { createTfjsExtractor } from './tfjs-extractor';
import { SHAPE_CACHE_SIZE, shapeOf, storeShapes } from './shape';
import { findWeights, weightsHash, type Alpha } from '../weights/find';

/** Bump when decoding/resizing/normalisation changes: old cache rows then stop matching. */
const PREPROCESSING = 'rgb-fill-lanczos3-224-x/127.5-1-v1';
/** MobileNetV2's input size; the cached shape numbers are measured on the same decode (shape.ts). */
export const FEATURE_SIZE = SHAPE_CACHE_SIZE;
const BATCH = 32;

export interface FeatureOptions {
  alpha: Alpha;
  weightsDir?: string;
  extractor?: FeatureExtractor;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Which extractor computed the missing rows (for the run record); called once if any were computed. */
  onExtractor?: (name: string) => void;
  /** Features of which view of each image (data/views.ts): 0 (default) as it is, 1–7 a flip/quarter turn, 'second' each image's secondView. */
  view?: FeatureView;
  /** One extractor for several calls (one per view): created on first need and left here; the caller disposes it. */
  shared?: { extractor: FeatureExtractor | null };
}

export type FeatureView = number | 'second';

export interface Features {
  extractorKey: string;
  dims: number;
  matrix: Float32Array;
}

// Other views' rows are keyed apart ('mnv2v3-100-…', 'mnv2s-100-…'), outside the 'mnv2-' prefix that label
// splits, similar images and the map read as "the image as it is".
const keyPrefix = (alpha: Alpha, view: FeatureView = 0) => `mnv2${view === 0 ? '' : view === 'second' ? 's' : `v${view}`}-${alpha === 1 ? '100' : '035'}-`;

export function extractorKey(modelDir: string, alpha: Alpha, view: FeatureView = 0): string {
  const h = crypto.createHash('sha256').update(`${weightsHash(modelDir)}|${alpha}|${PREPROCESSING}`).digest('hex');
  return `${keyPrefix(alpha, view)}${h.slice(0, 24)}`;
}

/** The weights folder for an alpha: library models/ first, then weightsDir, then $PADDY_MOBILENET_DIR. */
export function weightsFor(lib: Library, alpha: Alpha, weightsDir?: string | null): string {
  return findWeights(alpha, { libraryModelsDir: lib.paths.models, libraryDir: lib.paths.root, weightsDir: weightsDir ?? null });
}

/**
 * Without the weights, the cache key cannot be computed, but a key whose rows cover every image needs no
 * weights: nothing is left to extract. Only an unambiguous one is used (one set of weights for this alpha and
 * preprocessing); otherwise `missing` is rethrown with what kept the cache from standing in.
 */
function keyCoveringAll(lib: Library, alpha: Alpha, view: FeatureView, shas: readonly string[], missing: Error): string {
  if (!shas.length) throw missing;
  // Keys of other weights (or of an older PREPROCESSING) share the prefix: coverage decides, ties are refused.
  const covered = featureExtractors(lib.db, keyPrefix(alpha, view)).map((k) => ({ key: k, n: countCachedFeatures(lib.db, k, shas) }));
  const full = covered.filter((c) => c.n === shas.length);
  if (full.length === 1) return full[0]!.key;
  const best = Math.max(0, ...covered.map((c) => c.n));
  const why = full.length > 1
    ? `Features of all ${shas.length} images are cached for ${full.length} different MobileNetV2 weights, so the weights must say which.`
    : `${shas.length - best} of ${shas.length} images have no cached features, so the weights are needed to compute them.`;
  throw new Error(`${missing.message}\n${why}`);
}

/** The ONNX extractor (native, multithreaded) when onnxruntime-node loads, else null (then tfjs runs the base). */
async function tryOnnx(modelDir: string, alpha: Alpha): Promise<FeatureExtractor | null> {
  try {
    const { createOnnxExtractor } = await import('../onnx/runtime/extractor');
    return await createOnnxExtractor(modelDir, alpha);
  } catch {
    return null;
  }
}

export async function createExtractor(modelDir: string, alpha: Alpha): Promise<FeatureExtractor> {
  if (process.env.PADDY_EXTRACTOR !== 'tfjs') {
    const onnx = await tryOnnx(modelDir, alpha);
    if (onnx) return onnx;
  }
  return createTfjsExtractor(modelDir, alpha);
}

/**
 * Decodes image files at 224 px in batches and runs each batch through `extract` (n images, NHWC, x/127.5 − 1),
 * decoding the next batch meanwhile; `onBatch` gets each batch's output with the index of its first file.
 * False when the signal or `shouldStop` ended it between batches. Shared by the feature cache and fine-tuning's
 * pass over the frozen blocks.
 */
export async function extractFiles(
  paths: readonly string[],
  extract: (x: Float32Array, n: number) => Promise<Float32Array>,
  opts: {
    batchSize: number;
    signal?: AbortSignal;
    shouldStop?: () => boolean;
    onBatch: (start: number, out: Float32Array) => void;
    /** Turns the decoded pixels of paths[index] into the view to extract (data/views.ts orient). */
    view?: (index: number, pixels: Uint8Array) => Uint8Array;
  },
): Promise<boolean> {
  // Every prefetch gets a handler at once: a stop can end the loop before a prefetch is awaited, and an unhandled
  // rejection kills the process (the tfjs wasm backend's module rethrows from 'unhandledRejection').
  const prefetch = (start: number): Promise<Uint8Array[]> => {
    const chunk = paths.slice(start, start + opts.batchSize);
    const view = opts.view;
    const decoded = chunk.length ? decodeMany(chunk, FEATURE_SIZE, { signal: opts.signal }) : Promise.resolve([]);
    const p = view ? decoded.then((px) => px.map((x, j) => view(start + j, x))) : decoded;
    p.catch(() => undefined); // surfaced when awaited
    return p;
  };
  let pending = prefetch(0);
  for (let s = 0; s < paths.length; s += opts.batchSize) {
    await yieldToEventLoop();
    if (opts.signal?.aborted || opts.shouldStop?.()) return false;
    const n = Math.min(opts.batchSize, paths.length - s);
    const pixels = await pending;
    pending = prefetch(s + opts.batchSize);
    opts.onBatch(s, await extract(toBatch(pixels, FEATURE_SIZE, 'mobilenet'), n));
  }
  return true;
}

export async function ensureFeatures(lib: Library, imageIds: number[], opts: FeatureOptions): Promise<Features> {
  const files = imageFiles(lib.db, imageIds);
  const missingIds = imageIds.filter((id) => !files.has(id));
  if (missingIds.length) throw new Error(`ensureFeatures: unknown image id(s) ${missingIds.slice(0, 5).join(', ')}`);
  const shas = [...new Set(imageIds.map((id) => files.get(id)!.sha256))];
  // The weights are only needed for rows not cached yet: a scan over cached features runs without them.
  let modelDir: string | null = null;
  let key: string;
  const view = opts.view ?? 0;
  try {
    modelDir = weightsFor(lib, opts.alpha, opts.weightsDir);
    key = extractorKey(modelDir, opts.alpha, view);
  } catch (e) {
    if (!(e instanceof Error) || !/weights not found/.test(e.message)) throw e;
    key = keyCoveringAll(lib, opts.alpha, view, shas, e);
  }
  const have = cachedFeatures(lib.db, key, shas);
  const todo = shas.filter((s) => !have.has(s));
  const total = shas.length;
  opts.onProgress?.(total - todo.length, total);
  if (todo.length) {
    const pathOf = new Map(imageIds.map((id) => [files.get(id)!.sha256, files.get(id)!.sourcePath]));
    // modelDir is set here: without weights only a key covering every image is used, leaving nothing to do.
    const own = !opts.extractor && !opts.shared?.extractor;
    const extractor = opts.extractor ?? opts.shared?.extractor ?? (await createExtractor(modelDir!, opts.alpha));
    if (opts.shared) opts.shared.extractor = extractor;
    opts.onExtractor?.(extractor.name);
    try {
      const paths = todo.map((sha) => pathOf.get(sha)!);
      // The image as it is also gives its shape vector (shape.ts) while its pixels are at hand: a run that uses
      // them then decodes nothing again.
      const shapes = new Map<string, Float32Array>();
      const completed = await extractFiles(paths, (x, n) => extractor.extract(x, n), {
        batchSize: BATCH,
        signal: opts.signal,
        view: view === 0
          ? (i, px) => (shapes.set(todo[i]!, shapeOf(px, SHAPE_CACHE_SIZE)), px)
          : (i, px) => orient(px, FEATURE_SIZE, view === 'second' ? secondView(todo[i]!) : view),
        onBatch: (start, feats) => {
          const dims = extractor.dims;
          const chunk = todo.slice(start, start + feats.length / dims);
          const rows = chunk.map((sha, i) => ({ sha256: sha, vec: feats.slice(i * dims, (i + 1) * dims) }));
          storeFeatures(lib.db, key, rows);
          storeShapes(lib, chunk.flatMap((sha) => (shapes.has(sha) ? [{ sha256: sha, vec: shapes.get(sha)! }] : [])));
          for (const sha of chunk) shapes.delete(sha);
          for (const r of rows) have.set(r.sha256, r.vec);
          opts.onProgress?.(total - todo.length + start + chunk.length, total);
        },
      });
      if (!completed) throw new Error('cancelled');
    } finally {
      if (own && !opts.shared) await extractor.dispose();
    }
  }
  const dims = have.get(shas[0]!)?.length ?? 0;
  const matrix = new Float32Array(imageIds.length * dims);
  imageIds.forEach((id, i) => matrix.set(have.get(files.get(id)!.sha256)!, i * dims));
  return { extractorKey: key, dims, matrix };
}

/**
 * Features of several views of the same images (ensureFeatures per view, one extractor for all), one matrix per
 * view in `views` order, with one progress count over every view's rows.
 */
export async function ensureViewFeatures(lib: Library, imageIds: number[], views: readonly FeatureView[], opts: Omit<FeatureOptions, 'view'>): Promise<Features[]> {
  // A caller's slot (one extractor across many calls, e.g. chunk after chunk of a library) is the caller's to dispose.
  const shared: { extractor: FeatureExtractor | null } = opts.shared ?? { extractor: opts.extractor ?? null };
  const out: Features[] = [];
  try {
    for (const [i, view] of views.entries()) {
      out.push(await ensureFeatures(lib, imageIds, {
        ...opts, view, shared,
        onProgress: opts.onProgress && ((done, total) => opts.onProgress!(i * total + done, views.length * total)),
      }));
    }
  } finally {
    if (!opts.extractor && !opts.shared) await shared.extractor?.dispose();
  }
  return out;
}
