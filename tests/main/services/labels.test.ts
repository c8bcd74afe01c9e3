import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLabels } from '../../../src/main/services/labels';
import { dispatch, handlers } from '../../../src/main/api/index';
import { fixtureContext, fixtureLibrary, labelMap } from '../../helpers/fixture-library';

type Row = { batch_id: number; image_id: number; old_class_id: number | null; new_class_id: number; origin: string; state: string };

test('setLabels changes only what differs, journals one row per changed image under one new batch', () => {
  const { lib, classIds, imageIds } = fixtureLibrary({ journalFolderLabels: true });
  const db = lib.db;
  const before = labelMap(db);
  const basmati = classIds.Basmati;
  // two already Basmati, three not; one id repeated
  const ids = imageIds.filter((id) => before.get(id)!.classId === basmati).slice(0, 2);
  const others = imageIds.filter((id) => before.get(id)!.classId !== basmati).slice(0, 3);
  const r = setLabels(db, [...ids, ...others, others[0]!], basmati, 'manual');
  assert.equal(r.changed, 3);
  assert.equal(r.batchId, 2, 'the import used batch 1');
  const after = labelMap(db);
  for (const id of [...ids, ...others]) assert.equal(after.get(id)!.classId, basmati);
  for (const id of others) assert.equal(after.get(id)!.origin, 'manual');
  for (const id of ids) assert.equal(after.get(id)!.origin, 'folder', 'unchanged images keep their origin');
  const rows = db.prepare(`SELECT * FROM label_journal WHERE batch_id = 2 ORDER BY image_id`).all() as Row[];
  assert.deepEqual(
    rows.map((x) => [x.image_id, x.old_class_id, x.new_class_id, x.origin, x.state]),
    others
      .slice()
      .sort((a, b) => a - b)
      .map((id) => [id, before.get(id)!.classId, basmati, 'manual', 'done']),
  );
  // untouched images stay as they were
  for (const id of imageIds) if (![...ids, ...others].includes(id)) assert.deepEqual(after.get(id), before.get(id));
  // the next change takes the next batch id; a suggestion is recorded as such
  const r2 = setLabels(db, [others[1]!], classIds.Ipsala!, 'suggestion');
  assert.deepEqual(r2, { batchId: 3, changed: 1 });
  assert.equal(labelMap(db).get(others[1]!)!.origin, 'suggestion');
  lib.close();
});

test('setLabels with nothing to change writes nothing', () => {
  const { lib, classIds, imageIds } = fixtureLibrary();
  const id = imageIds[0]!;
  const cls = labelMap(lib.db).get(id)!.classId;
  assert.deepEqual(setLabels(lib.db, [id], cls, 'manual'), { batchId: null, changed: 0 });
  assert.equal((lib.db.prepare('SELECT COUNT(*) n FROM label_journal').get() as { n: number }).n, 0);
  assert.ok(classIds);
  lib.close();
});

test('setLabels labels an image that had no label, journaling the missing old class as null', () => {
  const { lib, classIds, imageIds } = fixtureLibrary();
  const id = imageIds[3]!;
  lib.db.prepare('DELETE FROM labels WHERE image_id = ?').run(id);
  const r = setLabels(lib.db, [id], classIds.Jasmine!, 'manual');
  assert.equal(r.changed, 1);
  assert.equal(labelMap(lib.db).get(id)!.classId, classIds.Jasmine);
  const row = lib.db.prepare('SELECT old_class_id, new_class_id FROM label_journal WHERE batch_id = ?').get(r.batchId) as Row;
  assert.equal(row.old_class_id, null);
  assert.equal(row.new_class_id, classIds.Jasmine);
  lib.close();
});

test('setLabels refuses unknown images and classes, naming them, and writes nothing', () => {
  const { lib, classIds, imageIds } = fixtureLibrary();
  const before = labelMap(lib.db);
  assert.throws(() => setLabels(lib.db, [imageIds[0]!, 9999, 10000], classIds.Basmati!, 'manual'), /no image with id 9999, 10000/);
  assert.throws(() => setLabels(lib.db, [imageIds[0]!], 4242, 'manual'), /class 4242 does not exist/);
  lib.db.prepare('UPDATE classes SET hidden = 1 WHERE id = ?').run(classIds.Ipsala);
  assert.throws(() => setLabels(lib.db, [imageIds[0]!], classIds.Ipsala!, 'manual'), /"Ipsala".*merged/);
  assert.deepEqual(labelMap(lib.db), before);
  assert.equal((lib.db.prepare('SELECT COUNT(*) n FROM label_journal').get() as { n: number }).n, 0);
  lib.close();
});

test('setLabels relabels a large selection in one transaction quickly', () => {
  const { lib, classIds, imageIds } = fixtureLibrary({ perClass: 1000 });
  const t = performance.now();
  const r = setLabels(lib.db, imageIds, classIds.Karacadag!, 'manual');
  const ms = performance.now() - t;
  assert.equal(r.changed, 4000);
  assert.equal((lib.db.prepare('SELECT COUNT(*) n FROM labels WHERE class_id = ?').get(classIds.Karacadag) as { n: number }).n, 5000);
  assert.ok(ms < 2000, `5,000-image relabel took ${ms.toFixed(0)} ms`);
  lib.close();
});

test('labels.set / undo / redo through dispatch: validated input, library.changed emitted only on change', async () => {
  const { lib, classIds, imageIds } = fixtureLibrary();
  const ctx = fixtureContext(lib);
  const bad = await dispatch(handlers, ctx, 'labels.set', { imageIds: [imageIds[0]], classId: 'Basmati' });
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.error : '', /labels\.set: classId/);
  const set = await dispatch(handlers, ctx, 'labels.set', { imageIds: [imageIds[0]], classId: classIds.Basmati });
  assert.deepEqual(set, { ok: true, value: { batchId: 1, changed: 1 } });
  assert.equal(labelMap(lib.db).get(imageIds[0]!)!.origin, 'manual', 'origin defaults to manual');
  const same = await dispatch(handlers, ctx, 'labels.set', { imageIds: [imageIds[0]], classId: classIds.Basmati });
  assert.deepEqual(same, { ok: true, value: { batchId: null, changed: 0 } });
  const missing = await dispatch(handlers, ctx, 'labels.set', { imageIds: [777], classId: classIds.Basmati });
  assert.deepEqual(missing, { ok: false, error: 'cannot label: no image with id 777 in this library' });
  const u = await dispatch(handlers, ctx, 'labels.undo', {});
  assert.deepEqual(u, { ok: true, value: { batchId: 1, changed: 1, imageIds: [imageIds[0]] } });
  const r = await dispatch(handlers, ctx, 'labels.redo', {});
  assert.equal(r.ok && r.value.batchId, 1);
  await dispatch(handlers, ctx, 'labels.redo', {});
  assert.deepEqual(ctx.events, [
    { name: 'library.changed', payload: { reason: 'labels' } },
    { name: 'library.changed', payload: { reason: 'labels' } },
    { name: 'library.changed', payload: { reason: 'labels' } },
  ]);
  lib.close();
});
