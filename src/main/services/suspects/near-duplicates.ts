// Near-duplicate images with different labels: cosine similarity of the cached features, computed blockwise
// with a tfjs matmul (one block of rows against every later row, so each pair is computed once and memory
// stays at block × n floats). Features are centred on their mean first: pooled ReLU activations are all
// positive, so raw cosines of any two rice grains sit near 1 and would not separate copies from look-alikes.
import * as tf from '@tensorflow/tfjs';

export interface DuplicatePair {
  a: number;
  b: number;
  similarity: number;
}

export interface NearDuplicateOptions {
  threshold?: number;
  blockRows?: number;
  onBlock?: (done: number, total: number) => void;
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

/**
 * Every pair (a < b) with different labels and cosine similarity ≥ threshold, most similar first.
 * Same-label pairs are skipped: they say nothing about a wrong label.
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
  const block = opts.blockRows ?? 512;
  const pairs: DuplicatePair[] = [];
  if (n < 2) return pairs;
  const unit = tf.tensor2d(centeredUnitRows(x, dims), [n, dims]);
  const blocks = Math.ceil(n / block);
  try {
    for (let bi = 0; bi < blocks; bi++) {
      if (opts.signal?.aborted) throw new Error('scan cancelled');
      const s = bi * block;
      const e = Math.min(n, s + block);
      const sims = tf.tidy(() => {
        const rows = unit.slice([s, 0], [e - s, dims]);
        const rest = unit.slice([s, 0], [n - s, dims]);
        return tf.matMul(rows, rest, false, true);
      });
      const data = (await sims.data()) as Float32Array;
      sims.dispose();
      const width = n - s;
      for (let r = 0; r < e - s; r++) {
        const a = s + r;
        const off = r * width;
        // columns after the diagonal only: b > a
        for (let c = r + 1; c < width; c++) {
          const v = data[off + c];
          if (v >= threshold && labels[a] !== labels[s + c]) pairs.push({ a, b: s + c, similarity: v });
        }
      }
      opts.onBlock?.(bi + 1, blocks);
      // yield so progress events and cancellation get through between blocks
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    unit.dispose();
  }
  return pairs.sort((p, q) => q.similarity - p.similarity || p.a - q.a || p.b - q.b);
}
