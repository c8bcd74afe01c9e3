// Out-of-sample class probabilities for every image: stratified k-fold cross-validation of a classifier head
// on cached features. Each row's probabilities come from the one fold model that never saw it.
import { rng, shuffled } from '../../engine/random';

/** Trains on (x, y) and returns probabilities for xTest (rows × k). Any head works: tfjs layers or plain JS. */
export type FitPredict = (
  train: { x: Float32Array; y: Int32Array },
  xTest: Float32Array,
  dims: number,
  k: number,
  seed: number,
) => Promise<Float32Array>;

/** Fold of each row: every class spread evenly over the folds (round-robin after a seeded shuffle). */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`folds must be an integer ≥ 2 (got ${folds})`);
  const fold = new Int32Array(labels.length);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const rows = byClass.get(labels[i]) ?? [];
    rows.push(i);
    byClass.set(labels[i], rows);
  }
  const rand = rng(seed);
  // Continue the round-robin across classes so small classes do not all start in fold 0.
  let next = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const i of shuffled(byClass.get(c)!, rand)) fold[i] = next++ % folds;
  }
  return fold;
}

function gather(x: Float32Array, dims: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => out.set(x.subarray(r * dims, (r + 1) * dims), i * dims));
  return out;
}

/**
 * Standardise columns with the training rows' mean and spread (applied to both sides): pooled ReLU features
 * have very different scales per channel, and a linear head converges in a few epochs once they are even.
 */
export function standardize(xTrain: Float32Array, xTest: Float32Array, dims: number): void {
  const n = xTrain.length / dims;
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) {
      const v = xTrain[i * dims + d];
      mean[d] += v;
      sq[d] += v * v;
    }
  }
  const inv = new Float32Array(dims);
  for (let d = 0; d < dims; d++) {
    mean[d] /= Math.max(n, 1);
    const variance = sq[d] / Math.max(n, 1) - mean[d] * mean[d];
    inv[d] = 1 / Math.sqrt(Math.max(variance, 0) + 1e-6);
  }
  for (const x of [xTrain, xTest]) {
    for (let o = 0; o < x.length; o += dims) for (let d = 0; d < dims; d++) x[o + d] = (x[o + d] - mean[d]) * inv[d];
  }
}

export interface CrossValOptions {
  folds: number;
  seed: number;
  fitPredict: FitPredict;
  onFold?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export async function outOfSampleProbs(
  x: Float32Array,
  dims: number,
  y: Int32Array,
  k: number,
  opts: CrossValOptions,
): Promise<Float32Array> {
  const n = y.length;
  if (x.length !== n * dims) throw new Error(`cross-validation: ${n} labels but ${x.length / dims} feature rows`);
  const folds = Math.min(opts.folds, n);
  if (folds < 2) throw new Error(`cross-validation needs at least 2 images (got ${n})`);
  const fold = stratifiedFolds(y, folds, opts.seed);
  const probs = new Float32Array(n * k);
  opts.onFold?.(0, folds);
  for (let f = 0; f < folds; f++) {
    if (opts.signal?.aborted) throw new Error('scan cancelled');
    const trainRows: number[] = [];
    const testRows: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? testRows : trainRows).push(i);
    const xTrain = gather(x, dims, trainRows);
    const xTest = gather(x, dims, testRows);
    standardize(xTrain, xTest, dims);
    const yTrain = Int32Array.from(trainRows, (r) => y[r]);
    const p = await opts.fitPredict({ x: xTrain, y: yTrain }, xTest, dims, k, opts.seed + f);
    if (p.length !== testRows.length * k) throw new Error(`fold ${f + 1}: the head returned ${p.length} values for ${testRows.length}×${k}`);
    testRows.forEach((r, i) => probs.set(p.subarray(i * k, (i + 1) * k), r * k));
    opts.onFold?.(f + 1, folds);
  }
  return probs;
}
