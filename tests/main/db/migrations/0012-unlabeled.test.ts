import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

test('0012-unlabeled: one suggestion per image, dropped with its image, run or class', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  assert.equal(migrate(db, MIGRATIONS, 12), 12);
  db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at) VALUES ('r1', 'cnn', 'completed', '{}', 1, '2024-01-01')`).run();
  db.prepare(`INSERT INTO classes (id, name, position, created_at) VALUES (1, 'A', 0, '2024-01-01'), (2, 'B', 1, '2024-01-01')`).run();
  for (const id of [1, 2, 3]) {
    db.prepare(`INSERT INTO images (id, sha256, source_path, file_name, width, height, format, bytes, imported_at)
      VALUES (?, ?, ?, 'f.jpg', 1, 1, 'jpeg', 1, '2024-01-01')`).run(id, `sha${id}`, `/x/${id}.jpg`);
  }
  assert.equal(migrate(db, MIGRATIONS, 12), 12);
  const put = db.prepare(`INSERT INTO suggestions (image_id, run_id, class_id, confidence, margin, entropy, probs, calibrated, created_at)
    VALUES (?, 'r1', ?, 0.9, 0.8, 0.3, '[0.9,0.1]', ?, '2024-01-02')`);
  put.run(1, 1, 0);
  put.run(2, 2, 1);
  put.run(3, 1, 0);
  assert.throws(() => put.run(1, 2, 0), /UNIQUE|PRIMARY/, 'one suggestion per image');
  assert.throws(() => put.run(2, 1, 2), /CHECK/, 'calibrated is a flag');
  db.prepare(`DELETE FROM images WHERE id = 3`).run();
  db.prepare(`DELETE FROM classes WHERE id = 2`).run();
  assert.deepEqual(db.prepare(`SELECT image_id FROM suggestions ORDER BY image_id`).all(), [{ image_id: 1 }]);
  db.prepare(`DELETE FROM runs WHERE id = 'r1'`).run();
  assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM suggestions`).get() as { n: number }).n, 0);
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
});
