import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { EventMap, EventName } from '../../../../src/shared/contract';
import { openLibrary } from '../../../../src/main/library';
import { importFolder, importReport, ImportCancelled, listImports } from '../../../../src/main/services/import/index';
import { thumbPath } from '../../../../src/main/services/import/thumbnails';
import { resolveImageFile } from '../../../../src/main/services/image-files';
import { RICE_CLASSES, riceBytes, riceSubset } from '../../../helpers/rice-subset';
import { tempDir } from '../../../helpers/tmp';

type Ev = { name: EventName; payload: EventMap[EventName] };
const recorder = (): { events: Ev[]; times: number[]; emit: <K extends EventName>(name: K, payload: EventMap[K]) => void } => {
  const events: Ev[] = [];
  const times: number[] = [];
  return { events, times, emit: (name, payload) => (events.push({ name, payload }), times.push(performance.now())) };
};

test('imports real rice JPEGs: rows, folder labels, journal, splits, thumbnails, progress, and a no-op re-import', async () => {
  const src = riceSubset(8);
  const before = snapshot(src);
  const lib = openLibrary(tempDir(), { create: true });
  const rec = recorder();
  const report = await importFolder(lib, src, { emit: rec.emit, concurrency: 3 });
  assert.equal(report.imported, 40);
  assert.equal(report.alreadyPresent, 0);
  assert.equal(report.conflicts, 0);
  assert.deepEqual(report.skipped, []);
  assert.deepEqual(report.classes, Object.fromEntries(RICE_CLASSES.map((c) => [c, 8])));

  const db = lib.db;
  const classes = db.prepare('SELECT name, position FROM classes ORDER BY position').all() as Array<{ name: string; position: number }>;
  assert.deepEqual(classes.map((c) => c.name), RICE_CLASSES);
  const img = db.prepare('SELECT * FROM images ORDER BY id LIMIT 1').get() as Record<string, unknown>;
  assert.equal(img.width, 250);
  assert.equal(img.height, 250);
  assert.equal(img.format, 'jpeg');
  assert.equal(img.source_path, path.join(fs.realpathSync(src), 'Arborio', img.file_name as string));
  assert.equal((db.prepare(`SELECT COUNT(*) n FROM labels WHERE origin = 'folder'`).get() as { n: number }).n, 40);
  const journal = db.prepare(`SELECT COUNT(*) n FROM label_journal WHERE origin = 'folder' AND old_class_id IS NULL AND state = 'done'`).get() as { n: number };
  assert.equal(journal.n, 40);
  assert.equal((db.prepare('SELECT COUNT(*) n FROM splits').get() as { n: number }).n, 40);

  // Every 250×250 rice JPEG is its own thumbnail: a copy of its bytes in the library, served through resolveImageFile.
  const rows = db.prepare('SELECT id, sha256, source_path FROM images').all() as Array<{ id: number; sha256: string; source_path: string }>;
  for (const r of rows) {
    const t = resolveImageFile(lib, 'thumb', r.id);
    assert.equal(t, thumbPath(lib, r.sha256, 'jpg'));
    assert.ok(fs.readFileSync(t!).equals(fs.readFileSync(r.source_path)));
  }
  assert.equal(resolveImageFile(lib, 'full', rows[0]!.id), (db.prepare('SELECT source_path p FROM images WHERE id = ?').get(rows[0]!.id) as { p: string }).p);
  assert.equal(resolveImageFile(lib, 'thumb', 999_999), null);

  // Progress: monotonic, ends at total; the library-changed event closes the import.
  const prog = rec.events.filter((e) => e.name === 'import.progress').map((e) => e.payload as EventMap['import.progress']);
  assert.ok(prog.length >= 2);
  for (let i = 1; i < prog.length; i++) assert.ok(prog[i]!.done >= prog[i - 1]!.done);
  assert.deepEqual([prog.at(-1)!.done, prog.at(-1)!.total], [40, 40]);
  // At most ~10 a second: between the opening and the closing event, updates are ≥ 100 ms apart.
  const progTimes = rec.times.filter((_, i) => rec.events[i]!.name === 'import.progress');
  for (let i = 2; i < progTimes.length - 1; i++) assert.ok(progTimes[i]! - progTimes[i - 1]! >= 99, `progress events ${i - 1}→${i} too close`);
  assert.deepEqual(rec.events.at(-1), { name: 'library.changed', payload: { reason: 'import' } });

  // A lost thumbnail is rebuilt by importing again; nothing else changes.
  const lost = thumbPath(lib, rows[5]!.sha256, 'jpg');
  fs.rmSync(lost);
  const again = await importFolder(lib, src);
  assert.deepEqual([again.imported, again.alreadyPresent, again.conflicts, again.skipped.length], [0, 40, 0, 0]);
  assert.equal((await sharp(lost).metadata()).format, 'jpeg');
  assert.equal((db.prepare('SELECT COUNT(*) n FROM images').get() as { n: number }).n, 40);

  const list = listImports(db);
  assert.deepEqual(list.map((i) => [i.status, i.imported, i.alreadyPresent]), [['completed', 0, 40], ['completed', 40, 0]]);
  assert.equal(importReport(lib, report.importId).imported, 40);
  assert.deepEqual(snapshot(src), before, 'the source folder is never modified');
  lib.close();
});

test('the same bytes under two class folders: imported once, marked as a conflict, both sources kept', async () => {
  const src = tempDir();
  const bytes = riceBytes('Basmati', 3);
  for (const [cls, name] of [['Basmati', 'a.jpg'], ['Jasmine', 'b.jpg'], ['Jasmine', 'c.jpg']] as const) {
    fs.mkdirSync(path.join(src, cls), { recursive: true });
    fs.writeFileSync(path.join(src, cls, name), cls === 'Jasmine' && name === 'c.jpg' ? riceBytes('Jasmine', 0) : bytes);
  }
  const lib = openLibrary(tempDir(), { create: true });
  const r = await importFolder(lib, src);
  assert.deepEqual([r.imported, r.conflicts, r.alreadyPresent], [2, 1, 0]);
  const conflicted = lib.db.prepare('SELECT id FROM images WHERE conflict = 1').all() as Array<{ id: number }>;
  assert.equal(conflicted.length, 1);
  const sources = lib.db.prepare('SELECT class_name FROM image_sources WHERE image_id = ? ORDER BY class_name').all(conflicted[0]!.id);
  assert.deepEqual(sources, [{ class_name: 'Basmati' }, { class_name: 'Jasmine' }]);
  // The first class folder (alphabetical) keeps the label.
  const label = lib.db.prepare('SELECT c.name FROM labels l JOIN classes c ON c.id = l.class_id WHERE l.image_id = ?').get(conflicted[0]!.id);
  assert.deepEqual(label, { name: 'Basmati' });
  const again = await importFolder(lib, src);
  assert.deepEqual([again.imported, again.conflicts, again.alreadyPresent], [0, 0, 3]);
  lib.close();
});

test('duplicates finishing out of order: the first copy in folder order is always the one imported', async () => {
  // Two workers read the two copies at once and either may hash first; the later copy must still not take
  // the label or make the earlier copy look like a failed duplicate. Repeating makes both orders occur.
  const src = tempDir();
  for (const [cls, name] of [['Arborio', 'x.jpg'], ['Basmati', 'y.jpg']]) {
    fs.mkdirSync(path.join(src, cls));
    fs.writeFileSync(path.join(src, cls, name), riceBytes('Ipsala', 1));
  }
  for (let round = 0; round < 40; round++) {
    const lib = openLibrary(tempDir(), { create: true });
    const r = await importFolder(lib, src, { concurrency: 2 });
    assert.deepEqual([r.imported, r.conflicts, r.alreadyPresent, r.skipped.length], [1, 1, 0, 0], `round ${round}`);
    const label = lib.db.prepare('SELECT c.name, i.file_name FROM labels l JOIN classes c ON c.id = l.class_id JOIN images i ON i.id = l.image_id').all();
    assert.deepEqual(label, [{ name: 'Arborio', file_name: 'x.jpg' }], `round ${round}`);
    lib.close();
  }
});

test('a cancelled import keeps its committed batches, is marked interrupted, and a re-run finishes it', async () => {
  const src = riceSubset(6);
  const lib = openLibrary(tempDir(), { create: true });
  const ac = new AbortController();
  let seen = 0;
  const emit = <K extends EventName>(name: K, payload: EventMap[K]): void => {
    // The pipeline's first progress event comes after its first file (later ones are ≥ 100 ms apart, and a
    // quiet machine imports all 30 in less than that).
    if (name === 'import.progress' && (payload as EventMap['import.progress']).done >= 1 && seen++ === 0) ac.abort();
  };
  await assert.rejects(importFolder(lib, src, { emit, signal: ac.signal, concurrency: 2 }), ImportCancelled);
  assert.equal(listImports(lib.db)[0]!.status, 'interrupted');
  const partial = (lib.db.prepare('SELECT COUNT(*) n FROM images').get() as { n: number }).n;
  assert.ok(partial >= 1 && partial < 30, `partial import kept ${partial}`);
  const r = await importFolder(lib, src);
  assert.equal(r.imported + r.alreadyPresent, 30);
  assert.equal(r.alreadyPresent, partial);
  lib.close();
});

test('a folder that does not exist, a file, or a folder without class sub-folders is refused with a clear error', async () => {
  const lib = openLibrary(tempDir(), { create: true });
  await assert.rejects(importFolder(lib, '/no/such/folder'), /folder not found: \/no\/such\/folder/);
  const d = tempDir();
  fs.writeFileSync(path.join(d, 'x.jpg'), riceBytes('Ipsala'));
  await assert.rejects(importFolder(lib, path.join(d, 'x.jpg')), /not a folder/);
  await assert.rejects(importFolder(lib, d), /no class sub-folders/);
  assert.equal(listImports(lib.db).length, 0);
  lib.close();
});

function snapshot(dir: string): string[] {
  const out: string[] = [];
  (function walk(d: string) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = fs.statSync(p);
        out.push(`${p}:${st.size}:${st.mtimeMs}`);
      }
    }
  })(dir);
  return out.sort();
}

test('after a class merge, new images of the merged-away folder go to the class it was merged into', async () => {
  const { mergeClasses } = await import('../../../../src/main/services/classes');
  const src = riceSubset(2, { classes: ['Arborio', 'Basmati'] });
  const lib = openLibrary(tempDir(), { create: true });
  await importFolder(lib, src);
  const id = (name: string): number => (lib.db.prepare('SELECT id FROM classes WHERE name = ?').get(name) as { id: number }).id;
  mergeClasses(lib, id('Arborio'), id('Basmati'));
  riceSubset(2, { dir: src, from: 2, classes: ['Arborio'] });
  const r = await importFolder(lib, src);
  assert.deepEqual([r.imported, r.alreadyPresent], [2, 4]);
  assert.deepEqual(r.classes, { Basmati: 6 });
  lib.close();
});

test('after a class rename, new images of its folder join the renamed class instead of recreating the old name', async () => {
  const { renameClass } = await import('../../../../src/main/services/classes');
  const src = riceSubset(2, { classes: ['Ipsala', 'Jasmine'] });
  const lib = openLibrary(tempDir(), { create: true });
  await importFolder(lib, src);
  const ipsala = (lib.db.prepare(`SELECT id FROM classes WHERE name = 'Ipsala'`).get() as { id: number }).id;
  renameClass(lib, ipsala, 'Ipsala (Turkey)');
  riceSubset(3, { dir: src, from: 2, classes: ['Ipsala'] });
  const r = await importFolder(lib, src);
  assert.equal(r.imported, 3);
  assert.deepEqual(r.classes, { 'Ipsala (Turkey)': 5, Jasmine: 2 });
  lib.close();
});
