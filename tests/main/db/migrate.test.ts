import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate, type Migration } from '../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../src/main/db/migrations';
import { openLibrary } from '../../../src/main/library';
import { tempDir } from '../../helpers/tmp';

test('the runner refuses a migration list with a gap in its numbers', () => {
  const db = new Database(':memory:');
  const gap: Migration[] = [
    { version: 1, name: 'a', up: 'CREATE TABLE a (x)' },
    { version: 3, name: 'c', up: 'CREATE TABLE c (x)' },
  ];
  assert.throws(() => migrate(db, gap), /without gaps \(found 3 at 2\)/);
  assert.equal(db.pragma('user_version', { simple: true }), 0, 'nothing was applied');
});

test('a migration that fails is rolled back whole and leaves the database at the version before it', () => {
  const db = new Database(':memory:');
  const list: Migration[] = [
    { version: 1, name: 'a', up: 'CREATE TABLE a (x)' },
    { version: 2, name: 'b', up: 'CREATE TABLE b (x); INSERT INTO a VALUES (1); INSERT INTO missing VALUES (1);' },
  ];
  assert.throws(() => migrate(db, list), /no such table: missing/);
  assert.equal(db.pragma('user_version', { simple: true }), 1);
  assert.equal(db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'b'`).pluck().get(), 0);
  assert.equal(db.prepare(`SELECT COUNT(*) AS n FROM a`).pluck().get(), 0);
  // Fixed, it applies on the next open.
  list[1] = { version: 2, name: 'b', up: 'CREATE TABLE b (x)' };
  assert.equal(migrate(db, list), 2);
});

test('a library refuses a schema newer than this build', () => {
  const dir = tempDir();
  const lib = openLibrary(dir, { create: true });
  lib.db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
  lib.close();
  assert.throws(() => openLibrary(dir), /newer Paddy/);
});

test('opening a library marks an import left running by a killed process as interrupted', () => {
  const dir = tempDir();
  const lib = openLibrary(dir, { create: true });
  lib.db.prepare(`INSERT INTO imports (folder, started_at, status) VALUES ('/f', ?, 'running')`).run(new Date().toISOString());
  lib.close();
  const again = openLibrary(dir, { create: true });
  assert.equal((again.db.prepare('SELECT status FROM imports').get() as { status: string }).status, 'interrupted');
  assert.equal(again.db.pragma('journal_mode', { simple: true }), 'wal');
  again.close();
});

test('processes opening a new library at the same moment do not run a migration twice', async () => {
  const { spawn } = await import('node:child_process');
  const dir = tempDir();
  const script = `import { openLibrary } from ${JSON.stringify(new URL('../../../src/main/library.ts', import.meta.url).pathname)};
    const lib = openLibrary(${JSON.stringify(dir)}, { create: true }); console.log(lib.db.pragma('user_version', { simple: true })); lib.close();`;
  const run = () =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code) => resolve({ code, out, err }));
    });
  const results = await Promise.all([run(), run(), run(), run()]);
  for (const r of results) {
    assert.equal(r.code, 0, r.err);
    assert.equal(Number(r.out.trim()), MIGRATIONS.length);
  }
});
