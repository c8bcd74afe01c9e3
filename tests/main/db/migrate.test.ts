import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../src/main/db/migrations';
import { openLibrary } from '../../../src/main/library';
import { tempDir } from '../../helpers/tmp';

test('0001-init: creates the schema, sets user_version, and enforces its constraints', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  assert.equal(migrate(db, MIGRATIONS, 1), 1);
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO classes (name, created_at) VALUES ('Arborio', ?)`).run(now);
  db.prepare(
    `INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at) VALUES ('aa', '/x/a.jpg', 'a.jpg', 250, 250, 'jpeg', 10, ?)`,
  ).run(now);
  db.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (1, 1, 'folder', ?)`).run(now);
  assert.throws(() => db.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (1, 99, 'folder', ?)`).run(now));
  assert.throws(() => db.prepare(`INSERT INTO splits (image_id, split, assigned_at) VALUES (1, 'holdout', ?)`).run(now));
  assert.throws(() =>
    db.prepare(
      `INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at) VALUES ('aa', '/y', 'y', 1, 1, 'png', 1, ?)`,
    ).run(now),
  );
  // migrating again is a no-op
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
  assert.equal((db.prepare('SELECT COUNT(*) n FROM images').get() as { n: number }).n, 1);
});

test('a library refuses a schema newer than this build', () => {
  const dir = tempDir();
  const lib = openLibrary(dir);
  lib.db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
  lib.close();
  assert.throws(() => openLibrary(dir), /newer Paddy/);
});

test('opening a library marks an import left running by a killed process as interrupted', () => {
  const dir = tempDir();
  const lib = openLibrary(dir);
  lib.db.prepare(`INSERT INTO imports (folder, started_at, status) VALUES ('/f', ?, 'running')`).run(new Date().toISOString());
  lib.close();
  const again = openLibrary(dir);
  assert.equal((again.db.prepare('SELECT status FROM imports').get() as { status: string }).status, 'interrupted');
  assert.equal(again.db.pragma('journal_mode', { simple: true }), 'wal');
  again.close();
});

test('processes opening a new library at the same moment do not run a migration twice', async () => {
  const { spawn } = await import('node:child_process');
  const dir = tempDir();
  const script = `import { openLibrary } from ${JSON.stringify(new URL('../../../src/main/library.ts', import.meta.url).pathname)};
    const lib = openLibrary(${JSON.stringify(dir)}); console.log(lib.db.pragma('user_version', { simple: true })); lib.close();`;
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
