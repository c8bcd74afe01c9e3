import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

const count = (db: Database.Database, table: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

test('0002-runs: migrates from 1, keeps the images, stores runs with their snapshot, epochs, predictions and defaults', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  assert.equal(migrate(db, MIGRATIONS, 1), 1);
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO classes (name, created_at) VALUES ('Arborio', ?), ('Basmati', ?)`).run(now, now);
  const addImage = db.prepare(
    `INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at) VALUES (?, ?, ?, 250, 250, 'jpeg', 10, ?)`,
  );
  addImage.run('aa', '/x/a.jpg', 'a.jpg', now);
  addImage.run('bb', '/x/b.jpg', 'b.jpg', now);
  db.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (1, 1, 'folder', ?), (2, 2, 'folder', ?)`).run(now, now);

  assert.equal(migrate(db, MIGRATIONS, 2), 2);
  assert.equal(count(db, 'images'), 2);
  assert.equal(count(db, 'labels'), 2);

  db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at) VALUES ('r1', 'cnn', 'queued', '{}', 1, ?)`).run(now);
  // Columns a new run has not filled yet read as their defaults.
  assert.deepEqual(db.prepare(`SELECT image_count, classes, seconds, snapshot_hash, test_metrics FROM runs WHERE id = 'r1'`).get(), {
    image_count: 0,
    classes: '[]',
    seconds: '{}',
    snapshot_hash: null,
    test_metrics: null,
  });
  assert.throws(() => db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at) VALUES ('r2', 'resnet', 'queued', '{}', 1, ?)`).run(now), /CHECK/);
  assert.throws(() => db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at) VALUES ('r2', 'cnn', 'paused', '{}', 1, ?)`).run(now), /CHECK/);

  db.prepare(`INSERT INTO run_images (run_id, image_id, class_id, split) VALUES ('r1', 1, 1, 'train'), ('r1', 2, 2, 'test')`).run();
  assert.throws(() => db.prepare(`INSERT INTO run_images (run_id, image_id, class_id, split) VALUES ('r1', 2, 2, 'holdout')`).run(), /CHECK/);
  assert.throws(() => db.prepare(`INSERT INTO run_images (run_id, image_id, class_id, split) VALUES ('nope', 1, 1, 'train')`).run(), /FOREIGN KEY/);
  db.prepare(`INSERT INTO run_epochs (run_id, epoch, loss, accuracy, seconds) VALUES ('r1', 1, 0.9, 0.5, 1.5)`).run();
  db.prepare(
    `INSERT INTO run_predictions (run_id, image_id, true_class_id, predicted_class_id, confidence, loss, probs) VALUES ('r1', 2, 2, 1, 0.7, 1.2, '[0.7,0.3]')`,
  ).run();
  db.prepare(`INSERT INTO feature_cache (extractor, sha256, dims, vec) VALUES ('mobilenet', 'aa', 2, x'0000803f00000040')`).run();
  assert.throws(() => db.prepare(`INSERT INTO feature_cache (extractor, sha256, dims, vec) VALUES ('mobilenet', 'aa', 2, x'00')`).run(), /UNIQUE/);
  const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).all() as Array<{ name: string }>).map((r) => r.name);
  assert.ok(indexes.includes('run_predictions_image'));

  // A run's rows go with it; an image's rows in any run go with the image.
  db.prepare(`DELETE FROM images WHERE id = 1`).run();
  assert.equal(count(db, 'run_images'), 1);
  db.prepare(`DELETE FROM runs WHERE id = 'r1'`).run();
  assert.deepEqual([count(db, 'run_images'), count(db, 'run_epochs'), count(db, 'run_predictions')], [0, 0, 0]);
  assert.equal(count(db, 'feature_cache'), 1, 'the feature cache is keyed by content, not by run');
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
});
