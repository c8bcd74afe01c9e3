import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

test('0003-suspects: migrates from 2, keeps data, stores suspects and reviews with their constraints', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  assert.equal(migrate(db, MIGRATIONS, 2), 2);
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO classes (name, created_at) VALUES ('Arborio', ?), ('Basmati', ?)`).run(now, now);
  db.prepare(
    `INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at) VALUES ('aa', '/x/a.jpg', 'a.jpg', 250, 250, 'jpeg', 10, ?)`,
  ).run(now);
  assert.equal(migrate(db, MIGRATIONS, 3), 3);
  assert.equal((db.prepare('SELECT COUNT(*) n FROM images').get() as { n: number }).n, 1);

  db.prepare(
    `INSERT INTO suspect_scans (started_at, finished_at, folds, extractor, scanned, seconds, classes) VALUES (?, ?, 5, 'x', 1, 0.1, '[]')`,
  ).run(now, now);
  db.prepare(
    `INSERT INTO suspects (scan_id, image_id, kind, rank, label_class_id, suggested_class_id, score, probs) VALUES (1, 1, 'label', 0, 1, 2, 0.9, '{}')`,
  ).run();
  assert.throws(() =>
    db.prepare(
      `INSERT INTO suspects (scan_id, image_id, kind, rank, label_class_id, suggested_class_id, score, probs) VALUES (1, 1, 'weird', 0, 1, 2, 0.9, '{}')`,
    ).run(),
  );
  db.prepare(`INSERT INTO suspect_reviews (image_id, decision, label_before, label_after, decided_at) VALUES (1, 'accept', 1, 2, ?)`).run(now);
  assert.throws(() =>
    db.prepare(`INSERT INTO suspect_reviews (image_id, decision, decided_at) VALUES (1, 'maybe', ?)`).run(now),
  );
  // deleting the scan drops its suspects; deleting the image drops its review
  db.prepare('DELETE FROM suspect_scans').run();
  assert.equal((db.prepare('SELECT COUNT(*) n FROM suspects').get() as { n: number }).n, 0);
  db.prepare('DELETE FROM images').run();
  assert.equal((db.prepare('SELECT COUNT(*) n FROM suspect_reviews').get() as { n: number }).n, 0);
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
});
