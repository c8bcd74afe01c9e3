// A disk that fills up while `paddy train` runs: the run ends failed with the reason (never left `running`),
// and the CLI says why, on the terminal and in --json. The library sits on a real, small tmpfs; the disk is
// filled by a file once training is under way, so it is the run's own writes that hit the full disk.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../../src/main/library';
import { releaseReserve, reserveFile } from '../../../src/main/db/run-reserve';
import { setRunRunning } from '../../../src/main/repos/runs.repo';
import { createRun, getRun } from '../../../src/main/services/runs';
import { resolveConfig } from '../../../src/main/engine/config';
import { BIN } from '../../helpers/root';
import { makeTrainLibrary } from '../../helpers/train-lib';
import { tempDir } from '../../helpers/tmp';

const tiny = ['--model', 'cnn', '--image-size', '16', '--filters', '4', '--dense', '8', '--batch-size', '4', '--backend', 'wasm', '--epochs', '500'];
const FULL = /database or disk is full|no space left on device|ENOSPC/i;

/** Writes `file` until the filesystem has no room left. */
function fillDisk(file: string): void {
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  // The last partial block's worth, so not even one page is left.
  try {
    for (;;) fs.writeSync(fd, block, 0, 512);
  } catch {
    /* full */
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs `paddy train`; once `ready(stderr so far)` holds (training under way), fills the disk. */
function trainUntilFull(dir: string, fill: string, extra: string[], ready: (err: string) => boolean): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'train', ...tiny, '--library', dir, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let filled = false;
    const check = (): void => {
      if (filled || !ready(err)) return;
      filled = true;
      fillDisk(fill);
    };
    const poll = setInterval(check, 100);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      check();
    });
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, out, err });
    });
  });
}

test('a disk that fills during paddy train: the run ends failed with the reason, and the CLI reports it', { timeout: 600_000 }, async (t) => {
  const mnt = tempDir('paddy-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (e) {
    t.skip(`cannot mount a small tmpfs here (needs root): ${(e as Error).message.split('\n')[0]}`);
    return;
  }
  try {
    const lib = makeTrainLibrary(6, { classes: 2, dir: path.join(mnt, 'lib') });
    const dir = lib.dir;
    lib.close();
    const fill = path.join(mnt, 'fill');
    const epochs = new Database(path.join(dir, 'paddy.db'), { readonly: true });
    const epochRows = epochs.prepare('SELECT COUNT(*) AS n FROM run_epochs');

    // --json: no progress lines, so the first recorded epoch says training is under way.
    const j = await trainUntilFull(dir, fill, ['--json'], () => (epochRows.get() as { n: number }).n > 0);
    epochs.close();
    assert.equal(j.code, 1, j.err);
    const summary = JSON.parse(j.out) as { runId: string; status: string; error: string | null };
    assert.equal(summary.status, 'failed', j.out);
    assert.match(summary.error ?? '', FULL);
    assert.match(j.err, new RegExp(`run ${summary.runId} failed: .*(${FULL.source})`, 'i'));
    fs.rmSync(fill);

    // On a terminal-style run (progress lines on stderr), the same: one line with the reason, exit 1.
    const h = await trainUntilFull(dir, fill, [], (err) => /epoch 1:/.test(err));
    assert.equal(h.code, 1, h.err);
    assert.doesNotMatch(h.err, /\brunning\b/);
    const runId = /run (\S+):/.exec(h.err)?.[1];
    assert.ok(runId, h.err);
    assert.match(h.err, new RegExp(`run ${runId} failed: .*(${FULL.source})`, 'i'));
    fs.rmSync(fill);

    // With space back, every run reads as failed with why — none left running, none "interrupted".
    const runs = JSON.parse(execFileSync(process.execPath, [BIN, 'runs', '--library', dir, '--json'], { encoding: 'utf8' })) as Array<{ id: string; status: string; error: string | null }>;
    assert.deepEqual(runs.map((r) => r.status), ['failed', 'failed']);
    for (const r of runs) assert.match(r.error ?? '', FULL, JSON.stringify(r));
    assert.deepEqual(fs.readdirSync(path.join(dir, 'cache')).filter((f) => f.endsWith('.reserve')), [], 'no space held once the runs ended');
  } finally {
    try {
      execFileSync('umount', [mnt], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', mnt], { stdio: 'pipe' });
    }
  }
});

test('a failure its process could not write (the disk stayed full) is recorded with its reason by the next open', () => {
  const lib = makeTrainLibrary(2, { classes: 2 });
  const runId = createRun(lib, resolveConfig({ model: 'cnn', epochs: 1 }));
  assert.ok(fs.existsSync(reserveFile(lib.dir, runId)), 'a run holds space from its creation');
  // What a worker leaves when even the freed reserve was not enough: the reason in the released file, then death.
  const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
  setRunRunning(lib.db, runId, dead);
  releaseReserve(lib.dir, runId, 'database or disk is full');
  const dir = lib.dir;
  lib.close();
  const again = openLibrary(dir);
  const run = getRun(again, runId);
  assert.equal(run.status, 'failed');
  assert.equal(run.error, 'database or disk is full');
  assert.equal(fs.existsSync(reserveFile(dir, runId)), false);
  again.close();
});
