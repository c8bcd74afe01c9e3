// `paddy doctor` end to end on real libraries: a byte-flipped paddy.db is reported, recovered into a new file
// that is swapped in (the damaged one kept, byte for byte), and the library then opens with the images that
// survived; a vanished paddy.db comes back from the newest backup.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { recoverLibrary } from '../../../src/main/db/recover';
import { openLibrary } from '../../../src/main/library';
import { damagedLibrary, sha256File } from '../../helpers/damaged-library';
import { importSmallRice } from '../../helpers/small-import';
import { tempDir } from '../../helpers/tmp';
import { paddy as runPaddy } from '../../helpers/cli';

const paddy = (...args: string[]) => runPaddy(args);

function imageCount(dir: string): number {
  const lib = openLibrary(dir);
  try {
    return Number(lib.db.prepare('SELECT COUNT(*) FROM images').pluck().get());
  } finally {
    lib.close();
  }
}

test('doctor reports a damaged paddy.db; --recover swaps in what survived and keeps the damaged file', { timeout: 300_000 }, async () => {
  const d = await damagedLibrary();
  const damagedSha = sha256File(d.db);
  const check = await paddy('doctor', '--library', d.dir, '--json');
  assert.equal(check.code, 1, check.err);
  const ex = JSON.parse(check.out);
  assert.equal(ex.state, 'damaged');
  assert.ok(ex.problems.length > 0);
  assert.equal(sha256File(d.db), damagedSha, 'checking writes nothing');

  const human = await paddy('doctor', '--library', d.dir);
  assert.equal(human.code, 1);
  assert.match(human.out, /DAMAGED/);
  assert.match(human.out, new RegExp(`paddy doctor --library ${d.dir} --recover`));

  const rec = await paddy('doctor', '--library', d.dir, '--recover', '--json');
  assert.equal(rec.code, 0, rec.err);
  const r = JSON.parse(rec.out);
  assert.ok(['sqlite3 .recover', 'table copy'].includes(r.recovery.method), r.recovery.method);
  assert.equal(r.images, d.images - d.inDamagedPage, `every image outside the damaged page survives (${d.images} − ${d.inDamagedPage})`);
  assert.match(path.basename(r.recovery.damagedKept), /^paddy\.damaged-.*\.db$/);
  assert.equal(sha256File(r.recovery.damagedKept), damagedSha, 'the damaged file is kept as it was');
  assert.deepEqual(fs.readdirSync(d.dir).filter((f) => f.startsWith('paddy.recovered-') || f.startsWith('.recovering-')), [], 'no work files left');

  assert.equal(imageCount(d.dir), d.images - d.inDamagedPage);
  const again = await paddy('doctor', '--library', d.dir, '--json');
  assert.equal(again.code, 0, again.out);
  assert.equal(JSON.parse(again.out).state, 'ok');
  const stats = await paddy('stats', '--library', d.dir, '--json');
  assert.equal(stats.code, 0, stats.err);
  assert.equal(JSON.parse(stats.out).total, d.images - d.inDamagedPage);
});

test('without the sqlite3 shell, recovery copies table by table what can be read, past the damaged page', async () => {
  const d = await damagedLibrary();
  const r = recoverLibrary(d.dir, { sqlite3: null });
  assert.equal(r.method, 'table copy');
  assert.equal(r.rows.images, d.images - d.inDamagedPage);
  assert.ok(r.rows.labels! >= r.rows.images!, 'labels of surviving images survive');
  assert.equal(imageCount(d.dir), d.images - d.inDamagedPage);
});

test('a vanished paddy.db is refused on open, and doctor --recover restores the newest backup', { timeout: 60_000 }, async () => {
  const dir = path.join(tempDir(), 'lib');
  const lib = openLibrary(dir, { create: true });
  await importSmallRice(lib);
  lib.close();
  openLibrary(dir).close(); // the day's backup
  fs.rmSync(path.join(dir, 'paddy.db'));
  for (const s of ['-wal', '-shm']) fs.rmSync(path.join(dir, `paddy.db${s}`), { force: true });
  assert.throws(() => openLibrary(dir, { create: true }), /paddy\.db is missing/);

  const check = await paddy('doctor', '--library', dir);
  assert.equal(check.code, 1);
  assert.match(check.out, /MISSING/);
  const rec = await paddy('doctor', '--library', dir, '--recover', '--json');
  assert.equal(rec.code, 0, rec.err);
  assert.equal(JSON.parse(rec.out).recovery.method, 'backup');
  assert.equal(imageCount(dir), 4);
});

test('doctor on a whole library says so and exits 0', async () => {
  const dir = tempDir();
  openLibrary(dir, { create: true }).close();
  const r = await paddy('doctor', '--library', dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /whole/);
});
