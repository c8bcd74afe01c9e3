import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

test('0005-run-workers: runs keep the training process (pid, host); older rows read as unknown', () => {
  const db = new Database(':memory:');
  assert.equal(migrate(db, MIGRATIONS, 4), 4);
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at) VALUES ('old', 'cnn', 'running', '{}', 1, ?)`).run(now);
  assert.throws(() => db.prepare(`SELECT worker_pid FROM runs`).get(), /no such column/);
  assert.equal(migrate(db, MIGRATIONS, 5), 5);
  assert.deepEqual(db.prepare(`SELECT id, status, created_at FROM runs`).all(), [{ id: 'old', status: 'running', created_at: now }]);
  const old = db.prepare(`SELECT worker_pid, worker_host FROM runs WHERE id = 'old'`).get() as { worker_pid: number | null; worker_host: string | null };
  assert.deepEqual(old, { worker_pid: null, worker_host: null });
  db.prepare(`UPDATE runs SET worker_pid = 123, worker_host = 'box' WHERE id = 'old'`).run();
  assert.deepEqual(db.prepare(`SELECT worker_pid, worker_host FROM runs`).get(), { worker_pid: 123, worker_host: 'box' });
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
});
