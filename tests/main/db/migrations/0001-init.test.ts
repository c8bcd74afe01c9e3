import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

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
