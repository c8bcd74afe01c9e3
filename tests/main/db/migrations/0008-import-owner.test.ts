import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/db/migrate';
import { MIGRATIONS } from '../../../../src/main/db/migrations';

test('0008-import-owner: imports keep the importing process (pid, host); older rows read as unknown', () => {
  const db = new Database(':memory:');
  assert.equal(migrate(db, MIGRATIONS, 7), 7);
  db.prepare(`INSERT INTO imports (id, folder, started_at, status) VALUES (1, '/old', '2024-01-01', 'running')`).run();
  assert.throws(() => db.prepare(`SELECT owner_pid FROM imports`).get(), /no such column/);
  assert.equal(migrate(db, MIGRATIONS, 8), 8);
  assert.deepEqual(db.prepare(`SELECT id, folder, status, owner_pid, owner_host FROM imports`).all(), [
    { id: 1, folder: '/old', status: 'running', owner_pid: null, owner_host: null },
  ]);
  db.prepare(`UPDATE imports SET owner_pid = 42, owner_host = 'box' WHERE id = 1`).run();
  assert.deepEqual(db.prepare(`SELECT owner_pid, owner_host FROM imports`).get(), { owner_pid: 42, owner_host: 'box' });
  assert.equal(migrate(db, MIGRATIONS), MIGRATIONS.length);
});
