import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { dispatch, handlers } from '../../../src/main/api/index';
import { countImages, matchingIds, queryImages } from '../../../src/main/services/browse';
import { setLabels } from '../../../src/main/services/labels';
import type { ImageFilter, SortKey } from '../../../src/shared/types';
import { fixtureContext, fixtureLibrary, insertRun, seededRandom, type Fixture } from '../../helpers/fixture-library';

interface Model {
  id: number;
  name: string;
  date: string;
  classId: number;
  origin: string;
  split: string;
  conflict: boolean;
  pred?: { trueId: number; predId: number; confidence: number; loss: number };
}

function setup(): { fx: Fixture; rows: Model[]; classes: number[] } {
  const fx = fixtureLibrary({ perClass: 20, conflictEvery: 7 });
  const db = fx.lib.db;
  const rnd = seededRandom(11);
  // shuffle dates so that date order differs from id and name order; names with LIKE wildcards for search
  for (const id of fx.imageIds) db.prepare('UPDATE images SET imported_at = ? WHERE id = ?').run(new Date(Date.parse('2026-02-01') + Math.floor(rnd() * 1e9)).toISOString(), id);
  db.prepare(`UPDATE images SET file_name = 'odd 100%_a.jpg' WHERE id = ?`).run(fx.imageIds[5]);
  db.prepare(`UPDATE images SET file_name = 'odd 1000xa.jpg' WHERE id = ?`).run(fx.imageIds[6]);
  const classes = Object.values(fx.classIds);
  const names = Object.keys(fx.classIds);
  const labels = new Map((db.prepare('SELECT image_id AS id, class_id AS c FROM labels').all() as Array<{ id: number; c: number }>).map((r) => [r.id, r.c]));
  // a run that predicted half of the images, some wrongly
  const preds = fx.imageIds
    .filter((_, i) => i % 2 === 0)
    .map((imageId) => {
      const trueClassId = labels.get(imageId)!;
      const predictedClassId = rnd() < 0.3 ? classes[Math.floor(rnd() * classes.length)]! : trueClassId;
      const confidence = Math.round((0.2 + rnd() * 0.8) * 1000) / 1000;
      return { imageId, trueClassId, predictedClassId, confidence, loss: -Math.log(confidence), probs: names.map(() => 0.2) };
    });
  insertRun(db, 'run-a', names, preds);
  // a few manual labels
  setLabels(db, fx.imageIds.slice(10, 14), fx.classIds.Ipsala!, 'manual');
  const rows = db
    .prepare(
      `SELECT i.id, i.file_name AS name, i.imported_at AS date, l.class_id AS classId, l.origin, s.split, i.conflict FROM images i JOIN labels l ON l.image_id = i.id JOIN splits s ON s.image_id = i.id`,
    )
    .all() as Array<Omit<Model, 'conflict'> & { conflict: number }>;
  const byId = new Map(preds.map((p) => [p.imageId, p]));
  return {
    fx,
    classes,
    rows: rows.map((r) => {
      const p = byId.get(r.id);
      return { ...r, conflict: r.conflict === 1, pred: p && { trueId: p.trueClassId, predId: p.predictedClassId, confidence: p.confidence, loss: p.loss } };
    }),
  };
}

/**
 * The expected result, computed in plain JS from the rows. A run alone decorates and sorts (its unpredicted images
 * last); a filter on its predictions ("scored") lists only what it predicted, by the class it was scored against.
 */
function expected(rows: Model[], f: ImageFilter, sort: SortKey, desc: boolean): number[] {
  const run = f.runId !== undefined;
  const scored = run && (!!f.runOnly || !!f.predictedClassIds || !!f.correctness || f.confidenceMin !== undefined || f.confidenceMax !== undefined);
  const out = rows.filter(
    (r) =>
      (!scored || r.pred) &&
      (!f.classIds || f.classIds.includes(scored ? r.pred!.trueId : r.classId)) &&
      (!f.splits || f.splits.includes(r.split as never)) &&
      (!f.origins || f.origins.includes(r.origin as never)) &&
      (!f.conflictsOnly || r.conflict) &&
      (!f.search || r.name.toLowerCase().includes(f.search.toLowerCase())) &&
      (!f.imageIds || f.imageIds.includes(r.id)) &&
      (!f.predictedClassIds || f.predictedClassIds.includes(r.pred!.predId)) &&
      (!f.correctness || (f.correctness === 'correct') === (r.pred!.predId === r.pred!.trueId)) &&
      (f.confidenceMin === undefined || r.pred!.confidence >= f.confidenceMin) &&
      (f.confidenceMax === undefined || r.pred!.confidence <= f.confidenceMax),
  );
  const key = (r: Model): string | number | null =>
    sort === 'date' ? r.date : sort === 'confidence' && run ? (r.pred?.confidence ?? null) : sort === 'loss' && run ? (r.pred?.loss ?? null) : r.name;
  out.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    // Images the run did not predict come last whichever the direction.
    if ((ka === null) !== (kb === null)) return ka === null ? 1 : -1;
    const c = ka === null || kb === null || ka === kb ? a.id - b.id : ka < kb ? -1 : 1;
    return desc ? -c : c;
  });
  return out.map((r) => r.id);
}

test('images.query matches a plain-JS model for every filter, sort and direction, page by page', () => {
  const { fx, rows, classes } = setup();
  const db = fx.lib.db;
  const filters: ImageFilter[] = [
    {},
    { classIds: [classes[1]!] },
    { classIds: [classes[0]!, classes[3]!], splits: ['train', 'test'] },
    { origins: ['manual'] },
    { conflictsOnly: true },
    { search: '(1' },
    { search: '100%_' },
    { imageIds: [fx.imageIds[3]!, fx.imageIds[50]!, fx.imageIds[99]!] },
    { runId: 'run-a' },
    { runId: 'run-a', runOnly: true },
    { runId: 'run-a', classIds: [fx.classIds.Ipsala!], splits: ['train', 'val'] },
    { runId: 'run-a', runOnly: true, classIds: [fx.classIds.Ipsala!] },
    { runId: 'run-a', correctness: 'wrong' },
    { runId: 'run-a', correctness: 'correct', splits: ['train'] },
    { runId: 'run-a', classIds: [classes[2]!], predictedClassIds: [classes[2]!, classes[4]!] },
    { runId: 'run-a', confidenceMin: 0.4, confidenceMax: 0.8 },
  ];
  let nonEmpty = 0;
  for (const filter of filters) {
    for (const sort of ['name', 'date', 'confidence', 'loss'] as SortKey[]) {
      for (const desc of [false, true]) {
        const want = expected(rows, filter, sort, desc);
        const got: number[] = [];
        for (let offset = 0; ; offset += 7) {
          const page = queryImages(db, { filter, sort, desc, offset, limit: 7 });
          assert.equal(page.total, want.length, `${JSON.stringify(filter)} ${sort}: total`);
          assert.equal(page.offset, offset);
          got.push(...page.items.map((i) => i.id));
          if (page.items.length < 7) break;
        }
        assert.deepEqual(got, want, `${JSON.stringify(filter)} ${sort} desc=${desc}`);
        assert.deepEqual(matchingIds(db, filter, sort, desc), want);
        assert.equal(countImages(db, filter), want.length);
        if (want.length) nonEmpty++;
      }
    }
  }
  assert.ok(nonEmpty > 90, 'the filters are not trivially empty');
  assert.deepEqual(expected(rows, { search: '100%_' }, 'name', false), [fx.imageIds[5]], 'wildcards in search are literal');
  fx.lib.close();
});

test('page items carry label, split, conflict and (with a run) the prediction', () => {
  const { fx, rows } = setup();
  const page = queryImages(fx.lib.db, { filter: { runId: 'run-a' }, sort: 'confidence', desc: true, offset: 0, limit: 3 });
  const first = page.items[0]!;
  const model = rows.find((r) => r.id === first.id)!;
  assert.equal(first.classId, model.classId);
  assert.equal(first.className, Object.entries(fx.classIds).find(([, id]) => id === model.classId)![0]);
  assert.equal(first.split, model.split);
  assert.equal(first.conflict, model.conflict);
  assert.equal(first.width, 250);
  assert.equal(first.predictedClassId, model.pred!.predId);
  assert.equal(first.confidence, model.pred!.confidence);
  assert.ok(page.items[0]!.confidence! >= page.items[1]!.confidence!);
  const plain = queryImages(fx.lib.db, { filter: {}, sort: 'name', desc: false, offset: 0, limit: 1 }).items[0]!;
  assert.equal('confidence' in plain, false, 'no prediction fields without a run');
  assert.equal(typeof plain.conflict, 'boolean');
  fx.lib.close();
});

test('a run alone (the default model in Browse) lists every image: predicted ones carry it, the rest are plain and sort last', () => {
  const { fx, rows } = setup();
  const db = fx.lib.db;
  const all = queryImages(db, { filter: { runId: 'run-a' }, sort: 'name', desc: false, offset: 0, limit: 500 });
  assert.equal(all.total, rows.length, 'nothing hidden');
  const predicted = all.items.filter((i) => i.predictedClassId != null);
  assert.equal(predicted.length, rows.filter((r) => r.pred).length);
  assert.ok(all.items.filter((i) => i.predictedClassId == null).every((i) => i.confidence == null && i.loss == null));
  assert.equal(queryImages(db, { filter: { runId: 'run-a', runOnly: true }, sort: 'name', desc: false, offset: 0, limit: 1 }).total, predicted.length);
  for (const desc of [true, false]) {
    const byLoss = queryImages(db, { filter: { runId: 'run-a' }, sort: 'loss', desc, offset: 0, limit: 500 }).items;
    assert.ok(byLoss.slice(0, predicted.length).every((i) => i.loss != null) && byLoss.slice(predicted.length).every((i) => i.loss == null), `desc=${desc}`);
  }
  fx.lib.close();
});

test('a label change or another connection\'s write shows up in the next page (no stale cached view)', () => {
  const { fx, classes } = setup();
  const db = fx.lib.db;
  const q = { filter: { classIds: [classes[4]!] }, sort: 'name' as const, desc: false, offset: 0, limit: 500 };
  const before = queryImages(db, q).total;
  queryImages(db, q); // cached now
  setLabels(db, [fx.imageIds[0]!], classes[4]!, 'manual');
  assert.equal(queryImages(db, q).total, before + 1);
  const other = new Database(fx.lib.paths.db);
  other.prepare('UPDATE labels SET class_id = ? WHERE image_id = ?').run(classes[4], fx.imageIds[1]);
  other.close();
  assert.equal(queryImages(db, q).total, before + 2);
  assert.equal(matchingIds(db, q.filter).length, before + 2);
  fx.lib.close();
});

test('filters that need a run are refused without one; unknown runs and empty ranges are refused', async () => {
  const { fx, classes } = setup();
  const db = fx.lib.db;
  const q = (filter: ImageFilter) => queryImages(db, { filter, sort: 'name', desc: false, offset: 0, limit: 10 });
  assert.throws(() => q({ predictedClassIds: [classes[0]!] }), /predictedClassIds needs a run/);
  assert.throws(() => q({ correctness: 'wrong' }), /correctness needs a run/);
  assert.throws(() => q({ runOnly: true }), /runOnly needs a run/);
  assert.throws(() => q({ runId: 'nope' }), /run "nope" does not exist/);
  assert.throws(() => q({ runId: 'run-a', confidenceMin: 0.9, confidenceMax: 0.1 }), /confidence range is empty/);
  // confidence sort without a run falls back to name
  const byConf = queryImages(db, { filter: {}, sort: 'confidence', desc: false, offset: 0, limit: 100 }).items.map((i) => i.id);
  const byName = queryImages(db, { filter: {}, sort: 'name', desc: false, offset: 0, limit: 100 }).items.map((i) => i.id);
  assert.deepEqual(byConf, byName);
  // past the end: an empty page with the total
  assert.deepEqual(queryImages(db, { filter: {}, sort: 'name', desc: false, offset: 5000, limit: 10 }), { total: 100, offset: 5000, items: [] });
  // through dispatch: validated, and images.ids answers in name order
  const ctx = fixtureContext(fx.lib);
  const bad = await dispatch(handlers, ctx, 'images.query', { filter: { splits: ['holdout'] }, sort: 'name', desc: false, offset: 0, limit: 10 });
  assert.equal(bad.ok, false);
  const ids = await dispatch(handlers, ctx, 'images.ids', { filter: { classIds: [classes[0]!] } });
  assert.ok(ids.ok);
  assert.deepEqual(ids.value, matchingIds(db, { classIds: [classes[0]!] }));
  fx.lib.close();
});
