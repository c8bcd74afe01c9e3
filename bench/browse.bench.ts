// Browse query speed on a synthetic library of 75,000 images (rows only: no image files are needed to page,
// count and filter). Usage: node --import tsx bench/browse.bench.ts [--images N] [--keep]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openLibrary } from '../src/main/library';
import { countImages, matchingIds, queryImages, type ImageQuery } from '../src/main/services/browse';
import type { ImageFilter } from '../src/shared/types';

const { values } = parseArgs({ options: { images: { type: 'string', default: '75000' }, keep: { type: 'boolean', default: false } } });
const N = Number(values.images);
const CLASSES = ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'];
const SPLITS = ['train', 'train', 'train', 'train', 'train', 'train', 'train', 'train', 'train', 'train', 'train', 'train', 'train', 'train', 'val', 'val', 'val', 'test', 'test', 'test'];

let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-bench-browse-'));
const lib = openLibrary(dir, { create: true });
const db = lib.db;
const t0 = performance.now();
db.transaction(() => {
  const now = new Date().toISOString();
  CLASSES.forEach((c, i) => db.prepare(`INSERT INTO classes (name, position, created_at) VALUES (?, ?, ?)`).run(c, i, now));
  db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at, classes) VALUES ('bench-run', 'cnn', 'completed', '{}', 1, ?, ?)`).run(
    now,
    JSON.stringify(CLASSES),
  );
  const img = db.prepare(`INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at, conflict) VALUES (?, ?, ?, 250, 250, 'jpeg', 9000, ?, ?)`);
  const lab = db.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, ?, ?)`);
  const spl = db.prepare(`INSERT INTO splits (image_id, split, assigned_at) VALUES (?, ?, ?)`);
  const pred = db.prepare(`INSERT INTO run_predictions (run_id, image_id, true_class_id, predicted_class_id, confidence, loss, probs) VALUES ('bench-run', ?, ?, ?, ?, ?, '[]')`);
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let n = 0; n < N; n++) {
    const cls = 1 + (n % CLASSES.length);
    const name = `${CLASSES[cls - 1]} (${Math.floor(rnd() * 1e6)}).jpg`;
    const id = Number(img.run(`sha${n}`, `/data/${CLASSES[cls - 1]}/${name}`, name, new Date(base + n * 37).toISOString(), n % 500 === 0 ? 1 : 0).lastInsertRowid);
    lab.run(id, cls, n % 40 === 0 ? 'manual' : 'folder', now);
    const split = SPLITS[Math.floor(rnd() * SPLITS.length)]!;
    spl.run(id, split, now);
    if (split === 'test') {
      const wrong = rnd() < 0.05;
      const conf = 0.4 + rnd() * 0.6;
      pred.run(id, cls, wrong ? 1 + ((cls + 1) % CLASSES.length) : cls, conf, -Math.log(conf));
    }
  }
})();
db.pragma('optimize');
console.log(`library: ${N} images in ${((performance.now() - t0) / 1000).toFixed(1)} s (${dir})`);

function time(label: string, reps: number, fn: (i: number) => unknown, before?: () => void): void {
  before?.();
  fn(0); // warm the statement cache
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    before?.();
    const t = performance.now();
    fn(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(2);
  console.log(`${label.padEnd(58)} median ${p(0.5)} ms  p95 ${p(0.95)} ms  max ${ms[ms.length - 1]!.toFixed(2)} ms`);
}

// Any write invalidates the cached views, as a label change would.
let bump = 0;
const write = () => db.prepare(`INSERT OR REPLACE INTO settings (key, value) VALUES ('bench', ?)`).run(String(bump++));
const at = (total: number) => Math.floor(rnd() * Math.max(1, total - 200));
const cell: ImageFilter = { runId: 'bench-run', classIds: [2], predictedClassIds: [4] };
const totals = {
  all: countImages(db, {}),
  cls: countImages(db, { classIds: [3] }),
  clsSplit: countImages(db, { classIds: [3], splits: ['train'] }),
  run: countImages(db, { runId: 'bench-run', runOnly: true }),
  wrong: countImages(db, { runId: 'bench-run', correctness: 'wrong' }),
  cell: countImages(db, cell),
  search: countImages(db, { search: '(12' }),
};
console.log(`totals: ${JSON.stringify(totals)}`);

const views: Array<[string, ImageFilter, ImageQuery['sort'], boolean, number]> = [
  ['all images, by name', {}, 'name', false, totals.all],
  ['all images, by date desc', {}, 'date', true, totals.all],
  ['one class, by name', { classIds: [3] }, 'name', false, totals.cls],
  ['class + split, by date', { classIds: [3], splits: ['train'] }, 'date', false, totals.clsSplit],
  ['run test set, by confidence', { runId: 'bench-run', runOnly: true }, 'confidence', false, totals.run],
  // Browse's default model (#11): every image, the run's predictions on the tiles, unpredicted last
  ['all images + default run, by name', { runId: 'bench-run' }, 'name', false, totals.all],
  ['all images + default run, by loss desc', { runId: 'bench-run' }, 'loss', true, totals.all],
  ['run wrong only, by loss desc', { runId: 'bench-run', correctness: 'wrong' }, 'loss', true, totals.wrong],
  ['confusion cell, by name', cell, 'name', false, totals.cell],
  ['search "(12", by name', { search: '(12' }, 'name', false, totals.search],
];
const R = 30;
for (const [label, filter, sort, desc, total] of views) {
  const q = (): ImageQuery => ({ filter, sort, desc, offset: at(total), limit: 200 });
  // cold: first request of a view after a write (count + one page straight from SQLite)
  time(`page of 200, ${label}: cold`, R, () => queryImages(db, q()), write);
  // second request lists the whole view once; later pages are slices
  time(`page of 200, ${label}: 2nd request (lists view)`, R, () => queryImages(db, q()), () => {
    write();
    queryImages(db, q());
  });
  time(`page of 200, ${label}: scrolling (warm)`, R, () => queryImages(db, q()));
}
const count = (filter: ImageFilter) => () => countImages(db, filter);
time('count, one class', R, count({ classIds: [3] }));
time('count, class + split filter', R, count({ classIds: [3], splits: ['train'] }));
time('count, origins manual', R, count({ origins: ['manual'] }));
time('count, conflicts only', R, count({ conflictsOnly: true }));
time('count, search "(12"', R, count({ search: '(12' }));
time('count, run + confidence range 0.5–0.7', R, count({ runId: 'bench-run', confidenceMin: 0.5, confidenceMax: 0.7 }));
time('images.ids, one class (15,000 ids), cold', 10, () => matchingIds(db, { classIds: [3] }), write);
time('images.ids, all (75,000 ids), cold', 10, () => matchingIds(db, {}), write);

lib.close();
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
