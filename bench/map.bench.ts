// Embedding map + similar images on the rice library (12,000 images, 5 classes) and a synthetic 75,000:
// - map: UMAP time (pca / neighbours / layout) and 10-NN label agreement in the 2-D map (goal ≥ 0.95);
// - similar: index build time, query latency (median / p95 over 200 queries), precision@10 (same class).
// The 75,000 vectors are the real 12,000 features, each repeated with small Gaussian noise (real dimension and
// cluster structure). The library lives in $PADDY_BENCH_DIR/paddy-bench-map (default <tmp>) and is reused:
// import and the feature pass (minutes) happen once. Usage: npm run bench:map [-- --skip-75k] [--epochs N]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openLibrary } from '../src/main/library';
import { importFolder } from '../src/main/services/import/index';
import { useBackend } from '../src/main/engine/backends';
import { ensureFeatures } from '../src/main/engine/features/feature-cache';
import { knnLabelAgreement, projectUmap } from '../src/main/engine/projection';
import { SimilarIndex } from '../src/main/engine/features/similar-index';
import { rng } from '../src/main/engine/random';

const root = path.resolve(import.meta.dirname, '..');
const RICE = path.resolve(root, '../shared/datasets/rice');
const WEIGHTS = path.resolve(root, '../shared/models/mobilenet_v2');
const { values } = parseArgs({ options: { 'skip-75k': { type: 'boolean' }, epochs: { type: 'string' }, 'skip-map': { type: 'boolean' } } });
const libDir = path.join(process.env.PADDY_BENCH_DIR ?? os.tmpdir(), 'paddy-bench-map', 'library');

const lib = openLibrary(libDir, { create: true });
const count = () => (lib.db.prepare('SELECT COUNT(*) n FROM images').get() as { n: number }).n;
if (count() === 0) await importFolder(lib, RICE, {});
const rows = lib.db.prepare(`SELECT i.id, c.name AS label FROM images i JOIN labels l ON l.image_id = i.id JOIN classes c ON c.id = l.class_id ORDER BY i.id`).all() as Array<{ id: number; label: string }>;
await useBackend('auto', 'infer');
let t = performance.now();
const feats = await ensureFeatures(lib, rows.map((r) => r.id), { alpha: 1, weightsDir: WEIGHTS, onProgress: (d, n) => d % 1000 < 32 && console.error(`features ${d}/${n}`) });
console.error(`features: ${rows.length} × ${feats.dims} in ${((performance.now() - t) / 1000).toFixed(1)} s (cached after the first run)`);
const classes = [...new Set(rows.map((r) => r.label))].sort();
const labels = Int32Array.from(rows, (r) => classes.indexOf(r.label));
const n = rows.length;
const dims = feats.dims;

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

function benchIndex(matrix: Float32Array, m: number, lab: Int32Array | null, name: string, pcaAbove?: number) {
  let t0 = performance.now();
  const index = SimilarIndex.build(matrix, m, dims, { pcaAbove });
  const build = (performance.now() - t0) / 1000;
  const rand = rng(7);
  const times: number[] = [];
  for (let q = 0; q < 200; q++) {
    const row = Math.floor(rand() * m);
    t0 = performance.now();
    index.search(index.row(row), 10, row);
    times.push(performance.now() - t0);
  }
  let precision: number | null = null;
  if (lab) {
    let same = 0;
    // 2,000 seeded queries (all 12,000 would be 12,000 full scans): leave-one-out, same class among the top 10.
    const qs = Array.from({ length: Math.min(m, 2000) }, () => Math.floor(rand() * m));
    for (const i of qs) for (const h of index.search(index.row(i), 10, i)) same += lab[h.row] === lab[i] ? 1 : 0;
    precision = same / (qs.length * 10);
  }
  const r = { name, n: m, reduced: index.reduced, dims: index.dims, buildSeconds: round(build, 2), queryMsMedian: round(quantile(times, 0.5), 2), queryMsP95: round(quantile(times, 0.95), 2), precisionAt10: precision === null ? null : round(precision, 4) };
  console.error(JSON.stringify(r));
  return r;
}

function synthetic75k(): { matrix: Float32Array; labels: Int32Array; m: number } {
  const m = 75_000;
  const rand = rng(11);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const matrix = new Float32Array(m * dims);
  const lab = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const src = i % n;
    lab[i] = labels[src]!;
    for (let d = 0; d < dims; d++) matrix[i * dims + d] = Math.max(0, feats.matrix[src * dims + d]! * (1 + 0.05 * gauss()) + 0.02 * gauss());
  }
  return { matrix, labels: lab, m };
}

const out: Record<string, unknown> = { machine: os.cpus()[0]?.model, cores: os.cpus().length, date: new Date().toISOString() };
out.similar12k = benchIndex(feats.matrix, n, labels, 'rice 12k exact');
out.similar12kPca = benchIndex(feats.matrix, n, labels, 'rice 12k pca128 (forced)', 0);
const big = values['skip-75k'] ? null : synthetic75k();
if (big) out.similar75k = benchIndex(big.matrix, big.m, null, 'synthetic 75k (pca128)');

if (!values['skip-map']) {
  t = performance.now();
  const p = await projectUmap(feats.matrix, n, dims, { seed: 1, nEpochs: values.epochs ? Number(values.epochs) : undefined, onProgress: (ph, d, tot) => ph === 'layout' && d % 100 === 0 && console.error(`layout ${d}/${tot}`) });
  const agreement = knnLabelAgreement(p.xy, labels, 10);
  out.map12k = { n, seconds: round((performance.now() - t) / 1000, 1), phases: p.seconds, params: p.params, knn10Agreement: round(agreement, 4) };
  console.error(JSON.stringify(out.map12k));
  if (big) {
    t = performance.now();
    const p75 = await projectUmap(big.matrix, big.m, dims, { seed: 1, onProgress: (ph, d, tot) => ph === 'layout' && d % 20 === 0 && console.error(`layout ${d}/${tot}`) });
    out.map75k = { n: big.m, seconds: round((performance.now() - t) / 1000, 1), phases: p75.seconds, params: p75.params, knn10Agreement: round(knnLabelAgreement(p75.xy, big.labels, 10), 4) };
    console.error(JSON.stringify(out.map75k));
  }
}
console.log(JSON.stringify(out, null, 2));
lib.close();
