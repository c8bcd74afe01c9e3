// Principal components of feature vectors, for two uses: the similar-images index (1280 → 128 dims keeps
// 75,000 vectors in 38 MB and a query under 50 ms) and the map (UMAP's neighbour search runs on ~50 dims).
// The axes come from a seeded sample of rows by randomised subspace iteration: no covariance matrix and no
// full eigendecomposition of a 1280 × 1280 matrix, which is seconds in JavaScript. The fit and the projection
// are generators that yield between passes and row chunks, so a job can report progress and stop on Cancel
// (`runSteps` runs one to its end synchronously).
import { rng } from '../random';

/** How far a long computation is; a step generator yields these between chunks of work. */
export interface StepProgress {
  phase: string;
  done: number;
  total: number;
}
export type Steps<T> = Generator<StepProgress, T, void>;

/** Runs a step generator to its end in one go. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs a step generator, handing each step to `onStep` and letting the event loop run between them (so an abort arrives). */
export async function runStepsAsync<T>(steps: Steps<T>, onStep: (p: StepProgress) => void, signal?: AbortSignal, cancelled = 'cancelled'): Promise<T> {
  for (;;) {
    if (signal?.aborted) throw new Error(cancelled);
    const r = steps.next();
    if (r.done) return r.value;
    onStep(r.value);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export interface Pca {
  dims: number;
  components: number;
  mean: Float32Array;
  /** components × dims, row-major, orthonormal rows. */
  basis: Float32Array;
}

export interface PcaOptions {
  components: number;
  /** Rows the covariance is estimated from (all when fewer). */
  sample?: number;
  iterations?: number;
  seed?: number;
}

function sampleRows(n: number, k: number, seed: number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  const rand = rng(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k).sort((a, b) => a - b);
}

/** Orthonormalises the q columns of m (dims × q, row-major) in place (modified Gram–Schmidt). */
function orthonormalise(m: Float64Array, dims: number, q: number): void {
  for (let c = 0; c < q; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < dims; r++) dot += m[r * q + c] * m[r * q + p];
      for (let r = 0; r < dims; r++) m[r * q + c] -= dot * m[r * q + p];
    }
    let norm = 0;
    for (let r = 0; r < dims; r++) norm += m[r * q + c] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < dims; r++) m[r * q + c] /= norm;
  }
}

/** Fits the top `components` principal axes of `rows` (n × dims). */
export function fitPca(rows: Float32Array, n: number, dims: number, opts: PcaOptions): Pca {
  return runSteps(fitPcaSteps(rows, n, dims, opts));
}

/** fitPca, yielding after each pass over the sample (phase "PCA fit"). */
export function* fitPcaSteps(rows: Float32Array, n: number, dims: number, opts: PcaOptions): Steps<Pca> {
  const q = Math.min(opts.components, dims);
  const picked = sampleRows(n, opts.sample ?? 3000, opts.seed ?? 1);
  const m = picked.length;
  const mean = new Float64Array(dims);
  for (const i of picked) for (let d = 0; d < dims; d++) mean[d] += rows[i * dims + d];
  for (let d = 0; d < dims; d++) mean[d] /= m || 1;
  const xc = new Float64Array(m * dims);
  picked.forEach((i, r) => {
    for (let d = 0; d < dims; d++) xc[r * dims + d] = rows[i * dims + d] - mean[d];
  });
  // Randomised subspace iteration on the centred sample, never forming the covariance: Q ← orth(Xᵀ(X Q)).
  // Each pass costs m·dims·w, so a small library is cheap; a few extra columns make the top q converge faster.
  const w = Math.min(dims, q + 8);
  const rand = rng((opts.seed ?? 1) + 7);
  const qm = new Float64Array(dims * w).map(() => rand() - 0.5);
  orthonormalise(qm, dims, w);
  const z = new Float64Array(m * w);
  const timesQ = () => {
    z.fill(0);
    for (let r = 0; r < m; r++) {
      const off = r * dims;
      const out = r * w;
      for (let d = 0; d < dims; d++) {
        const x = xc[off + d];
        if (x === 0) continue;
        const row = d * w;
        for (let j = 0; j < w; j++) z[out + j] += x * qm[row + j];
      }
    }
  };
  const iterations = opts.iterations ?? 6;
  yield { phase: 'PCA fit', done: 0, total: iterations + 1 };
  for (let it = 0; it < iterations; it++) {
    timesQ();
    qm.fill(0);
    for (let r = 0; r < m; r++) {
      const off = r * dims;
      const zr = r * w;
      for (let d = 0; d < dims; d++) {
        const x = xc[off + d];
        if (x === 0) continue;
        const row = d * w;
        for (let j = 0; j < w; j++) qm[row + j] += x * z[zr + j];
      }
    }
    orthonormalise(qm, dims, w);
    yield { phase: 'PCA fit', done: it + 1, total: iterations + 1 };
  }
  // Order the axes by the variance along them (|X q|²), largest first.
  timesQ();
  const variance = Array.from({ length: w }, (_, j) => {
    let v = 0;
    for (let r = 0; r < m; r++) v += z[r * w + j] ** 2;
    return { j, v };
  }).sort((a, b) => b.v - a.v);
  const basis = new Float32Array(q * dims);
  for (let c = 0; c < q; c++) {
    const j = variance[c].j;
    for (let r = 0; r < dims; r++) basis[c * dims + r] = qm[r * w + j];
  }
  return { dims, components: q, mean: Float32Array.from(mean), basis };
}

/** Projects rows (n × dims) onto the first `take` components (default all): n × take. */
export function projectPca(pca: Pca, rows: Float32Array, n: number, take = pca.components): Float32Array {
  return runSteps(projectPcaSteps(pca, rows, n, take));
}

/** projectPca, yielding every `chunk` rows (phase "projecting"). */
export function* projectPcaSteps(pca: Pca, rows: Float32Array, n: number, take = pca.components, chunk = 2000): Steps<Float32Array> {
  const { dims, basis, mean } = pca;
  const out = new Float32Array(n * take);
  const x = new Float32Array(dims);
  for (let i = 0; i < n; i++) {
    if (i % chunk === 0 && i > 0) yield { phase: 'projecting', done: i, total: n };
    for (let d = 0; d < dims; d++) x[d] = rows[i * dims + d] - mean[d];
    for (let c = 0; c < take; c++) {
      let s = 0;
      const off = c * dims;
      for (let d = 0; d < dims; d++) s += basis[off + d] * x[d];
      out[i * take + c] = s;
    }
  }
  return out;
}

/** Scales each row (n × dims) to unit length in place; a zero row stays zero. */
export function l2NormaliseRows(rows: Float32Array, n: number, dims: number): Float32Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += rows[i * dims + d] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < dims; d++) rows[i * dims + d] *= inv;
  }
  return rows;
}
