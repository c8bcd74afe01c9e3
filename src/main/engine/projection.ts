// 2-D projection of feature vectors with umap-js (UMAP, PAIR-code, MIT). Rows are L2-normalised (Euclidean
// distance then orders neighbours like cosine) and reduced by PCA first: UMAP's neighbour search and its
// distance calls cost per dimension, and 50 principal axes keep the neighbourhoods of 1280-d features.
// The layout runs epoch by epoch so progress is reported and a cancel stops it between epochs; the neighbour
// search (umap-js's NN-descent) is one synchronous call.
import { UMAP } from 'umap-js';
import { rng, yieldToEventLoop } from './random';
import { fitPca, l2NormaliseRows, projectPca } from './features/pca';

export interface ProjectionOptions {
  seed?: number;
  nNeighbors?: number;
  minDist?: number;
  /** Default: 400 up to 10,000 points, 200 up to 40,000, 120 beyond (each epoch walks every edge). */
  nEpochs?: number;
  pcaDims?: number;
  signal?: AbortSignal;
  onProgress?: (phase: 'pca' | 'neighbours' | 'layout', done: number, total: number) => void;
}

export interface Projection {
  /** n × 2, row-major. */
  xy: Float32Array;
  method: string;
  params: { nNeighbors: number; minDist: number; nEpochs: number; pcaDims: number | null; seed: number };
  seconds: { pca: number; neighbours: number; layout: number };
}

export function defaultEpochs(n: number): number {
  return n <= 10_000 ? 400 : n <= 40_000 ? 200 : 120;
}

export async function projectUmap(matrix: Float32Array, n: number, dims: number, opts: ProjectionOptions = {}): Promise<Projection> {
  const seed = opts.seed ?? 1;
  const nNeighbors = Math.max(2, Math.min(opts.nNeighbors ?? 15, n - 1));
  const minDist = opts.minDist ?? 0.1;
  const nEpochs = opts.nEpochs ?? defaultEpochs(n);
  const check = () => {
    if (opts.signal?.aborted) throw new Error('cancelled');
  };
  if (n < 3) {
    // UMAP needs neighbours; one or two points get fixed places.
    const xy = new Float32Array(n * 2);
    if (n === 2) xy[2] = 1;
    return { xy, method: 'umap', params: { nNeighbors, minDist, nEpochs: 0, pcaDims: null, seed }, seconds: { pca: 0, neighbours: 0, layout: 0 } };
  }
  let t = performance.now();
  const rows = l2NormaliseRows(Float32Array.from(matrix), n, dims);
  const target = opts.pcaDims ?? 50;
  let pcaDims: number | null = null;
  let x = rows;
  let d = dims;
  // Fewer points than twice the axes: PCA would keep nearly all there is, and UMAP's cost is small anyway.
  if (dims > target && n >= 2 * target) {
    opts.onProgress?.('pca', 0, 1);
    const pca = fitPca(rows, n, dims, { components: target, sample: 3000, seed });
    x = projectPca(pca, rows, n);
    d = target;
    pcaDims = target;
    opts.onProgress?.('pca', 1, 1);
  }
  const pcaSeconds = (performance.now() - t) / 1000;
  check();
  await yieldToEventLoop();

  t = performance.now();
  const data: number[][] = new Array(n);
  for (let i = 0; i < n; i++) data[i] = Array.from(x.subarray(i * d, (i + 1) * d));
  const umap = new UMAP({ nComponents: 2, nNeighbors, minDist, nEpochs, random: rng(seed) });
  opts.onProgress?.('neighbours', 0, 1);
  const epochs = umap.initializeFit(data);
  opts.onProgress?.('neighbours', 1, 1);
  const neighboursSeconds = (performance.now() - t) / 1000;
  check();

  t = performance.now();
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if (e % 10 === 9 || e === epochs - 1) {
      opts.onProgress?.('layout', e + 1, epochs);
      await yieldToEventLoop();
      check();
    }
  }
  const embedding = umap.getEmbedding();
  const xy = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    xy[i * 2] = embedding[i][0];
    xy[i * 2 + 1] = embedding[i][1];
  }
  return {
    xy,
    method: 'umap',
    params: { nNeighbors, minDist, nEpochs: epochs, pcaDims, seed },
    seconds: { pca: pcaSeconds, neighbours: neighboursSeconds, layout: (performance.now() - t) / 1000 },
  };
}

/** Share of points whose k nearest neighbours in the 2-D map (exact) carry the point's own label, averaged. */
export function knnLabelAgreement(xy: Float32Array, labels: ArrayLike<number>, k = 10): number {
  const n = labels.length;
  // A grid over the map: each point looks in its own and the surrounding cells, widening until k are found.
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, xy[2 * i]); maxX = Math.max(maxX, xy[2 * i]);
    minY = Math.min(minY, xy[2 * i + 1]); maxY = Math.max(maxY, xy[2 * i + 1]);
  }
  const side = Math.max(1, Math.floor(Math.sqrt(n / 4)));
  const w = (maxX - minX) / side || 1;
  const h = (maxY - minY) / side || 1;
  const cellOf = (i: number) => [Math.min(side - 1, Math.floor((xy[2 * i] - minX) / w)), Math.min(side - 1, Math.floor((xy[2 * i + 1] - minY) / h))];
  const cells = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const [cx, cy] = cellOf(i);
    const key = cy * side + cx;
    (cells.get(key) ?? cells.set(key, []).get(key)!).push(i);
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const [cx, cy] = cellOf(i);
    let r = 1;
    let cand: Array<{ j: number; d: number }> = [];
    // Widen until k candidates lie within the ring radius (so no nearer point outside the searched cells).
    for (;;) {
      cand = [];
      for (let gy = cy - r; gy <= cy + r; gy++) for (let gx = cx - r; gx <= cx + r; gx++) {
        if (gx < 0 || gy < 0 || gx >= side || gy >= side) continue;
        for (const j of cells.get(gy * side + gx) ?? []) {
          if (j !== i) cand.push({ j, d: (xy[2 * j] - xy[2 * i]) ** 2 + (xy[2 * j + 1] - xy[2 * i + 1]) ** 2 });
        }
      }
      cand.sort((a, b) => a.d - b.d);
      const reach = Math.min(w, h) * r;
      if ((cand.length >= k && cand[k - 1].d <= reach * reach) || r > side) break;
      r++;
    }
    const top = cand.slice(0, k);
    total += top.filter((c) => labels[c.j] === labels[i]).length / Math.max(1, top.length);
  }
  return n ? total / n : 0;
}
