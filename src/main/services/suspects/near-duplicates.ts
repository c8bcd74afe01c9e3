// Near-duplicate images with different labels, by cosine similarity of the cached features.
// All pairs of 12,000 × 1280-dim rows is 92 GFLOP — minutes on this machine — so candidates come from
// random-hyperplane LSH (SimHash): L tables of b sign bits, one tfjs matmul for all projections. Two rows at
// cosine c agree on a bit with probability 1 − acos(c)/π, so at c = 0.98 a table catches the pair with
// p = 0.936^b and all L tables miss it with (1 − 0.936^b)^L (6.5e-5 for b = 12, L = 16). Every candidate is
// then checked exactly, so no pair below the threshold is ever reported.
// Features are centred on their mean first: pooled ReLU activations are all positive, so raw cosines of any
// two rice grains sit near 1 and would not separate copies from look-alikes.
import tf from '../../engine/tfjs.cjs';
import { rng } from '../../engine/random';

export interface DuplicatePair {
  a: number;
  b: number;
  similarity: number;
}

export interface NearDuplicateOptions {
  threshold?: number;
  tables?: number;
  bitsPerTable?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Centre on the column mean and scale every row to unit length (a zero row stays zero). */
export function centeredUnitRows(x: Float32Array, dims: number): Float32Array {
  const n = x.length / dims;
  const mean = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) mean[d] += x[i * dims + d];
  for (let d = 0; d < dims; d++) mean[d] /= Math.max(n, 1);
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      const v = x[i * dims + d] - mean[d];
      out[i * dims + d] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dims; d++) out[i * dims + d] *= inv;
  }
  return out;
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Signs of unit · R for `planes` seeded Gaussian directions, computed in one tfjs matmul. */
async function projectSigns(unit: Float32Array, n: number, dims: number, planes: number, seed: number): Promise<Uint8Array> {
  const rand = rng(seed);
  const r = new Float32Array(dims * planes);
  for (let i = 0; i < r.length; i++) r[i] = gaussian(rand);
  const signs = tf.tidy(() => tf.greater(tf.matMul(tf.tensor2d(unit, [n, dims]), tf.tensor2d(r, [dims, planes])), 0));
  try {
    return (await signs.data()) as Uint8Array;
  } finally {
    signs.dispose();
  }
}

/**
 * Every pair (a < b) with different labels and cosine similarity ≥ threshold (up to the LSH miss rate above),
 * most similar first. Same-label pairs are skipped: they say nothing about a wrong label.
 */
export async function nearDuplicatePairs(
  x: Float32Array,
  dims: number,
  labels: ArrayLike<number>,
  opts: NearDuplicateOptions = {},
): Promise<DuplicatePair[]> {
  const n = labels.length;
  if (x.length !== n * dims) throw new Error(`near-duplicates: ${n} labels but ${x.length / dims} feature rows`);
  const threshold = opts.threshold ?? 0.98;
  const tables = opts.tables ?? 16;
  const bits = opts.bitsPerTable ?? 12;
  if (bits > 30) throw new Error(`near-duplicates: at most 30 bits per table (got ${bits})`);
  const pairs: DuplicatePair[] = [];
  if (n < 2) return pairs;
  const unit = centeredUnitRows(x, dims);
  const planes = tables * bits;
  const signs = await projectSigns(unit, n, dims, planes, opts.seed ?? 1);
  const seen = new Set<number>();
  const keys = new Int32Array(n);
  for (let t = 0; t < tables; t++) {
    if (opts.signal?.aborted) throw new Error('scan cancelled');
    for (let i = 0; i < n; i++) {
      let key = 0;
      for (let b = 0; b < bits; b++) key = (key << 1) | signs[i * planes + t * bits + b];
      keys[i] = key;
    }
    const buckets = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const list = buckets.get(keys[i]);
      if (list) list.push(i);
      else buckets.set(keys[i], [i]);
    }
    for (const rows of buckets.values()) {
      if (rows.length < 2) continue;
      for (let p = 0; p < rows.length; p++) {
        const a = rows[p];
        for (let q = p + 1; q < rows.length; q++) {
          const b = rows[q];
          if (labels[a] === labels[b]) continue;
          const id = a * n + b; // exact: n² stays far below 2^53
          if (seen.has(id)) continue;
          seen.add(id);
          let dot = 0;
          for (let d = 0, oa = a * dims, ob = b * dims; d < dims; d++) dot += unit[oa + d] * unit[ob + d];
          if (dot >= threshold) pairs.push({ a, b, similarity: dot });
        }
      }
    }
    opts.onProgress?.(t + 1, tables);
    await new Promise((resolve) => setImmediate(resolve)); // let progress and cancellation through
  }
  return pairs.sort((p, q) => q.similarity - p.similarity || p.a - q.a || p.b - q.b);
}
