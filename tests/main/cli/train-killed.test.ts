// `paddy train` killed outright (SIGKILL: no Ctrl-C, no cleanup) while its worker trains: the orphaned worker
// stops and the run reads as failed (interrupted), as the README says — not cancelled, and never left running.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';
import { BIN } from '../../helpers/root';
import { makeTrainLibrary } from '../../helpers/train-lib';

const tiny = ['--model', 'cnn', '--image-size', '16', '--filters', '4', '--dense', '8', '--batch-size', '4', '--backend', 'wasm', '--epochs', '500'];

/** Pids of a process's training workers (child_process.fork of train.worker.ts). */
function workersOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'train\\.worker'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('SIGKILL of paddy train mid-epoch: its worker stops and the run is failed (interrupted)', { timeout: 300_000 }, async () => {
  const lib = makeTrainLibrary(6, { classes: 2 });
  const dir = lib.dir;
  lib.close();
  const child = spawn(process.execPath, [BIN, 'train', ...tiny, '--library', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const closed = new Promise<void>((r) => child.on('close', () => r()));
  await until('the first epoch', () => /epoch 1:/.test(err), 180_000);
  const workers = workersOf(child.pid!);
  assert.equal(workers.length, 1, `one training worker under the CLI (${err})`);
  child.kill('SIGKILL');
  await closed;

  // The orphan notices its parent is gone, stops at the next batch and records the end itself.
  await until('the orphaned worker to exit', () => !alive(workers[0]!), 120_000);
  const runs = JSON.parse(execFileSync(process.execPath, [BIN, 'runs', '--library', dir, '--json'], { encoding: 'utf8' })) as Array<{ status: string; error: string | null; finishedAt: string | null }>;
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.status, 'failed', JSON.stringify(runs[0]));
  assert.match(runs[0]!.error ?? '', /^interrupted: .*killed/);
  assert.ok(runs[0]!.finishedAt);
});
