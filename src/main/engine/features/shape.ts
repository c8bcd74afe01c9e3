// The object's silhouette as numbers (issue 12), beside the frozen MobileNetV2 features or weighed into a CNN's
// prediction (train/shape-head.ts). A frozen ImageNet base pools its map into a vector that keeps what an object
// looks like but little of how big it is in the frame; for single objects photographed the same way (rice grains on
// black) size and outline are what tells Arborio from Karacadag and Basmati from Jasmine. On a rice library's val +
// test images a head on features + these numbers made 3 errors of 2,880 where the features alone made 10
// (BENCHMARKS.md, "Seventh session").
//
// The object is every pixel brighter than Otsu's threshold of the grey image (the image as the model sees it); lengths are in frame widths, so they do not depend on the decode size. Every number is
// the same for the eight flips/quarter turns of an image (data/views.ts), so one vector serves every view.
import type { Library } from '../../library';
import { cachedFeatures, imageFiles, storeFeatures } from '../../repos/features.repo';
import { decodeMany } from '../data/images';
import { yieldToEventLoop } from '../random';

/** sqrt(area), major and minor axis (from the second moments), eccentricity, elongation, perimeter, roundness,
 * length and width along the axes, mean R, G, B and the grey spread inside the object. */
export const SHAPE_DIMS = 13;
/** Bump when the numbers change: older cached rows then stop matching. */
export const SHAPE_KEY = 'shape-otsu-v1';
/** How much the head's input weighs the standardised shape numbers against ~1,280 features: 3 made the fewest
 * errors of 0, 1, 3 and 6 on two splits of the rice library (BENCHMARKS.md). */
export const SHAPE_SCALE = 3;

function otsu(hist: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let wB = 0, sumB = 0, best = -1, t = 0;
  for (let i = 0; i < 256; i++) {
    wB += hist[i]!;
    if (!wB) continue;
    const wF = n - wB;
    if (!wF) break;
    sumB += i * hist[i]!;
    const d = sumB / wB - (sum - sumB) / wF;
    const v = wB * wF * d * d;
    if (v > best) (best = v), (t = i);
  }
  return t;
}

/** The shape vector of one decoded RGB image (size × size × 3). An image with no object gives zeros. */
export function shapeOf(px: Uint8Array, size: number): Float32Array {
  const n = size * size;
  const grey = new Uint8Array(n);
  const hist = new Float64Array(256);
  for (let i = 0; i < n; i++) {
    const g = Math.round((px[i * 3]! + px[i * 3 + 1]! + px[i * 3 + 2]!) / 3);
    grey[i] = g;
    hist[g]!++;
  }
  const t = otsu(hist, n);
  let area = 0, sx = 0, sy = 0, r = 0, g = 0, b = 0, gg = 0, gs = 0, per = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      if (grey[i]! <= t) continue;
      area++, (sx += x), (sy += y), (r += px[i * 3]!), (g += px[i * 3 + 1]!), (b += px[i * 3 + 2]!), (gs += grey[i]!), (gg += grey[i]! * grey[i]!);
      // A boundary pixel: on the frame's edge or beside a background pixel (4-neighbours).
      if (x === 0 || y === 0 || x === size - 1 || y === size - 1 || grey[i - 1]! <= t || grey[i + 1]! <= t || grey[i - size]! <= t || grey[i + size]! <= t) per++;
    }
  }
  const out = new Float32Array(SHAPE_DIMS);
  if (area < 2) return out;
  const cx = sx / area, cy = sy / area;
  let mxx = 0, myy = 0, mxy = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (grey[y * size + x]! <= t) continue;
      const dx = x - cx, dy = y - cy;
      (mxx += dx * dx), (myy += dy * dy), (mxy += dx * dy);
    }
  }
  (mxx /= area), (myy /= area), (mxy /= area);
  const half = (mxx + myy) / 2, disc = Math.sqrt(Math.max(0, half * half - (mxx * myy - mxy * mxy)));
  const l1 = half + disc, l2 = Math.max(1e-6, half - disc);
  const ang = 0.5 * Math.atan2(2 * mxy, mxx - myy), ux = Math.cos(ang), uy = Math.sin(ang);
  let lo = Infinity, hi = -Infinity, lo2 = Infinity, hi2 = -Infinity;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (grey[y * size + x]! <= t) continue;
      const p = (x - cx) * ux + (y - cy) * uy, q = (y - cy) * ux - (x - cx) * uy;
      if (p < lo) lo = p;
      if (p > hi) hi = p;
      if (q < lo2) lo2 = q;
      if (q > hi2) hi2 = q;
    }
  }
  const mean = gs / area;
  out.set([
    Math.sqrt(area) / size, (4 * Math.sqrt(l1)) / size, (4 * Math.sqrt(l2)) / size, Math.sqrt(Math.max(0, 1 - l2 / l1)),
    Math.min(20, Math.sqrt(l1 / l2)), per / size, Math.min(2, (4 * Math.PI * area) / (per * per)), (hi - lo + 1) / size, (hi2 - lo2 + 1) / size,
    r / area / 255, g / area / 255, b / area / 255, Math.sqrt(Math.max(0, gg / area - mean * mean)) / 255,
  ]);
  return out;
}

/** Row-wise [features | shape]: n rows of `dims` features and n shape vectors → n rows of dims + SHAPE_DIMS. */
export function withShapes(features: Float32Array, dims: number, shapes: Float32Array): Float32Array {
  const n = features.length / dims;
  if (shapes.length !== n * SHAPE_DIMS) throw new Error(`withShapes: ${n} feature rows but ${shapes.length / SHAPE_DIMS} shape rows`);
  const out = new Float32Array(n * (dims + SHAPE_DIMS));
  for (let i = 0; i < n; i++) {
    out.set(features.subarray(i * dims, (i + 1) * dims), i * (dims + SHAPE_DIMS));
    out.set(shapes.subarray(i * SHAPE_DIMS, (i + 1) * SHAPE_DIMS), i * (dims + SHAPE_DIMS) + dims);
  }
  return out;
}

/** Caches shape vectors the feature pass computed from pixels it had decoded anyway (keyed by image sha256). */
export function storeShapes(lib: Library, rows: ReadonlyArray<{ sha256: string; vec: Float32Array }>): void {
  if (rows.length) storeFeatures(lib.db, SHAPE_KEY, rows);
}

const DECODE_BATCH = 64;

/** The size the cached numbers are measured at: MobileNetV2's input (feature-cache FEATURE_SIZE), whose pass
 * computes them. A CNN measures its own input pixels instead and caches nothing. */
export const SHAPE_CACHE_SIZE = 224;

/** Shape vectors of library images (n × SHAPE_DIMS), from the cache or decoded at SHAPE_CACHE_SIZE and cached. */
export async function ensureShapes(
  lib: Library,
  imageIds: readonly number[],
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<Float32Array> {
  const files = imageFiles(lib.db, imageIds as number[]);
  const shas = [...new Set(imageIds.map((id) => files.get(id)?.sha256 ?? ''))];
  if (shas.includes('')) throw new Error(`ensureShapes: unknown image id(s) ${imageIds.filter((id) => !files.has(id)).slice(0, 5).join(', ')}`);
  const have = cachedFeatures(lib.db, SHAPE_KEY, shas);
  const todo = shas.filter((s) => !have.has(s));
  const pathOf = new Map(imageIds.map((id) => [files.get(id)!.sha256, files.get(id)!.sourcePath]));
  for (let s = 0; s < todo.length; s += DECODE_BATCH) {
    if (opts.signal?.aborted) throw new Error('cancelled');
    const chunk = todo.slice(s, s + DECODE_BATCH);
    const pixels = await decodeMany(chunk.map((sha) => pathOf.get(sha)!), SHAPE_CACHE_SIZE, { signal: opts.signal });
    const rows = chunk.map((sha, i) => ({ sha256: sha, vec: shapeOf(pixels[i]!, SHAPE_CACHE_SIZE) }));
    storeShapes(lib, rows);
    for (const r of rows) have.set(r.sha256, r.vec);
    opts.onProgress?.(s + chunk.length, todo.length);
    await yieldToEventLoop();
  }
  const out = new Float32Array(imageIds.length * SHAPE_DIMS);
  imageIds.forEach((id, i) => out.set(have.get(files.get(id)!.sha256)!, i * SHAPE_DIMS));
  return out;
}

/**
 * Standardises the shape columns of a training matrix ([features | shape] rows) by the training rows' mean and
 * spread, times SHAPE_SCALE, in place, and returns what `foldShapeScaling` needs to move that into the head's first
 * layer — so the saved head takes raw shape numbers and nothing downstream has to know the statistics.
 */
export interface ShapeScaling {
  mean: Float64Array;
  factor: Float64Array;
}

export function standardiseShapes(x: Float32Array, dims: number): ShapeScaling {
  const width = dims + SHAPE_DIMS, n = x.length / width;
  const mean = new Float64Array(SHAPE_DIMS), sq = new Float64Array(SHAPE_DIMS);
  for (let i = 0; i < n; i++) for (let k = 0; k < SHAPE_DIMS; k++) mean[k]! += x[i * width + dims + k]! / n;
  for (let i = 0; i < n; i++) for (let k = 0; k < SHAPE_DIMS; k++) sq[k]! += (x[i * width + dims + k]! - mean[k]!) ** 2 / n;
  // A column with no spread (every image the same) is left centred and unscaled.
  const factor = Float64Array.from(sq, (v) => (v > 1e-12 ? SHAPE_SCALE / Math.sqrt(v) : 0));
  for (let i = 0; i < n; i++) for (let k = 0; k < SHAPE_DIMS; k++) x[i * width + dims + k] = (x[i * width + dims + k]! - mean[k]!) * factor[k]!;
  return { mean, factor };
}

/** The same standardisation on other rows (validation) with the training statistics. */
export function applyShapeScaling(x: Float32Array, dims: number, s: ShapeScaling): Float32Array {
  const width = dims + SHAPE_DIMS, out = x.slice();
  for (let i = 0; i < out.length / width; i++) for (let k = 0; k < SHAPE_DIMS; k++) out[i * width + dims + k] = (out[i * width + dims + k]! - s.mean[k]!) * s.factor[k]!;
  return out;
}

/**
 * Folds z = (raw − mean)·factor into the first layer: W'[d+k] = W[d+k]·factor[k], b' = b − Σ_k W[d+k]·mean[k]·factor[k].
 * Returns the new kernel and bias (row-major [in, units]); exact up to float rounding.
 */
export function foldShapeScaling(kernel: Float32Array, bias: Float32Array, dims: number, s: ShapeScaling): { kernel: Float32Array; bias: Float32Array } {
  const units = bias.length, k2 = kernel.slice(), b2 = Float64Array.from(bias);
  for (let k = 0; k < SHAPE_DIMS; k++) {
    const row = (dims + k) * units;
    for (let u = 0; u < units; u++) {
      const w = kernel[row + u]!;
      k2[row + u] = w * s.factor[k]!;
      b2[u]! -= w * s.mean[k]! * s.factor[k]!;
    }
  }
  return { kernel: k2, bias: Float32Array.from(b2) };
}
