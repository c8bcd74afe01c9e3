// The eight views of a grain: its flips and quarter turns. A single rice grain on black has no canonical
// orientation, so each view is an exact, label-preserving copy (no resampling). Prediction averages the class
// probabilities over all eight (test-time views: a run's `testViews`), and a MobileNetV2 head with `augment`
// trains on each image as it is plus one more of its views. Measured on held-out rice (BENCHMARKS.md, "Accuracy
// of the defaults"): the MobileNetV2 head went from 99.08% / 99.17% to 99.50% / 99.63% on two splits.
import crypto from 'node:crypto';
import { augment } from './images';

export const VIEW_COUNT = 8;
/** Every view, the image as it is first. */
export const ALL_VIEWS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7];
/** The image as it is, alone. */
export const ONE_VIEW: readonly number[] = [0];

/** The views a run's predictions average: all eight with test-time views (not through a fine-tuned base). */
export function predictionViews(meta: { testViews?: boolean; ownBase?: boolean }): readonly number[] {
  return meta.testViews && !meta.ownBase ? ALL_VIEWS : ONE_VIEW;
}

/**
 * View `view` (0–7) of uint8 RGB size×size×3 HWC pixels: bit 0 flips horizontally, bit 1 vertically, bit 2
 * transposes (augment's orientation draw, so a view is exactly one of training's augmentations). 0 = unchanged.
 */
export function orient(pixels: Uint8Array, size: number, view: number): Uint8Array {
  if (!Number.isInteger(view) || view < 0 || view >= VIEW_COUNT) throw new Error(`orient: view must be 0–7 (got ${view})`);
  if (view === 0) return pixels;
  return augment(pixels, size, () => (view + 0.5) / VIEW_COUNT);
}

/**
 * The one other view a MobileNetV2 head trains on beside the image as it is: 1–7, fixed per image by its content
 * hash, so its features are computed once and every later run reuses them from the feature cache.
 */
export function secondView(sha256: string): number {
  const h = /^[0-9a-f]{8}/i.test(sha256) ? sha256 : crypto.createHash('sha256').update(sha256).digest('hex');
  return 1 + (parseInt(h.slice(0, 8), 16) % (VIEW_COUNT - 1));
}

/** Averages view-major probability blocks (views × n × k, each block n × k) into n × k. */
export function averageViews(blocks: readonly Float32Array[]): Float32Array {
  if (!blocks.length) throw new Error('averageViews: no views');
  const out = Float32Array.from(blocks[0]!);
  for (let v = 1; v < blocks.length; v++) {
    const b = blocks[v]!;
    if (b.length !== out.length) throw new Error(`averageViews: view ${v} has ${b.length} values, view 0 ${out.length}`);
    for (let i = 0; i < out.length; i++) out[i] += b[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i] /= blocks.length;
  return out;
}
