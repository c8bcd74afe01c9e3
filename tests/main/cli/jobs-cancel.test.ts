// Ctrl-C during `paddy suspects` cancels the scan in its worker the way `paddy train` cancels a run: exit 130,
// one line saying so, nothing saved, no worker left behind.
import assert from 'node:assert/strict';
import { BIN } from '../../helpers/root';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { makeTrainLibrary } from '../../helpers/train-lib';
import { MOBILENET_DIR } from '../../helpers/tmp';


/** Pids of a process's training workers (child_process.fork of train.worker.ts; tsx's esbuild is a child too). */
function workersOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'train\\.worker'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('Ctrl-C during paddy suspects cancels the scan: exit 130, one line, nothing saved, the worker gone', async () => {
  // 120 images: features for a second or so, then 20 fold models; Ctrl-C lands once features are being stored.
  const lib = makeTrainLibrary(60, { classes: 2 });
  const dir = lib.dir;
  const featureRows = lib.db.prepare('SELECT COUNT(*) AS n FROM feature_cache');
  const child = spawn(process.execPath, [BIN, 'suspects', '--library', dir, '--alpha', '0.35', '--weights', MOBILENET_DIR, '--folds', '20'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  for (let i = 0; i < 600 && child.exitCode === null && (featureRows.get() as { n: number }).n === 0; i++) await new Promise((r) => setTimeout(r, 50));
  const workers = workersOf(child.pid!);
  assert.equal(workers.length, 1, `the scan is running in a job worker (stderr: ${err})`);
  child.kill('SIGINT');
  const code = await closed;
  assert.equal(code, 130, err);
  assert.equal(out, '');
  assert.deepEqual(err.trim().split('\n'), ['paddy suspects: suspects.scan was cancelled']);
  assert.ok(!alive(workers[0]!), 'the job worker ended with the CLI');
  assert.deepEqual(lib.db.prepare('SELECT COUNT(*) AS n FROM suspect_scans').get(), { n: 0 });
  lib.close();
});
