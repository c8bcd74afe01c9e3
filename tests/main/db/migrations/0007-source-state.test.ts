import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

test('0007-source-state: images gain mtime (NULL = hash on first check) and a source state (ok); runs count excluded images', () => {
  const db = new Database(':memory:');
  assert.equal(migrate(db, MIGRATIONS, 6), 6);
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at)
    VALUES ('aa', '/x/A/a.jpg', 'a.jpg', 2, 2, 'jpeg', 10, ?)`).run(now);
  db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at) VALUES ('r', 'cnn', 'completed', '{}', 1, ?)`).run(now);
  assert.throws(() => db.prepare(`SELECT source_state FROM images`).get(), /no such column/);
  assert.equal(migrate(db, MIGRATIONS, 7), 7);
  assert.deepEqual(db.prepare(`SELECT sha256, bytes, mtime_ms, source_state, source_checked_at FROM images`).get(),
    { sha256: 'aa', bytes: 10, mtime_ms: null, source_state: 'ok', source_checked_at: null });
  assert.deepEqual(db.prepare(`SELECT id, excluded_missing FROM runs`).get(), { id: 'r', excluded_missing: 0 });
  db.prepare(`UPDATE images SET source_state = 'changed', mtime_ms = 1700000000123.5`).run();
  assert.equal((db.prepare(`SELECT mtime_ms FROM images`).get() as { mtime_ms: number }).mtime_ms, 1700000000123.5);
  assert.throws(() => db.prepare(`UPDATE images SET source_state = 'gone'`).run(), /CHECK constraint/);
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
});
