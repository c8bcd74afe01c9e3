// Importing a folder without labels (#14): same hashing, duplicate and bad-file rules; known images keep their
// label; no split until labeled; labeling assigns one, a near-duplicate of a held-out image following it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { importFolder } from '../../../src/main/services/import/index';
import { openLibrary } from '../../../src/main/library';
import { dispatch, handlers } from '../../../src/main/api/index';
import { storeFeatures } from '../../../src/main/repos/features.repo';
import { RICE_DIR, tempDir } from '../../helpers/tmp';
import { riceFiles, riceSubset } from '../../helpers/rice-subset';
import { fixtureContext } from '../../helpers/fixture-library';

const count = (db: import('better-sqlite3').Database, sql: string, ...p: unknown[]): number => (db.prepare(sql).get(...p) as { n: number }).n;

test('an unlabeled import adds images without class or split; known bytes keep their label; bad files are skipped', async () => {
  const lib = openLibrary(tempDir('paddy-unl-lib-'), { create: true });
  const labeled = riceSubset(4, { classes: ['Arborio', 'Basmati'] });
  await importFolder(lib, labeled, { concurrency: 2 });
  const before = count(lib.db, `SELECT COUNT(*) AS n FROM splits`);

  const dir = tempDir('paddy-unl-');
  fs.mkdirSync(path.join(dir, 'tray 2', 'deeper'), { recursive: true });
  const fresh = riceFiles('Jasmine').slice(0, 3);
  fs.copyFileSync(path.join(RICE_DIR, 'Jasmine', fresh[0]!), path.join(dir, 'a.jpg'));
  fs.copyFileSync(path.join(RICE_DIR, 'Jasmine', fresh[1]!), path.join(dir, 'tray 2', 'b.jpg'));
  fs.copyFileSync(path.join(RICE_DIR, 'Jasmine', fresh[2]!), path.join(dir, 'tray 2', 'deeper', 'c.jpg'));
  fs.copyFileSync(path.join(RICE_DIR, 'Jasmine', fresh[2]!), path.join(dir, 'c-copy.jpg')); // same bytes twice
  fs.copyFileSync(path.join(labeled, 'Arborio', riceFiles('Arborio')[0]!), path.join(dir, 'known.jpg')); // labeled already
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an image');

  const r = await importFolder(lib, dir, { unlabeled: true, concurrency: 2 });
  assert.equal(r.unlabeled, true);
  assert.equal(r.imported, 3);
  assert.equal(r.alreadyPresent, 2, 'the copy and the labeled image');
  assert.equal(r.alreadyLabeled, 1);
  assert.equal(r.conflicts, 0, 'an unlabeled copy is never a conflict');
  assert.equal(r.skipped.length, 1);
  assert.match(r.skipped[0]!.path, /notes\.txt$/);
  assert.equal(count(lib.db, `SELECT COUNT(*) AS n FROM images i WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)`), 3);
  assert.equal(count(lib.db, `SELECT COUNT(*) AS n FROM splits`), before, 'no split until labeled');
  const known = lib.db.prepare(`SELECT c.name FROM images i JOIN labels l ON l.image_id = i.id JOIN classes c ON c.id = l.class_id
    WHERE i.source_path LIKE ?`).get(`%Arborio%${riceFiles('Arborio')[0]}`) as { name: string };
  assert.equal(known.name, 'Arborio', 'keeps its label');
  assert.equal(Object.keys(r.classes).join(','), 'Arborio,Basmati', 'no class made up from sub-folder names');

  // Again: everything is already there.
  const again = await importFolder(lib, dir, { unlabeled: true, concurrency: 2 });
  assert.equal(again.imported, 0);
  assert.equal(again.alreadyPresent, 5);

  // Browse: the unlabeled filter.
  const ctx = fixtureContext(lib);
  const page = await dispatch(handlers, ctx, 'images.query', { filter: { unlabeledOnly: true }, sort: 'name', desc: false, offset: 0, limit: 50 });
  assert.ok(page.ok);
  assert.deepEqual(page.value.items.map((i) => i.fileName).sort(), ['a.jpg', 'b.jpg', 'c-copy.jpg'], 'the first copy in walk order (files before sub-folders)');
  assert.ok(page.value.items.every((i) => i.classId === null && i.split === null));

  // A later class-folder import of one of them labels it and gives it a split.
  const cls = tempDir('paddy-unl-cls-');
  fs.mkdirSync(path.join(cls, 'Jasmine'));
  fs.copyFileSync(path.join(dir, 'a.jpg'), path.join(cls, 'Jasmine', 'a.jpg'));
  fs.copyFileSync(path.join(RICE_DIR, 'Arborio', riceFiles('Arborio')[10]!), path.join(cls, 'Jasmine', 'other.jpg'));
  const third = await importFolder(lib, cls, { concurrency: 2 });
  assert.equal(third.conflicts, 0);
  const a = lib.db.prepare(`SELECT c.name, s.split FROM images i JOIN labels l ON l.image_id = i.id JOIN classes c ON c.id = l.class_id
    JOIN splits s ON s.image_id = i.id WHERE i.file_name = 'a.jpg'`).get() as { name: string; split: string } | undefined;
  assert.equal(a?.name, 'Jasmine');

  // Bad input: no folder, an empty folder.
  await assert.rejects(importFolder(lib, path.join(dir, 'nope'), { unlabeled: true }), /folder not found/);
  await assert.rejects(importFolder(lib, tempDir('paddy-empty-'), { unlabeled: true }), /is empty/);
  lib.close();
});

test('labeling an unlabeled image gives it a split; a near-duplicate of a test image goes to test', async () => {
  const lib = openLibrary(tempDir('paddy-unl-split-'), { create: true });
  await importFolder(lib, riceSubset(10, { classes: ['Arborio', 'Basmati'] }), { concurrency: 2 });
  const dir = tempDir('paddy-unl-');
  for (const f of riceFiles('Ipsala').slice(0, 6)) fs.copyFileSync(path.join(RICE_DIR, 'Ipsala', f), path.join(dir, f));
  await importFolder(lib, dir, { unlabeled: true, concurrency: 2 });
  const rows = lib.db.prepare(`SELECT i.id, i.sha256, s.split FROM images i LEFT JOIN splits s ON s.image_id = i.id ORDER BY i.id`).all() as Array<{ id: number; sha256: string; split: string | null }>;
  const unl = rows.filter((r) => r.split === null);
  assert.equal(unl.length, 6);
  const testImage = rows.find((r) => r.split === 'test')!;
  // Cached features (as a MobileNetV2 key): random for all, and the first unlabeled image a copy of a test image's.
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  const vec = new Map(rows.map((r) => [r.sha256, Float32Array.from({ length: 64 }, rand)]));
  const copy = Float32Array.from(vec.get(testImage.sha256)!, (v) => v + rand() * 1e-3);
  vec.set(unl[0]!.sha256, copy);
  storeFeatures(lib.db, 'mnv2-100-testkey', [...vec].map(([sha256, v]) => ({ sha256, vec: v })));

  const ctx = fixtureContext(lib);
  const basmati = (lib.db.prepare(`SELECT id FROM classes WHERE name = 'Basmati'`).get() as { id: number }).id;
  const set = await dispatch(handlers, ctx, 'labels.set', { imageIds: unl.map((u) => u.id), classId: basmati });
  assert.ok(set.ok, set.ok ? '' : set.error);
  const after = new Map((lib.db.prepare(`SELECT image_id AS id, split FROM splits`).all() as Array<{ id: number; split: string }>).map((r) => [r.id, r.split]));
  assert.ok(unl.every((u) => after.has(u.id)), 'every newly labeled image has a split');
  assert.equal(after.get(unl[0]!.id), 'test', 'the near-duplicate follows its test twin');
  // Undo takes the labels back; the split stays (assigned splits never move) but the image is unlabeled again.
  assert.ok((await dispatch(handlers, ctx, 'labels.undo', {})).ok);
  assert.equal(count(lib.db, `SELECT COUNT(*) AS n FROM images i WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)`), 6);
  lib.close();
});
