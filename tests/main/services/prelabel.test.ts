// Pre-labeling unlabeled images with a real (tiny) run, the Browse filters and tiles it feeds, accepting
// suggestions (one image, a selection, all ≥ T) as undoable labels, and the bad inputs (#14).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import tf from '../../../src/main/engine/tfjs.cjs';
import { makeTrainLibrary, riceFiles, trainTinyCnn } from '../../helpers/train-lib';
import { tempDir } from '../../helpers/tmp';
import { fixtureContext } from '../../helpers/fixture-library';
import { importFolder } from '../../../src/main/services/import/index';
import { prelabelUnlabeled } from '../../../src/main/services/unlabeled/prelabel';
import { acceptSuggestions, previewAccept } from '../../../src/main/services/unlabeled/accept';
import { learningCurve } from '../../../src/main/services/unlabeled/learning-curve';
import { dispatch, handlers } from '../../../src/main/api/index';
import type { Library } from '../../../src/main/library';

let lib: Library;
let runId: string;
let unlabeledDir: string;
const count = (sql: string): number => (lib.db.prepare(sql).get() as { n: number }).n;
const UNLABELED = `SELECT COUNT(*) AS n FROM images i WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)`;

before(async () => {
  lib = makeTrainLibrary(6, { classes: 2 });
  runId = await trainTinyCnn(lib);
  unlabeledDir = tempDir('paddy-pre-');
  for (const cls of ['Arborio', 'Basmati']) for (const f of riceFiles(cls, 4, 30)) fs.copyFileSync(f, path.join(unlabeledDir, `${cls[0]}-${path.basename(f)}`));
  await importFolder(lib, unlabeledDir, { unlabeled: true, concurrency: 2 });
});

test('errors name the problem: an unknown run, a run trained on other classes; a cancel stores nothing', async () => {
  await assert.rejects(prelabelUnlabeled(lib, 'no-such-run', () => undefined), /no run "no-such-run"/);
  // Cancel (jobs.cancel aborts the job's signal): stops before storing anything.
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(prelabelUnlabeled(lib, runId, () => undefined, ac.signal), /cancelled/);
  assert.equal(count(`SELECT COUNT(*) AS n FROM suggestions`), 0);
  // Another class with a label: the run never learned it.
  const at = new Date().toISOString();
  lib.db.prepare(`INSERT INTO classes (name, position, created_at) VALUES ('Zeta', 9, ?)`).run(at);
  const zeta = (lib.db.prepare(`SELECT id FROM classes WHERE name = 'Zeta'`).get() as { id: number }).id;
  const one = (lib.db.prepare(`SELECT id FROM images ORDER BY id LIMIT 1`).get() as { id: number }).id;
  const old = lib.db.prepare(`SELECT class_id AS c FROM labels WHERE image_id = ?`).get(one) as { c: number };
  lib.db.prepare(`UPDATE labels SET class_id = ? WHERE image_id = ?`).run(zeta, one);
  await assert.rejects(prelabelUnlabeled(lib, runId, () => undefined), /trained on other classes than the library's: the library has Zeta which the run never learned/);
  lib.db.prepare(`UPDATE labels SET class_id = ? WHERE image_id = ?`).run(old.c, one);
  lib.db.prepare(`DELETE FROM classes WHERE id = ?`).run(zeta);
});

test('prelabel stores a suggestion per unlabeled image; Browse shows and filters them; tensors do not leak', async () => {
  // One source file deleted after import: reported, not scored.
  const gone = path.join(unlabeledDir, fs.readdirSync(unlabeledDir).sort()[0]!);
  fs.renameSync(gone, `${gone}.away`);
  const events: Array<{ name: string; payload: unknown }> = [];
  await prelabelUnlabeled(lib, runId, (name, payload) => events.push({ name, payload })); // warm-up (backend, kernels)
  const tensors = tf.memory().numTensors;
  const r = await prelabelUnlabeled(lib, runId, (name, payload) => events.push({ name, payload }));
  assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  assert.equal(r.predicted, 7);
  assert.equal(r.skipped.length, 1);
  assert.match(r.skipped[0]!.reason, /source file is missing/);
  assert.equal(Object.values(r.byClass).reduce((a, b) => a + b, 0), 7);
  const last = events.filter((e) => e.name === 'runs.prelabelProgress').at(-1)!.payload as { done: number; total: number };
  assert.deepEqual({ done: last.done, total: last.total }, { done: 7, total: 7 });
  fs.renameSync(`${gone}.away`, gone);
  await prelabelUnlabeled(lib, runId, () => undefined);
  const rows = lib.db.prepare(`SELECT confidence, margin, entropy, probs FROM suggestions`).all() as Array<{ confidence: number; margin: number; entropy: number; probs: string }>;
  assert.equal(rows.length, 8);
  for (const s of rows) {
    const p = JSON.parse(s.probs) as number[];
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    assert.ok(Math.abs(Math.max(...p) - s.confidence) < 1e-5 && s.margin >= 0 && s.margin <= 1 && s.entropy >= 0);
  }

  const ctx = fixtureContext(lib);
  const q = async (filter: object) => {
    const res = await dispatch(handlers, ctx, 'images.query', { filter, sort: 'name', desc: false, offset: 0, limit: 100 });
    assert.ok(res.ok, res.ok ? '' : res.error);
    return res.value;
  };
  const unl = await q({ unlabeledOnly: true });
  assert.equal(unl.total, 8);
  assert.ok(unl.items.every((i) => i.suggestedClassName && typeof i.suggestionConfidence === 'number' && i.classId === null));
  const labeledPage = await q({ splits: ['train'] });
  assert.ok(labeledPage.items.every((i) => i.suggestedClassId === undefined), 'labeled tiles carry no suggestion');
  const arborio = (lib.db.prepare(`SELECT id FROM classes WHERE name = 'Arborio'`).get() as { id: number }).id;
  const sugA = await q({ suggestedClassIds: [arborio] });
  assert.ok(sugA.items.every((i) => i.suggestedClassId === arborio));
  const conf = rows.map((s) => s.confidence).sort((a, b) => a - b);
  const mid = conf[4]!;
  assert.equal((await q({ suggestionMin: mid })).total, conf.filter((c) => c >= mid).length);
  assert.equal((await q({ suggestionMax: mid })).total, conf.filter((c) => c <= mid).length);
});

test('accept one, a selection, all ≥ T: labels with origin suggestion, splits, undo, preview', async () => {
  const ctx = fixtureContext(lib);
  const ids = (lib.db.prepare(`SELECT image_id AS id FROM suggestions ORDER BY confidence DESC`).all() as Array<{ id: number }>).map((r) => r.id);
  const p = previewAccept(lib, 0);
  assert.equal(p.count, 8);
  assert.equal(p.runId, runId);
  assert.ok(p.valCount > 0 && p.expectedErrorRate !== null && p.expectedErrorRate >= 0 && p.expectedErrorRate <= 1);
  assert.ok(previewAccept(lib, 1).count <= p.count, 'fewer at a higher threshold');

  const one = await dispatch(handlers, ctx, 'suggestions.accept', { imageIds: [ids[0]!] });
  assert.ok(one.ok && one.value.changed === 1 && one.value.splitsAssigned === 1);
  assert.equal(count(UNLABELED), 7);
  const lbl = lib.db.prepare(`SELECT l.origin, s.split FROM labels l JOIN splits s ON s.image_id = l.image_id WHERE l.image_id = ?`).get(ids[0]) as { origin: string; split: string };
  assert.equal(lbl.origin, 'suggestion');
  const twice = await dispatch(handlers, ctx, 'suggestions.accept', { imageIds: [ids[0]!] });
  assert.ok(!twice.ok && /no suggestion to accept for image \d+: it is labeled already/.test(twice.error));

  const sel = await acceptSuggestions(lib, { imageIds: ids.slice(1, 3) });
  assert.equal(sel.changed, 2);
  assert.equal(count(UNLABELED), 5);
  const undo = await dispatch(handlers, ctx, 'labels.undo', {});
  assert.ok(undo.ok && undo.value.changed === 2, 'the selection is one undoable batch');
  assert.equal(count(UNLABELED), 7);

  const all = await acceptSuggestions(lib, { minConfidence: 0 });
  assert.equal(all.changed, 7);
  assert.equal(count(UNLABELED), 0);
  assert.equal(count(`SELECT COUNT(*) AS n FROM images i WHERE NOT EXISTS (SELECT 1 FROM splits s WHERE s.image_id = i.id)`), 0);
  await assert.rejects(prelabelUnlabeled(lib, runId, () => undefined), /no unlabeled images in this library/);
  await assert.rejects(acceptSuggestions(lib, {}), /either imageIds or minConfidence/);

  const curve = learningCurve(lib);
  assert.equal(curve.length, 1);
  assert.equal(curve[0]!.runId, runId);
  assert.equal(curve[0]!.labeled, 12);
  assert.ok(curve[0]!.train > 0 && curve[0]!.testAccuracy !== null);
});
