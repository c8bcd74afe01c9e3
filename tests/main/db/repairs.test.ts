// Open-time repair (src/main/db/repairs.ts): what a killed process left unfinished is marked so when a library
// opens — its imports interrupted, its runs failed ("interrupted") — unless the process that owns a run is alive
// on this machine. Real library files, a real dead process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { test } from 'node:test';
import { repairAfterCrash } from '../../../src/main/db/repairs';
import { openLibrary, type Library } from '../../../src/main/library';
import { getRun } from '../../../src/main/services/runs';
import { tempDir } from '../../helpers/tmp';

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  assert.ok(r.pid > 0);
  return r.pid;
}

function addRun(lib: Library, id: string, status: string, pid: number | null, host: string | null, error: string | null = null): void {
  lib.db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at, worker_pid, worker_host, error)
    VALUES (?, 'cnn', ?, '{}', 1, ?, ?, ?, ?)`).run(id, status, new Date().toISOString(), pid, host, error);
}

test('opening a library marks a run left running by a dead process as failed (interrupted), not a live one', () => {
  const lib = openLibrary(tempDir(), { create: true });
  addRun(lib, 'dead-run', 'running', deadPid(), os.hostname());
  addRun(lib, 'live-run', 'running', process.pid, os.hostname());
  const dir = lib.dir;
  lib.close();
  const again = openLibrary(dir);
  assert.equal(getRun(again, 'dead-run').status, 'failed');
  assert.match(getRun(again, 'dead-run').error!, /interrupted/);
  assert.ok(getRun(again, 'dead-run').finishedAt);
  assert.equal(getRun(again, 'live-run').status, 'running');
  again.close();
});

test('one repair marks imports and runs; owners elsewhere or unknown count as gone; finished rows and reasons stay', () => {
  const lib = openLibrary(tempDir(), { create: true });
  const db = lib.db;
  db.prepare(`INSERT INTO imports (folder, started_at, status) VALUES ('/a', ?, 'running')`).run(new Date().toISOString());
  db.prepare(`INSERT INTO imports (folder, started_at, finished_at, status) VALUES ('/b', ?, ?, 'completed')`).run('2024-01-01', '2024-01-02');
  addRun(lib, 'queued-no-owner', 'queued', null, null);
  // A pid alive here means nothing for a run recorded on another machine (a library on a shared drive).
  addRun(lib, 'other-host', 'running', process.pid, `${os.hostname()}-elsewhere`);
  addRun(lib, 'had-reason', 'running', deadPid(), os.hostname(), 'out of memory');
  addRun(lib, 'live-queued', 'queued', process.pid, os.hostname());
  addRun(lib, 'done', 'completed', deadPid(), os.hostname());

  assert.deepEqual(repairAfterCrash(db), { imports: 1, runs: 3 });
  const importStatus = db.prepare('SELECT folder, status, finished_at IS NOT NULL AS finished FROM imports ORDER BY id').all();
  assert.deepEqual(importStatus, [{ folder: '/a', status: 'interrupted', finished: 1 }, { folder: '/b', status: 'completed', finished: 1 }]);
  assert.equal(getRun(lib, 'queued-no-owner').status, 'failed');
  assert.equal(getRun(lib, 'other-host').status, 'failed');
  assert.deepEqual([getRun(lib, 'had-reason').status, getRun(lib, 'had-reason').error], ['failed', 'out of memory']);
  assert.equal(getRun(lib, 'live-queued').status, 'queued');
  assert.deepEqual([getRun(lib, 'done').status, getRun(lib, 'done').error], ['completed', null]);

  assert.deepEqual(repairAfterCrash(db), { imports: 0, runs: 0 }, 'a second repair finds nothing left');
  lib.close();
});

test('a second process opening the library leaves a live importer\'s import running; a dead importer\'s becomes interrupted', async () => {
  const { spawn } = await import('node:child_process');
  const { createImport } = await import('../../../src/main/repos/imports.repo');
  const lib = openLibrary(tempDir(), { create: true });
  const live = createImport(lib.db, '/live'); // owned by this process, which is alive
  const dead = createImport(lib.db, '/dead');
  lib.db.prepare('UPDATE imports SET owner_pid = ? WHERE id = ?').run(deadPid(), dead);
  const script = `import { openLibrary } from ${JSON.stringify(new URL('../../../src/main/library.ts', import.meta.url).pathname)};
    openLibrary(${JSON.stringify(lib.dir)}).close();`;
  const code = await new Promise<number | null>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'inherit' });
    p.on('close', resolve);
  });
  assert.equal(code, 0);
  const status = (id: number) => (lib.db.prepare('SELECT status FROM imports WHERE id = ?').get(id) as { status: string }).status;
  assert.equal(status(live), 'running', 'the live importer keeps its import');
  assert.equal(status(dead), 'interrupted');
  lib.close();
});
