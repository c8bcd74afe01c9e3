import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

test('0004-browse: migrates from 3, keeps classes visible, records merges, adds the browse indexes', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  assert.equal(migrate(db, MIGRATIONS, 3), 3);
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO classes (name, created_at) VALUES ('Arborio', ?), ('Basmati', ?)`).run(now, now);
  assert.equal(migrate(db, MIGRATIONS, 4), 4);
  assert.deepEqual(db.prepare('SELECT name, hidden FROM classes ORDER BY id').all(), [
    { name: 'Arborio', hidden: 0 },
    { name: 'Basmati', hidden: 0 },
  ]);
  assert.throws(() => db.prepare('UPDATE classes SET hidden = 2 WHERE id = 1').run(), /CHECK/);
  db.prepare('INSERT INTO class_merges (batch_id, from_id, into_id, at) VALUES (7, 2, 1, ?)').run(now);
  assert.throws(() => db.prepare('INSERT INTO class_merges (batch_id, from_id, into_id, at) VALUES (8, 99, 1, ?)').run(now), /FOREIGN KEY/);
  const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).all() as Array<{ name: string }>).map((r) => r.name);
  for (const name of ['images_imported_at', 'images_conflict', 'label_journal_undo', 'run_predictions_confidence', 'run_predictions_loss', 'run_predictions_cell']) {
    assert.ok(indexes.includes(name), `index ${name} exists`);
  }
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
});
