// `paddy run ID --name/--note/--default` in a real process on a real library: what it sets is what `paddy runs
// --json` lists afterwards, and --no-default hands the default back to the best val accuracy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { BIN } from '../../helpers/root';
import { fixtureLibrary, insertRun } from '../../helpers/fixture-library';

function paddy(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

test('paddy run names, annotates and marks a run; paddy runs --json shows it', async () => {
  const fx = fixtureLibrary({ perClass: 1 });
  insertRun(fx.lib.db, 'run-a', ['Arborio'], [], { createdAt: '2026-01-01T00:00:00Z' });
  insertRun(fx.lib.db, 'run-b', ['Arborio'], [], { createdAt: '2026-01-02T00:00:00Z' });
  fx.lib.db.prepare(`INSERT INTO run_epochs (run_id, epoch, loss, accuracy, val_loss, val_accuracy, seconds) VALUES ('run-a', 1, 1, 0.5, 1, 0.9, 1)`).run();
  fx.lib.close();
  const dir = fx.lib.dir;
  const set = await paddy('run', 'run-b', '--library', dir, '--name', 'small cnn', '--note', 'lr 0.01', '--default');
  assert.equal(set.code, 0, set.err);
  assert.match(set.out, /run-b {2}"small cnn" {2}completed {2}default model \(marked\)/);
  assert.match(set.out, /note: lr 0.01/);
  const listed = JSON.parse((await paddy('runs', '--library', dir, '--json')).out) as Array<Record<string, unknown>>;
  assert.deepEqual(
    listed.map((r) => [r.id, r.name, r.note, r.marked, r.isDefault]),
    [['run-b', 'small cnn', 'lr 0.01', true, true], ['run-a', null, null, false, false]],
  );
  // The text table names each run and stars the default.
  const table = (await paddy('runs', '--library', dir)).out.split('\n');
  assert.match(table.find((l) => l.includes('run-b')) ?? '', /^★ run-b +small cnn +completed/);
  assert.match(table.find((l) => l.includes('run-a')) ?? '', /^ {2}run-a +completed/);
  const unmark = await paddy('run', 'run-b', '--library', dir, '--no-default', '--json');
  assert.equal(unmark.code, 0, unmark.err);
  assert.deepEqual(JSON.parse(unmark.out).isDefault, false);
  const back = JSON.parse((await paddy('run', 'run-a', '--library', dir, '--json')).out);
  assert.deepEqual([back.isDefault, back.marked, back.bestValAccuracy], [true, false, 0.9], 'the best val accuracy is the default again');
  const bad = await paddy('run', 'run-zzz', '--library', dir, '--name', 'x');
  assert.notEqual(bad.code, 0);
  assert.match(bad.err + bad.out, /no run "run-zzz"/);
});
