// openLibrary opens an existing library and creates one only when asked: a folder that is not a library, a
// library whose paddy.db vanished or was emptied, a pseudo-filesystem and a file are refused with a message
// that says what to do, and nothing is written there. Real folders, real SQLite files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openLibrary, LibraryError } from '../../src/main/library';
import { tempDir } from '../helpers/tmp';

function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

test('a folder that is not a library is refused without { create }, and nothing is written into it', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
  assert.throws(() => openLibrary(dir), (e: Error) => e instanceof LibraryError && /not a Paddy library/.test(e.message) && /create/.test(e.message));
  assert.deepEqual(listing(dir), ['notes.txt']);
  const missing = path.join(tempDir(), 'nope');
  assert.throws(() => openLibrary(missing), /not a Paddy library/);
  assert.equal(fs.existsSync(missing), false, 'a missing folder is not created');
});

test('{ create: true } makes a new library (also in a missing folder), and then it opens without it', () => {
  const dir = path.join(tempDir(), 'a', 'new library');
  const lib = openLibrary(dir, { create: true });
  assert.equal(lib.dir, dir);
  lib.close();
  assert.deepEqual(listing(dir).filter((f) => !f.startsWith('paddy.db-')), ['cache', 'models', 'paddy.db', 'thumbs']);
  openLibrary(dir).close();
});

test('a missing or 0-byte paddy.db beside thumbs/models is refused (even with create): the database is gone', () => {
  for (const how of ['deleted', 'emptied'] as const) {
    const dir = tempDir();
    const lib = openLibrary(dir, { create: true });
    lib.close();
    fs.writeFileSync(path.join(dir, 'thumbs', 'ab.webp'), 'x');
    for (const f of ['paddy.db-wal', 'paddy.db-shm']) fs.rmSync(path.join(dir, f), { force: true });
    if (how === 'deleted') fs.rmSync(path.join(dir, 'paddy.db'));
    else fs.truncateSync(path.join(dir, 'paddy.db'), 0);
    const before = listing(dir);
    for (const create of [false, true]) {
      assert.throws(
        () => openLibrary(dir, { create }),
        (e: Error) => e instanceof LibraryError && /paddy\.db is (missing|empty)/.test(e.message) && /backups/.test(e.message) && /paddy doctor/.test(e.message),
        `${how}, create ${create}`,
      );
    }
    assert.deepEqual(listing(dir), before, `${how}: nothing written`);
    if (how === 'emptied') assert.equal(fs.statSync(path.join(dir, 'paddy.db')).size, 0);
  }
});

test('a pseudo-filesystem or a file is refused fast, even with create', () => {
  for (const place of ['/proc/self/foo', '/proc/paddy-lib', '/sys/paddy-lib', '/dev/paddy-lib']) {
    const t0 = performance.now();
    assert.throws(() => openLibrary(place, { create: true }), (e: Error) => e instanceof LibraryError && /system folder|pseudo/.test(e.message), place);
    assert.ok(performance.now() - t0 < 1000, `${place} refused in ${performance.now() - t0} ms`);
  }
  const file = path.join(tempDir(), 'file.txt');
  fs.writeFileSync(file, 'x');
  assert.throws(() => openLibrary(file, { create: true }), /not a folder/);
  assert.throws(() => openLibrary(path.join(file, 'lib'), { create: true }), /not a folder/);
});
