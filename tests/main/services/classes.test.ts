import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatch, handlers } from '../../../src/main/api/index';
import { openLibrary } from '../../../src/main/library';
import { countImages } from '../../../src/main/services/browse';
import { addClass, mergeClasses, renameClass } from '../../../src/main/services/classes';
import { redo, setLabels, undo } from '../../../src/main/services/labels';
import { fixtureContext, fixtureLibrary, labelMap } from '../../helpers/fixture-library';
import { tempDir } from '../../helpers/tmp';

const names = (info: { classes: Array<{ name: string }> }) => info.classes.map((c) => c.name);

test('add a class: it appears empty in the library info; a duplicate name (any case) is refused', () => {
  const { lib } = fixtureLibrary({ classes: ['Basmati', 'Jasmine'], perClass: 3 });
  const info = addClass(lib, '  Arborio ');
  assert.deepEqual(names(info), ['Arborio', 'Basmati', 'Jasmine'], 'alphabetical, trimmed');
  assert.deepEqual(info.classes[0], { id: info.classes[0]!.id, name: 'Arborio', count: 0, perSplit: { train: 0, val: 0, test: 0 } });
  assert.equal(info.imageCount, 6);
  assert.throws(() => addClass(lib, 'basmati'), /a class named "Basmati" already exists/);
  assert.throws(() => addClass(lib, '   '), /needs a name/);
  lib.close();
});

test('rename a class: labels follow; a clash with another class is refused; case-only rename works', () => {
  const { lib, classIds } = fixtureLibrary({ classes: ['Basmati', 'Jasmine'], perClass: 3 });
  const info = renameClass(lib, classIds.Basmati!, 'Basmati 370');
  assert.deepEqual(names(info), ['Basmati 370', 'Jasmine']);
  assert.equal(info.classes.find((c) => c.name === 'Basmati 370')!.count, 3);
  assert.throws(() => renameClass(lib, classIds.Basmati!, 'JASMINE'), /cannot rename "Basmati 370" to "JASMINE": a class named "Jasmine" already exists/);
  assert.deepEqual(names(renameClass(lib, classIds.Jasmine!, 'jasmine')), ['Basmati 370', 'jasmine']);
  assert.throws(() => renameClass(lib, 999, 'x'), /class 999 does not exist/);
  lib.close();
});

test('merge relabels every image as one undoable batch and hides the class; undo brings labels and class back, redo merges again', () => {
  const { lib, classIds } = fixtureLibrary({ perClass: 6, journalFolderLabels: true });
  const db = lib.db;
  const start = labelMap(db);
  const manual = setLabels(db, [...start.keys()].filter((id) => start.get(id)!.classId === classIds.Arborio).slice(0, 1), classIds.Ipsala!, 'manual');
  assert.equal(manual.changed, 1);
  const beforeMerge = labelMap(db);
  const ipsala = countImages(db, { classIds: [classIds.Ipsala!] });
  const jasmine = countImages(db, { classIds: [classIds.Jasmine!] });

  const merged = mergeClasses(lib, classIds.Ipsala!, classIds.Jasmine!);
  assert.equal(merged.changed, ipsala);
  assert.deepEqual(names(merged.info), ['Arborio', 'Basmati', 'Jasmine', 'Karacadag']);
  assert.equal(merged.info.classes.find((c) => c.name === 'Jasmine')!.count, ipsala + jasmine);
  assert.equal(countImages(db, { classIds: [classIds.Ipsala!] }), 0);
  assert.throws(() => setLabels(db, [1], classIds.Ipsala!, 'manual'), /merged/);
  assert.throws(() => renameClass(lib, classIds.Ipsala!, 'x'), /merged/);
  assert.throws(() => renameClass(lib, classIds.Basmati!, 'ipsala'), /belongs to a class merged earlier/);

  const u = undo(db);
  assert.equal(u.batchId, merged.batchId);
  assert.deepEqual(labelMap(db), beforeMerge, 'labels and their origins are back');
  assert.deepEqual(names(addClassInfo(lib)), ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'], 'the class is visible again');

  assert.equal(redo(db).batchId, merged.batchId);
  assert.equal(countImages(db, { classIds: [classIds.Ipsala!] }), 0);
  assert.ok(!names(addClassInfo(lib)).includes('Ipsala'), 'redo hides it again');

  // undo the merge and then the manual change before it: back to the import's labels
  undo(db);
  undo(db);
  assert.deepEqual(labelMap(db), start);
  lib.close();
});

/** Library info without changing anything (add of an existing name throws, so read via a no-op rename). */
function addClassInfo(lib: ReturnType<typeof fixtureLibrary>['lib']) {
  const first = lib.db.prepare('SELECT id, name FROM classes WHERE hidden = 0 ORDER BY position LIMIT 1').get() as { id: number; name: string };
  return renameClass(lib, first.id, first.name);
}

test('merge refuses itself and unknown or merged classes; an empty class merges without a batch', () => {
  const { lib, classIds } = fixtureLibrary({ classes: ['A', 'B', 'C'], perClass: 2 });
  assert.throws(() => mergeClasses(lib, classIds.A!, classIds.A!), /into itself/);
  assert.throws(() => mergeClasses(lib, classIds.A!, 77), /class 77 does not exist/);
  const empty = addClass(lib, 'Empty').classes.find((c) => c.name === 'Empty')!;
  const r = mergeClasses(lib, empty.id, classIds.A!);
  assert.deepEqual([r.batchId, r.changed], [null, 0]);
  assert.ok(!names(r.info).includes('Empty'));
  assert.throws(() => mergeClasses(lib, empty.id, classIds.A!), /"Empty".*was merged/);
  // adding the name again brings the class back
  assert.ok(names(addClass(lib, 'empty')).includes('Empty'));
  lib.close();
});

test('a merge survives reopening and stays undoable; a refused merge changes nothing', () => {
  const dir = tempDir();
  const { lib, classIds } = fixtureLibrary({ dir, classes: ['A', 'B', 'C'], perClass: 3 });
  const start = labelMap(lib.db);
  mergeClasses(lib, classIds.C!, classIds.B!);
  undo(lib.db);
  lib.db.prepare('UPDATE classes SET hidden = 1 WHERE id = ?').run(classIds.C);
  assert.throws(() => mergeClasses(lib, classIds.A!, classIds.C!), /"C".*merged/);
  assert.deepEqual(labelMap(lib.db), start);
  lib.db.prepare('UPDATE classes SET hidden = 0 WHERE id = ?').run(classIds.C);
  mergeClasses(lib, classIds.A!, classIds.B!);
  lib.close();
  const again = openLibrary(dir);
  assert.equal(undo(again.db).changed, 3);
  assert.deepEqual(labelMap(again.db), start);
  assert.equal((again.db.prepare('SELECT hidden FROM classes WHERE id = ?').get(classIds.A) as { hidden: number }).hidden, 0);
  again.close();
});

test('classes.* through dispatch: validated names, library.changed emitted', async () => {
  const { lib, classIds } = fixtureLibrary({ classes: ['A', 'B'], perClass: 2 });
  const ctx = fixtureContext(lib);
  assert.equal((await dispatch(handlers, ctx, 'classes.add', { name: '' })).ok, false);
  const add = await dispatch(handlers, ctx, 'classes.add', { name: 'C' });
  assert.ok(add.ok && names(add.value).includes('C'));
  const dup = await dispatch(handlers, ctx, 'classes.add', { name: 'c' });
  assert.deepEqual(dup, { ok: false, error: 'a class named "C" already exists' });
  const merge = await dispatch(handlers, ctx, 'classes.merge', { fromId: classIds.A, intoId: classIds.B });
  assert.ok(merge.ok);
  assert.deepEqual(names(merge.value), ['B', 'C']);
  assert.deepEqual(
    ctx.events.map((e) => e.payload),
    [{ reason: 'classes' }, { reason: 'classes' }, { reason: 'labels' }],
  );
  lib.close();
});
