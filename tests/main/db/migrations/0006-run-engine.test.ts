import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

test('0006-run-engine: runs keep the engine that trained them; older rows read as unknown', () => {
  const db = new Database(':memory:');
  assert.equal(migrate(db, MIGRATIONS, 5), 5);
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO runs (id, model, status, config, seed, backend, created_at, worker_pid, worker_host)
    VALUES ('old', 'cnn', 'completed', '{"epochs":2}', 7, 'wasm', ?, 42, 'box')`).run(now);
  assert.throws(() => db.prepare(`SELECT engine FROM runs`).get(), /no such column/);
  assert.equal(migrate(db, MIGRATIONS, 6), 6);
  const old = db.prepare(`SELECT id, model, status, config, seed, backend, created_at, worker_pid, worker_host, engine FROM runs WHERE id = 'old'`).get();
  assert.deepEqual(old, { id: 'old', model: 'cnn', status: 'completed', config: '{"epochs":2}', seed: 7, backend: 'wasm', created_at: now, worker_pid: 42, worker_host: 'box', engine: null });
  db.prepare(`UPDATE runs SET engine = 'onnxruntime-cpu, 2 worker threads' WHERE id = 'old'`).run();
  assert.equal((db.prepare(`SELECT engine FROM runs`).get() as { engine: string }).engine, 'onnxruntime-cpu, 2 worker threads');
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
});
