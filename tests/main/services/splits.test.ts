import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { openLibrary, type Library } from '../../../src/main/library';
import { ensureClass } from '../../../src/main/repos/classes.repo';
import { insertFolderLabel, insertImage } from '../../../src/main/repos/images.repo';
import { nextJournalBatch } from '../../../src/main/repos/labels.repo';
import { assignMissingSplits, assignSplits, pickSplit } from '../../../src/main/services/splits';
import { getSettings, updateSettings } from '../../../src/main/services/settings';
import type { Split } from '../../../src/shared/types';
import { tempDir } from '../../helpers/tmp';

const sha = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');

/** Inserts `n` images of `cls` (names prefix-i) and assigns their splits as an import batch does. */
function addImages(lib: Library, cls: string, prefix: string, n: number, seed?: number): Map<string, Split> {
  return lib.db.transaction(() => {
    const classId = ensureClass(lib.db, cls);
    const batch = nextJournalBatch(lib.db);
    const at = new Date().toISOString();
    const items = [];
    for (let i = 0; i < n; i++) {
      const h = sha(`${cls}/${prefix}-${i}`);
      const imageId = insertImage(lib.db, { sha256: h, sourcePath: `/x/${h}.jpg`, fileName: `${h}.jpg`, width: 1, height: 1, format: 'jpeg', bytes: 1, importId: null }, at);
      insertFolderLabel(lib.db, imageId, classId, batch, at);
      items.push({ imageId, sha256: h, classId });
    }
    const bySha = new Map<string, Split>();
    const assigned = assignSplits(lib.db, items, seed);
    for (const it of items) bySha.set(it.sha256, assigned.get(it.imageId)!);
    return bySha;
  })();
}

function allSplits(lib: Library): Map<string, Split> {
  const rows = lib.db.prepare('SELECT i.sha256, s.split FROM splits s JOIN images i ON i.id = s.image_id').all() as Array<{ sha256: string; split: Split }>;
  return new Map(rows.map((r) => [r.sha256, r.split]));
}

const tally = (m: Map<string, Split>): Record<Split, number> => {
  const t: Record<Split, number> = { train: 0, val: 0, test: 0 };
  for (const s of m.values()) t[s]++;
  return t;
};

test('pickSplit fills the split furthest below its 70/15/15 share', () => {
  assert.equal(pickSplit({ train: 0, val: 0, test: 0 }), 'train');
  assert.equal(pickSplit({ train: 1, val: 0, test: 0 }), 'train');
  assert.equal(pickSplit({ train: 2, val: 0, test: 0 }), 'val');
  assert.equal(pickSplit({ train: 2, val: 1, test: 0 }), 'train');
  assert.equal(pickSplit({ train: 3, val: 1, test: 0 }), 'test');
  assert.equal(pickSplit({ train: 7, val: 1, test: 1 }), 'val');
  assert.equal(pickSplit({ train: 14, val: 3, test: 2 }), 'test');
});

test('splits are stratified 70/15/15 per class, seeded, and never move when images are added', () => {
  const lib = openLibrary(tempDir(), { create: true });
  addImages(lib, 'A', 'first', 100);
  addImages(lib, 'B', 'first', 40);
  const before = allSplits(lib);
  assert.deepEqual(tally(before), { train: 98, val: 21, test: 21 });
  const b = lib.db.prepare(`SELECT s.split, COUNT(*) n FROM splits s JOIN labels l ON l.image_id = s.image_id JOIN classes c ON c.id = l.class_id WHERE c.name = 'B' GROUP BY s.split ORDER BY s.split`).all();
  assert.deepEqual(b, [{ split: 'test', n: 6 }, { split: 'train', n: 28 }, { split: 'val', n: 6 }]);

  // Add 30 more to A in two batches: old assignments stay, the class stays near its targets.
  addImages(lib, 'A', 'second', 17);
  addImages(lib, 'A', 'third', 13);
  const after = allSplits(lib);
  for (const [h, s] of before) assert.equal(after.get(h), s, `image ${h} moved`);
  const a = lib.db.prepare(`SELECT s.split, COUNT(*) n FROM splits s JOIN labels l ON l.image_id = s.image_id JOIN classes c ON c.id = l.class_id WHERE c.name = 'A' GROUP BY s.split ORDER BY s.split`).all();
  // 130 × 70/15/15 = 91 / 19.5 / 19.5
  assert.deepEqual(a, [{ split: 'test', n: 19 }, { split: 'train', n: 91 }, { split: 'val', n: 20 }]);
  lib.close();
});

test('the same images and seed give the same splits in any library; another seed gives others', () => {
  const one = openLibrary(tempDir(), { create: true });
  const two = openLibrary(tempDir(), { create: true });
  const three = openLibrary(tempDir(), { create: true });
  const s1 = addImages(one, 'A', 'x', 60);
  const s2 = addImages(two, 'A', 'x', 60);
  const s3 = addImages(three, 'A', 'x', 60, 7);
  assert.deepEqual([...s1].sort(), [...s2].sort());
  assert.notDeepEqual([...s1].sort(), [...s3].sort());
  assert.deepEqual(tally(s3), tally(s1));
  for (const l of [one, two, three]) l.close();
});

test('labeled images without a split (labeled after their import) get one; the seed is a setting', () => {
  const lib = openLibrary(tempDir(), { create: true });
  assert.deepEqual(getSettings(lib.db), { backend: 'auto', weightsDir: null, splitSeed: 42 });
  assert.deepEqual(updateSettings(lib.db, { splitSeed: 9, backend: 'wasm', weightsDir: '/w' }), { backend: 'wasm', weightsDir: '/w', splitSeed: 9 });
  assert.deepEqual(updateSettings(lib.db, { weightsDir: null }), { backend: 'wasm', weightsDir: null, splitSeed: 9 });
  assert.throws(() => updateSettings(lib.db, { backend: 'gpu' as never }), /backend must be one of/);
  assert.throws(() => updateSettings(lib.db, { splitSeed: -1 }), /splitSeed/);
  addImages(lib, 'A', 'x', 10);
  lib.db.prepare('DELETE FROM splits WHERE image_id IN (SELECT id FROM images ORDER BY id LIMIT 4)').run();
  assert.equal(assignMissingSplits(lib.db), 4);
  assert.equal((lib.db.prepare('SELECT COUNT(*) n FROM splits').get() as { n: number }).n, 10);
  assert.equal(assignMissingSplits(lib.db), 0);
  lib.close();
});
