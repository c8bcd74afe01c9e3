// A damaged paddy.db (bytes flipped inside a table page, as a bad sector leaves it) is refused on open with
// what to do, and nothing is written into it: the file keeps its bytes, no write connection touches it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LibraryError, openLibrary } from '../../src/main/library';
import { damagedLibrary, sha256File } from '../helpers/damaged-library';

test('a library whose paddy.db has a garbled table page is refused, and the file is left exactly as it was', async () => {
  const d = await damagedLibrary();
  const before = sha256File(d.db);
  const files = fs.readdirSync(d.dir).sort();
  for (const create of [false, true]) {
    assert.throws(
      () => openLibrary(d.dir, { create }),
      (e: Error) =>
        e instanceof LibraryError &&
        e.message.includes('paddy.db is damaged') &&
        e.message.includes(`paddy doctor --library ${d.dir}`) &&
        e.message.includes('the damaged file is kept'),
    );
  }
  assert.equal(sha256File(d.db), before, 'not one byte written');
  // A read-only SQLite connection may leave its empty side files (-wal, -shm); nothing with content.
  const sidecar = (f: string) => f.endsWith('-shm') || f.endsWith('-wal');
  assert.deepEqual(fs.readdirSync(d.dir).sort().filter((f) => !sidecar(f)), files.filter((f) => !sidecar(f)));
  const wal = path.join(d.dir, 'paddy.db-wal');
  if (fs.existsSync(wal)) assert.equal(fs.statSync(wal).size, 0, 'no write went into the WAL either');
  assert.equal(fs.existsSync(path.join(d.dir, 'backups')), false, 'no backup of a damaged file either');
});
