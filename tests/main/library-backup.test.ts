// Online backups of paddy.db into <lib>/backups/: one before a migration changes an existing database, one at
// most once a day on open, and only the newest three are kept. Real libraries, real backup files.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { backupLibrary, listBackups } from '../../src/main/db/backup';
import { migrate } from '../../src/main/db/migrate';
import { MIGRATIONS } from '../../src/main/db/migrations';
import { openLibrary } from '../../src/main/library';
import { tempDir } from '../helpers/tmp';

const LATEST = MIGRATIONS.length;

test('opening a library written by an older Paddy backs it up before migrating, as it was', () => {
  const dir = tempDir();
  const old = new Database(path.join(dir, 'paddy.db'));
  old.pragma('journal_mode = WAL');
  migrate(old, MIGRATIONS, LATEST - 1);
  old.prepare(`INSERT INTO classes (name, created_at) VALUES ('Arborio', '2024-01-01')`).run();
  old.close();
  fs.mkdirSync(path.join(dir, 'thumbs'));

  const lib = openLibrary(dir);
  assert.equal(lib.db.pragma('user_version', { simple: true }), LATEST);
  lib.close();
  const backups = listBackups(dir);
  assert.equal(backups.length, 1);
  assert.match(path.basename(backups[0]!), /^paddy-\d{4}-\d{2}-\d{2}T[\d-]+Z\.db$/);
  const copy = new Database(backups[0]!, { readonly: true });
  assert.equal(copy.pragma('user_version', { simple: true }), LATEST - 1, 'the copy is the database before the migration');
  assert.deepEqual(copy.prepare('SELECT name FROM classes').pluck().all(), ['Arborio']);
  assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
  copy.close();
});

test('a new library is not backed up; an existing one once a day on open; rotation keeps the newest 3', () => {
  const dir = tempDir();
  openLibrary(dir, { create: true }).close();
  assert.deepEqual(listBackups(dir), [], 'nothing to protect in a library just created');
  openLibrary(dir).close();
  assert.equal(listBackups(dir).length, 1, 'the first open of the day backs up');
  openLibrary(dir).close();
  assert.equal(listBackups(dir).length, 1, 'at most once a day');
  // Yesterday's backup does not count for today.
  const only = listBackups(dir)[0]!;
  fs.renameSync(only, path.join(path.dirname(only), 'paddy-2000-01-01T00-00-00-000Z.db'));
  openLibrary(dir).close();
  assert.equal(listBackups(dir).length, 2);

  const lib = openLibrary(dir);
  for (let day = 2; day <= 6; day++) backupLibrary(lib.db, dir, new Date(Date.UTC(2000, 0, day)));
  lib.close();
  const kept = listBackups(dir).map((f) => path.basename(f));
  assert.equal(kept.length, 3);
  assert.ok(kept.every((f) => f.startsWith('paddy-')));
  assert.ok(!kept.some((f) => f.startsWith('paddy-2000-01-0') && f < 'paddy-2000-01-05'), `oldest dropped: ${kept.join(', ')}`);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'backups')).filter((f) => !f.endsWith('.db')), [], 'no temporary files left');
});
