import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

test('0009-library-predictions: old rows become test predictions; unlabeled images may be predicted', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  assert.equal(migrate(db, MIGRATIONS, 8), 8);
  db.prepare(`INSERT INTO images (id, sha256, source_path, file_name, bytes, width, height, format, imported_at) VALUES (1, 'a', '/a.jpg', 'a.jpg', 1, 1, 1, 'jpeg', 'x'), (2, 'b', '/b.jpg', 'b.jpg', 1, 1, 1, 'jpeg', 'x')`).run();
  db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at) VALUES ('r', 'cnn', 'completed', '{}', 1, 'x')`).run();
  db.prepare(`INSERT INTO run_predictions VALUES ('r', 1, 3, 4, 0.5, 0.7, '[0.5,0.5]')`).run();
  assert.throws(() => db.prepare(`INSERT INTO run_predictions VALUES ('r', 2, NULL, 4, 0.5, NULL, '[0.5,0.5]')`).run(), /NOT NULL/);
  assert.equal(migrate(db, MIGRATIONS, 9), 9);
  assert.deepEqual(db.prepare(`SELECT image_id, true_class_id, split FROM run_predictions`).all(), [{ image_id: 1, true_class_id: 3, split: 'test' }]);
  db.prepare(`INSERT INTO run_predictions (run_id, image_id, true_class_id, predicted_class_id, confidence, loss, probs, split) VALUES ('r', 2, NULL, 4, 0.5, NULL, '[0.5,0.5]', NULL)`).run();
  assert.throws(() => db.prepare(`UPDATE run_predictions SET split = 'unsplit'`).run(), /CHECK/);
  // Deleting the run still deletes its predictions.
  db.prepare(`DELETE FROM runs`).run();
  assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM run_predictions`).get() as { n: number }).n, 0);
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
});
