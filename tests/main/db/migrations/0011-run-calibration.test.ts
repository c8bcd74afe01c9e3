import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

test('0011-run-calibration: one calibration row per run, removed with its run', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  assert.equal(migrate(db, MIGRATIONS, 10), 10);
  db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at) VALUES ('old', 'cnn', 'completed', '{}', 1, '2024-01-01')`).run();
  assert.equal(migrate(db, MIGRATIONS, 11), 11);
  const insert = db.prepare(`INSERT INTO run_calibration (run_id, temperature, summary, computed_at) VALUES (?, ?, '{}', '2024-01-02')`);
  insert.run('old', 1.7);
  assert.throws(() => insert.run('old', 1.2), /UNIQUE|PRIMARY KEY/, 'one row per run');
  assert.throws(() => insert.run('nope', 1.2), /FOREIGN KEY/);
  assert.throws(() => db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at) VALUES ('x', 'cnn', 'completed', '{}', 1, '2024-01-01')`).run() && insert.run('x', 0), /CHECK/);
  assert.deepEqual(db.prepare(`SELECT run_id, temperature FROM run_calibration`).all(), [{ run_id: 'old', temperature: 1.7 }]);
  db.prepare(`DELETE FROM runs WHERE id = 'old'`).run();
  assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM run_calibration`).get() as { n: number }).n, 0);
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
});
