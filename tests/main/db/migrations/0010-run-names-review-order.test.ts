import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

test('0010-run-names-review-order: runs get a name, a note and one default mark; reviews an order', () => {
  const db = new Database(':memory:');
  assert.equal(migrate(db, MIGRATIONS, 9), 9);
  const run = (id: string) =>
    db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at) VALUES (?, 'cnn', 'completed', '{}', 1, '2024-01-01')`).run(id);
  run('old-a');
  run('old-b');
  db.prepare(`INSERT INTO classes (id, name, position, created_at) VALUES (1, 'A', 0, '2024-01-01')`).run();
  db.prepare(`INSERT INTO imports (id, folder, started_at, status) VALUES (1, '/x', '2024-01-01', 'completed')`).run();
  for (const id of [1, 2]) {
    db.prepare(`INSERT INTO images (id, sha256, source_path, file_name, width, height, format, bytes, imported_at, import_id)
      VALUES (?, ?, ?, 'f.jpg', 1, 1, 'jpeg', 1, '2024-01-01', 1)`).run(id, `sha${id}`, `/x/${id}.jpg`);
  }
  db.prepare(`INSERT INTO suspect_reviews (image_id, decision, decided_at) VALUES (2, 'keep', '2024-01-01T00:00:00Z')`).run();
  db.prepare(`INSERT INTO suspect_reviews (image_id, decision, decided_at) VALUES (1, 'keep', '2024-01-02T00:00:00Z')`).run();
  assert.equal(migrate(db, MIGRATIONS, 10), 10);
  assert.deepEqual(db.prepare(`SELECT id, name, note, is_default FROM runs ORDER BY id`).all(), [
    { id: 'old-a', name: null, note: null, is_default: 0 },
    { id: 'old-b', name: null, note: null, is_default: 0 },
  ]);
  db.prepare(`UPDATE runs SET is_default = 1 WHERE id = 'old-a'`).run();
  assert.throws(() => db.prepare(`UPDATE runs SET is_default = 1 WHERE id = 'old-b'`).run(), /UNIQUE/, 'one default at most');
  // Older decisions are ordered by when they were taken.
  assert.deepEqual(db.prepare(`SELECT image_id, seq FROM suspect_reviews ORDER BY seq`).all(), [
    { image_id: 2, seq: 1 },
    { image_id: 1, seq: 2 },
  ]);
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
});
