import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLibrary } from '../../../src/main/library';
import { redo, setLabels, undo } from '../../../src/main/services/labels';
import { fixtureLibrary, labelMap, seededRandom } from '../../helpers/fixture-library';
import { tempDir } from '../../helpers/tmp';

type Labels = Map<number, { classId: number; origin: string }>;

test('undo reverts the newest batch with its previous origin, redo re-applies it; the import is never undone', () => {
  const { lib, classIds, imageIds } = fixtureLibrary({ journalFolderLabels: true });
  const db = lib.db;
  const start = labelMap(db);
  const [a, b, , c] = imageIds; // Arborio, Basmati, Jasmine: none already Ipsala or Karacadag
  assert.deepEqual(undo(db), { batchId: null, changed: 0, imageIds: [] }, 'only folder rows: nothing to undo');
  const s1 = setLabels(db, [a!, b!], classIds.Karacadag!, 'manual');
  const s2 = setLabels(db, [a!, c!], classIds.Ipsala!, 'suggestion');
  const afterS2 = labelMap(db);

  const u1 = undo(db);
  assert.equal(u1.batchId, s2.batchId);
  assert.deepEqual([...u1.imageIds].sort(), [a!, c!].sort());
  assert.deepEqual(labelMap(db).get(a!), { classId: classIds.Karacadag, origin: 'manual' });
  assert.deepEqual(labelMap(db).get(c!), start.get(c!), 'c is back to its folder label and origin');

  const u2 = undo(db);
  assert.equal(u2.batchId, s1.batchId);
  assert.deepEqual(labelMap(db), start);
  assert.equal(undo(db).batchId, null, 'the import batch stays');
  assert.deepEqual(labelMap(db), start);

  assert.equal(redo(db).batchId, s1.batchId, 'redo in stack order: the batch undone last comes back first');
  assert.equal(redo(db).batchId, s2.batchId);
  assert.deepEqual(labelMap(db), afterS2);
  assert.equal(redo(db).batchId, null);
  const states = db.prepare(`SELECT DISTINCT state FROM label_journal`).all() as Array<{ state: string }>;
  assert.deepEqual(states.map((s) => s.state), ['done']);
  lib.close();
});

test('a new change after undo discards the redo stack', () => {
  const { lib, classIds, imageIds } = fixtureLibrary();
  const db = lib.db;
  setLabels(db, [imageIds[0]!], classIds.Karacadag!, 'manual');
  setLabels(db, [imageIds[1]!], classIds.Karacadag!, 'manual');
  undo(db);
  undo(db);
  const s = setLabels(db, [imageIds[2]!], classIds.Karacadag!, 'manual');
  assert.equal(redo(db).batchId, null);
  assert.equal((db.prepare(`SELECT COUNT(*) n FROM label_journal WHERE state = 'discarded'`).get() as { n: number }).n, 2);
  assert.equal(undo(db).batchId, s.batchId);
  assert.equal(undo(db).batchId, null, 'discarded batches are not undoable either');
  lib.close();
});

test('undo and redo survive closing and reopening the library', () => {
  const dir = tempDir();
  const { lib, classIds, imageIds } = fixtureLibrary({ dir, journalFolderLabels: true });
  const start = labelMap(lib.db);
  setLabels(lib.db, imageIds.slice(0, 3), classIds.Jasmine!, 'manual');
  const after = labelMap(lib.db);
  lib.close();
  const again = openLibrary(dir);
  assert.equal(undo(again.db).changed, 3);
  assert.deepEqual(labelMap(again.db), start);
  again.close();
  const third = openLibrary(dir);
  assert.equal(redo(third.db).changed, 3);
  assert.deepEqual(labelMap(third.db), after);
  third.close();
});

test('property: long random sequences of set/undo/redo match an in-memory editor model', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const { lib, classIds, imageIds } = fixtureLibrary({ perClass: 6, journalFolderLabels: seed % 2 === 0 });
    const db = lib.db;
    const rnd = seededRandom(seed);
    const classes = Object.values(classIds);
    const model: Labels = labelMap(db);
    type Change = { id: number; before: { classId: number; origin: string } | undefined; after: { classId: number; origin: string } };
    const done: Change[][] = [];
    let undone: Change[][] = [];
    for (let step = 0; step < 150; step++) {
      const r = rnd();
      if (r < 0.5) {
        const n = 1 + Math.floor(rnd() * 5);
        const ids = Array.from({ length: n }, () => imageIds[Math.floor(rnd() * imageIds.length)]!);
        const cls = classes[Math.floor(rnd() * classes.length)]!;
        const origin = rnd() < 0.7 ? 'manual' : 'suggestion';
        const changes: Change[] = [];
        for (const id of new Set(ids)) {
          const before = model.get(id);
          if (before?.classId === cls) continue;
          const after = { classId: cls, origin };
          changes.push({ id, before, after });
          model.set(id, after);
        }
        const res = setLabels(db, ids, cls, origin);
        assert.equal(res.changed, changes.length, `seed ${seed} step ${step}: changed count`);
        if (changes.length) {
          done.push(changes);
          undone = [];
        }
      } else if (r < 0.8) {
        const batch = done.pop();
        const res = undo(db);
        assert.equal(res.changed, batch?.length ?? 0, `seed ${seed} step ${step}: undo count`);
        if (batch) {
          for (const ch of [...batch].reverse()) {
            if (ch.before) model.set(ch.id, ch.before);
            else model.delete(ch.id);
          }
          undone.push(batch);
        }
      } else {
        const batch = undone.pop();
        const res = redo(db);
        assert.equal(res.changed, batch?.length ?? 0, `seed ${seed} step ${step}: redo count`);
        if (batch) {
          for (const ch of batch) model.set(ch.id, ch.after);
          done.push(batch);
        }
      }
      assert.deepEqual(labelMap(db), model, `seed ${seed} step ${step}: labels match the model`);
    }
    lib.close();
  }
});
