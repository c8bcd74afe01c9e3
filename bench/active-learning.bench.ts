// Active learning on rice (#14): a small labeled start (100 images per class), a large unlabeled pool, and a
// fixed evaluation set (400 per class, labeled, test split) that no strategy ever labels. Fast path: MobileNetV2
// α1.0 frozen + head on cached features (the real run-training, prelabel, review-queue and accept services).
// Measured: the model's error rate among the top 100 of the review queue (`paddy next`) vs the pool's and vs 100
// random pool images; "accept all ≥ T" at the default T (count, real accuracy, the val-predicted error rate); and
// accuracy on the evaluation set after two rounds of 100 labels picked by the queue vs picked at random.
// The library lives in $PADDY_BENCH_DIR (default <tmp>/paddy-bench-active) with rows inserted directly (no import
// or thumbnails: not what is measured). Features come from the cache; `--features-from LIB` copies another
// library's cached rows (same weights, same bytes) instead of computing them.
// Usage: npm run bench:active [-- --features-from DIR] [--seed N] [--rounds 2] [--batch 100]
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openLibrary, type Library } from '../src/main/library';
import { resolveConfig } from '../src/main/engine/config';
import { runTraining } from '../src/main/engine/train/run-training';
import { useBackend } from '../src/main/engine/backends';
import { ensureFeatures } from '../src/main/engine/features/feature-cache';
import { rng, shuffled } from '../src/main/engine/random';
import { createRun, runLifecycle } from '../src/main/services/runs';
import { setLabels } from '../src/main/services/labels';
import { assignSplits } from '../src/main/services/splits';
import { prelabelUnlabeled } from '../src/main/services/unlabeled/prelabel';
import { acceptSuggestions, DEFAULT_ACCEPT_THRESHOLD, previewAccept } from '../src/main/services/unlabeled/accept';
import { assignLabeledSplits } from '../src/main/services/unlabeled/label-splits';
import { nextForReview } from '../src/main/services/unlabeled/review-queue';

const root = path.resolve(import.meta.dirname, '..');
const RICE = path.resolve(root, '../shared/datasets/rice');
const WEIGHTS = path.resolve(root, '../shared/models/mobilenet_v2');
const { values } = parseArgs({
  options: {
    'features-from': { type: 'string' },
    seed: { type: 'string' },
    rounds: { type: 'string' },
    batch: { type: 'string' },
    start: { type: 'string' },
  },
});
const seed = Number(values.seed ?? 7);
const ROUNDS = Number(values.rounds ?? 2);
const BATCH = Number(values.batch ?? 100);
const START = Number(values.start ?? 100);
const EVAL = 400;
const base = process.env.PADDY_BENCH_DIR ?? path.join(os.tmpdir(), 'paddy-bench-active');
const log = (s: string) => console.error(s);
const t0 = performance.now();
const since = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;

interface Img { file: string; cls: string; sha: string }
const classes = fs.readdirSync(RICE).filter((d) => fs.statSync(path.join(RICE, d)).isDirectory()).sort();
const all: Img[] = [];
for (const cls of classes) {
  for (const f of fs.readdirSync(path.join(RICE, cls)).filter((x) => x.endsWith('.jpg')).sort()) {
    const file = path.join(RICE, cls, f);
    all.push({ file, cls, sha: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') });
  }
}
// Seeded roles per class: START labeled, EVAL held out for scoring, the rest the unlabeled pool.
const role = new Map<string, 'start' | 'eval' | 'pool'>();
const rand = rng(seed);
for (const cls of classes) {
  const list = shuffled(all.filter((i) => i.cls === cls), rand);
  list.forEach((im, i) => role.set(im.sha, i < START ? 'start' : i < START + EVAL ? 'eval' : 'pool'));
}
const truthBySha = new Map(all.map((i) => [i.sha, i.cls]));

/** A fresh library: start images labeled (stratified splits), eval images labeled in test, the pool unlabeled. */
function buildLibrary(dir: string): Library {
  fs.rmSync(dir, { recursive: true, force: true });
  const lib = openLibrary(dir, { create: true });
  const now = new Date().toISOString();
  lib.db.transaction(() => {
    const classId = new Map<string, number>();
    classes.forEach((c, pos) => {
      lib.db.prepare('INSERT INTO classes (name, position, created_at) VALUES (?, ?, ?)').run(c, pos, now);
      classId.set(c, (lib.db.prepare('SELECT id FROM classes WHERE name = ?').get(c) as { id: number }).id);
    });
    const fresh: Array<{ imageId: number; sha256: string; classId: number }> = [];
    const held: number[] = [];
    for (const im of all) {
      const st = fs.statSync(im.file);
      const id = Number(lib.db.prepare(`INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at, mtime_ms)
        VALUES (?, ?, ?, 250, 250, 'jpeg', ?, ?, ?)`).run(im.sha, im.file, path.basename(im.file), st.size, now, st.mtimeMs).lastInsertRowid);
      const r = role.get(im.sha)!;
      if (r === 'pool') continue;
      lib.db.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, 'folder', ?)`).run(id, classId.get(im.cls), now);
      if (r === 'eval') held.push(id);
      else fresh.push({ imageId: id, sha256: im.sha, classId: classId.get(im.cls)! });
    }
    // The start gets its 70/15/15 first (so the run has validation images for the expected error rate); the eval
    // set then joins test, which also sends every later label to train (test is far above its share).
    assignSplits(lib.db, fresh);
    for (const id of held) lib.db.prepare(`INSERT INTO splits (image_id, split, assigned_at) VALUES (?, 'test', ?)`).run(id, now);
  })();
  return lib;
}

async function train(lib: Library, tag: string): Promise<{ runId: string; evalAcc: number; seconds: number }> {
  const t = performance.now();
  const config = resolveConfig({ model: 'mobilenetv2', alpha: 1, fineTuneBlocks: 0, weightsDir: WEIGHTS, seed: 42, backend: 'auto' });
  const runId = createRun(lib, config);
  const ac = new AbortController();
  const end = await runTraining(lib, runId, config, () => undefined, { cancelled: () => false, signal: ac.signal }, runLifecycle(lib));
  if (end !== 'completed') throw new Error(`${tag}: run ended ${end}`);
  return { runId, evalAcc: evalAccuracy(lib, runId), seconds: (performance.now() - t) / 1000 };
}

/** Accuracy of the run on the fixed evaluation images (its stored whole-library predictions). */
function evalAccuracy(lib: Library, runId: string): number {
  const rows = lib.db.prepare(`SELECT i.sha256, c.name FROM run_predictions p JOIN images i ON i.id = p.image_id JOIN classes c ON c.id = p.predicted_class_id
    WHERE p.run_id = ?`).all(runId) as Array<{ sha256: string; name: string }>;
  const ev = rows.filter((r) => role.get(r.sha256) === 'eval');
  if (ev.length !== classes.length * EVAL) throw new Error(`expected ${classes.length * EVAL} eval predictions, got ${ev.length}`);
  return ev.filter((r) => truthBySha.get(r.sha256) === r.name).length / ev.length;
}

interface Sug { imageId: number; sha256: string; name: string; confidence: number }
function suggestions(lib: Library): Sug[] {
  return lib.db.prepare(`SELECT s.image_id AS imageId, i.sha256, c.name, s.confidence FROM suggestions s JOIN images i ON i.id = s.image_id
    JOIN classes c ON c.id = s.class_id WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)`).all() as Sug[];
}
const errorRate = (rows: readonly Sug[]) => rows.filter((r) => truthBySha.get(r.sha256) !== r.name).length / Math.max(1, rows.length);

/** The "human": labels these images with their true class (a manual label change), then their splits. */
async function labelTruly(lib: Library, imageIds: readonly number[]): Promise<void> {
  const rows = lib.db.prepare(`SELECT i.id, i.sha256 FROM images i JOIN json_each(?) j ON j.value = i.id`).all(JSON.stringify(imageIds)) as Array<{ id: number; sha256: string }>;
  const byClass = new Map<string, number[]>();
  for (const r of rows) (byClass.get(truthBySha.get(r.sha256)!) ?? byClass.set(truthBySha.get(r.sha256)!, []).get(truthBySha.get(r.sha256)!)!).push(r.id);
  for (const [cls, ids] of byClass) {
    const classId = (lib.db.prepare('SELECT id FROM classes WHERE name = ?').get(cls) as { id: number }).id;
    setLabels(lib.db, ids, classId, 'manual');
  }
  await assignLabeledSplits(lib, imageIds);
}

await useBackend('auto', 'train-dense');
fs.mkdirSync(base, { recursive: true });
const lib0 = buildLibrary(path.join(base, 'start'));
log(`library: ${all.length} images, ${START}/class labeled, ${EVAL}/class eval, pool ${all.filter((i) => role.get(i.sha) === 'pool').length} (${since()})`);
if (values['features-from']) {
  lib0.db.prepare('ATTACH DATABASE ? AS donor').run(path.join(path.resolve(values['features-from']), 'paddy.db'));
  const r = lib0.db.prepare('INSERT OR IGNORE INTO feature_cache SELECT * FROM donor.feature_cache').run();
  lib0.db.prepare('DETACH DATABASE donor').run();
  log(`copied ${r.changes} cached feature rows`);
}
const tf = performance.now();
await ensureFeatures(lib0, (lib0.db.prepare('SELECT id FROM images').all() as Array<{ id: number }>).map((r) => r.id), { alpha: 1, weightsDir: WEIGHTS });
log(`features ready (${((performance.now() - tf) / 1000).toFixed(1)} s)`);
lib0.close();

// Both strategies start from the same library file.
const startDb = path.join(base, 'start', 'paddy.db');
const open = (name: string): Library => {
  const dir = path.join(base, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(startDb, path.join(dir, 'paddy.db'));
  return openLibrary(dir);
};

const queueLib = open('queue');
const r0 = await train(queueLib, 'round 0');
const tp = performance.now();
const pre = await prelabelUnlabeled(queueLib, r0.runId, () => undefined);
const prelabelSeconds = (performance.now() - tp) / 1000;
const pool = suggestions(queueLib);
const tq = performance.now();
const q0 = nextForReview(queueLib, r0.runId, BATCH);
const queueSeconds = (performance.now() - tq) / 1000;
const queueIds = new Set(q0.images.map((i) => i.imageId));
const queueErr = errorRate(pool.filter((s) => queueIds.has(s.imageId)));
const randomSample = shuffled(pool, rng(seed + 1)).slice(0, BATCH);
const poolErr = errorRate(pool);
const randomErr = errorRate(randomSample);
const poolWrong = pool.filter((s) => truthBySha.get(s.sha256) !== s.name).length;
const preview = previewAccept(queueLib, DEFAULT_ACCEPT_THRESHOLD);
const above = pool.filter((s) => s.confidence >= DEFAULT_ACCEPT_THRESHOLD);
log(`round 0: eval accuracy ${(r0.evalAcc * 100).toFixed(2)}%, pool error ${(poolErr * 100).toFixed(2)}% (${poolWrong}/${pool.length}), ` +
  `queue top ${BATCH} error ${(queueErr * 100).toFixed(1)}% (diversity ${q0.diversity}), random ${BATCH} ${(randomErr * 100).toFixed(1)}% (${since()})`);

// Rounds of labeling: the queue's picks vs random picks of the same size, each followed by a retrain + prelabel.
const curve: Record<'queue' | 'random', number[]> = { queue: [r0.evalAcc], random: [r0.evalAcc] };
const queueErrByRound: number[] = [queueErr];
const randomLib = open('random');
let randomRun: string;
// The random library trains its own round-0 run (same data and seed, so the same model) to keep them separate.
const r0b = await train(randomLib, 'round 0 (random)');
randomRun = r0b.runId;
await prelabelUnlabeled(randomLib, randomRun, () => undefined);
let queueRun = r0.runId;
const rr = rng(seed + 2);
for (let round = 1; round <= ROUNDS; round++) {
  const picks = round === 1 ? q0.images.map((i) => i.imageId) : nextForReview(queueLib, queueRun, BATCH).images.map((i) => i.imageId);
  if (round > 1) queueErrByRound.push(errorRate(suggestions(queueLib).filter((s) => picks.includes(s.imageId))));
  await labelTruly(queueLib, picks);
  const rq = await train(queueLib, `queue round ${round}`);
  queueRun = rq.runId;
  curve.queue.push(rq.evalAcc);
  await prelabelUnlabeled(queueLib, queueRun, () => undefined);

  const rpicks = shuffled(suggestions(randomLib), rr).slice(0, BATCH).map((s) => s.imageId);
  await labelTruly(randomLib, rpicks);
  const rn = await train(randomLib, `random round ${round}`);
  randomRun = rn.runId;
  curve.random.push(rn.evalAcc);
  await prelabelUnlabeled(randomLib, randomRun, () => undefined);
  log(`round ${round}: queue ${(rq.evalAcc * 100).toFixed(2)}%  random ${(rn.evalAcc * 100).toFixed(2)}%  (train ${rq.seconds.toFixed(1)} s; ${since()})`);
}

// Accept all ≥ T on the round-0 suggestions (a copy, so the rounds above are untouched).
const acceptLib = open('accept');
const ra = await train(acceptLib, 'accept');
await prelabelUnlabeled(acceptLib, ra.runId, () => undefined);
const thresholds = [0.8, 0.9, 0.95, 0.98, 0.99].map((t) => {
  const at = suggestions(acceptLib).filter((s) => s.confidence >= t);
  const p = previewAccept(acceptLib, t);
  return { threshold: t, count: at.length, accuracy: at.filter((s) => truthBySha.get(s.sha256) === s.name).length / Math.max(1, at.length), expectedErrorRate: p.expectedErrorRate, valCount: p.valCount };
});
const before = suggestions(acceptLib).filter((s) => s.confidence >= DEFAULT_ACCEPT_THRESHOLD);
const acc = await acceptSuggestions(acceptLib, { minConfidence: DEFAULT_ACCEPT_THRESHOLD });
const acceptedRight = before.filter((s) => truthBySha.get(s.sha256) === s.name).length;
const result = {
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, load: os.loadavg().map((x) => x.toFixed(1)).join(' ') },
  model: 'mobilenetv2 α1.0 frozen + head (dense 64), cached features, seed 42',
  seed, start: START * classes.length, eval: EVAL * classes.length, pool: pool.length, batch: BATCH,
  round0: { evalAccuracy: r0.evalAcc, prelabelSeconds, queueSeconds, calibrated: pre.calibrated },
  queueTop: { errorRate: queueErr, diversity: q0.diversity, byRound: queueErrByRound },
  poolErrorRate: poolErr, poolWrong, randomSampleErrorRate: randomErr,
  acceptAll: {
    threshold: DEFAULT_ACCEPT_THRESHOLD, count: before.length, accepted: acc.changed, accuracy: acceptedRight / Math.max(1, before.length),
    expectedErrorRate: preview.expectedErrorRate, valCount: preview.valCount, shareOfPool: above.length / pool.length,
    nearDuplicateSplits: acc.nearDuplicateSplits,
  },
  thresholds,
  evalAccuracy: curve,
  seconds: (performance.now() - t0) / 1000,
};
console.log(JSON.stringify(result, null, 2));
for (const l of [queueLib, randomLib, acceptLib]) l.close();
