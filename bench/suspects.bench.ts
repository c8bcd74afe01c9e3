// Label review on injected noise: copy ../shared/datasets/rice with 5% of the files moved into a wrong class
// folder (seeded), import it, compute features (timed apart: computed once per library), run the scan, and
// report precision/recall of the ranked queue at N (= files moved) and 2N, plus the scan's seconds per phase.
// The copy and library live in $PADDY_BENCH_DIR (default: <tmp>/paddy-bench-suspects) and are reused, so a
// second run measures only the scan. Usage: npm run bench:suspects [-- --alpha 0.35] [--per-class N] [--folds K]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openLibrary } from '../src/main/library';
import { importFolder } from '../src/main/services/import/index';
import { scanSuspects } from '../src/main/services/suspects/index';
import { useBackend } from '../src/main/engine/backends';
import { ensureFeatures } from '../src/main/engine/features/feature-cache';
import { noisyRiceCopy } from '../tests/helpers/noisy-rice';

const root = path.resolve(import.meta.dirname, '..');
const RICE = path.resolve(root, '../shared/datasets/rice');
const WEIGHTS = path.resolve(root, '../shared/models/mobilenet_v2');
const { values } = parseArgs({
  options: {
    alpha: { type: 'string' },
    'per-class': { type: 'string' },
    folds: { type: 'string' },
    seed: { type: 'string' },
    // another library whose cached features (same weights, same image bytes) can seed this one's cache
    'features-from': { type: 'string' },
  },
});
const alpha = values.alpha === '0.35' ? 0.35 : 1;
const perClass = values['per-class'] ? Number(values['per-class']) : undefined;
const folds = Number(values.folds ?? 5);
const seed = Number(values.seed ?? 2026);

const base = process.env.PADDY_BENCH_DIR ?? path.join(os.tmpdir(), 'paddy-bench-suspects');
const tag = `rice-${perClass ?? 'all'}-noise5-seed${seed}`;
const dataDir = path.join(base, tag, 'data');
const libDir = path.join(base, tag, 'library');
const manifest = path.join(base, tag, 'flipped.json');

let flipped: Map<string, { truth: string; given: string }>;
if (!fs.existsSync(manifest)) {
  fs.rmSync(path.join(base, tag), { recursive: true, force: true });
  const copy = noisyRiceCopy(RICE, dataDir, { perClass, noise: 0.05, seed });
  fs.writeFileSync(manifest, JSON.stringify([...copy.flipped]));
  flipped = copy.flipped;
} else flipped = new Map(JSON.parse(fs.readFileSync(manifest, 'utf8')));

const lib = openLibrary(libDir, { create: true });
const count = () => (lib.db.prepare('SELECT COUNT(*) n FROM images').get() as { n: number }).n;
let t = performance.now();
if (count() === 0) await importFolder(lib, dataDir, {});
const importSeconds = (performance.now() - t) / 1000;
console.error(`library ${libDir}: ${count()} images, ${flipped.size} moved to a wrong folder (import ${importSeconds.toFixed(1)} s)`);

if (values['features-from']) {
  const other = path.join(path.resolve(values['features-from']), 'paddy.db');
  lib.db.prepare('ATTACH DATABASE ? AS donor').run(other);
  const r = lib.db.prepare('INSERT OR IGNORE INTO feature_cache SELECT * FROM donor.feature_cache').run();
  lib.db.prepare('DETACH DATABASE donor').run();
  console.error(`seeded ${r.changes} cached feature rows from ${other}`);
}
const backend = await useBackend('auto', 'train-dense');
const ids = (lib.db.prepare('SELECT image_id id FROM labels ORDER BY image_id').all() as Array<{ id: number }>).map((r) => r.id);
t = performance.now();
let extractor = 'cache';
await ensureFeatures(lib, ids, {
  alpha,
  weightsDir: WEIGHTS,
  onExtractor: (n) => (extractor = n),
  onProgress: (d, n) => process.stderr.write(`\rfeatures ${d}/${n}`),
});
const featureSeconds = (performance.now() - t) / 1000;
process.stderr.write('\n');

const scan = await scanSuspects(lib, () => undefined, { alpha, weightsDir: WEIGHTS, folds });
const N = flipped.size;
const at = (k: number) => {
  const top = scan.suspects.slice(0, k);
  const hits = top.filter((s) => flipped.has(path.basename(s.path))).length;
  return { k, hits, precision: top.length ? hits / top.length : 0, recall: N ? hits / N : 0 };
};
const atN = at(N);
const at2N = at(2 * N);
const result = {
  images: scan.scanned,
  flipped: N,
  suspects: scan.suspects.length,
  nearDuplicates: scan.suspects.filter((s) => s.kind === 'near-duplicate').length,
  alpha,
  folds,
  backend,
  extractor,
  atN,
  at2N,
  featureSeconds: +featureSeconds.toFixed(1),
  scanSeconds: +scan.seconds.toFixed(1),
  phases: Object.fromEntries(Object.entries(scan.phases).map(([k, v]) => [k, +v.toFixed(2)])),
};
console.log(JSON.stringify(result, null, 2));
console.log(
  `| ${result.images} | α ${alpha}, ${folds} folds, ${backend} | ${N} | ${(atN.precision * 100).toFixed(1)}% / ${(atN.recall * 100).toFixed(1)}% | ` +
    `${(at2N.precision * 100).toFixed(1)}% / ${(at2N.recall * 100).toFixed(1)}% | ${result.scanSeconds} s (${Object.entries(result.phases).map(([k, v]) => `${k} ${v}`).join(', ')}) |`,
);
lib.close();
