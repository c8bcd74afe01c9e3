import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { BIN } from '../../helpers/root';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeTrainLibrary, riceFiles } from '../../helpers/train-lib';
import { tempDir } from '../../helpers/tmp';


function paddy(args: string[], opts: { onStderr?: (s: string, kill: (sig: NodeJS.Signals) => void) => void } = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      opts.onStderr?.(err, (sig) => child.kill(sig));
    });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const tiny = ['--image-size', '16', '--filters', '4', '--dense', '8', '--batch-size', '4', '--backend', 'wasm'];

test('paddy train/runs/eval/compare/predict on a small library, with --json', async () => {
  const lib = makeTrainLibrary(5, { classes: 2 });
  const dir = lib.dir;
  lib.close();
  const t = await paddy(['train', '--model', 'cnn', ...tiny, '--epochs', '1', '--no-augment', '--library', dir, '--json']);
  assert.equal(t.code, 0, t.err);
  const r = JSON.parse(t.out);
  assert.equal(r.config.augment, false, '--no-augment turns off what the CNN does by default');
  assert.equal(r.status, 'completed');
  assert.equal(r.backend, 'wasm');
  assert.match(r.engine, /^(onnxruntime|tfjs)/);
  assert.ok(r.runId && typeof r.test.accuracy === 'number' && r.test.perClass.Arborio && Array.isArray(r.test.confusion));
  assert.equal(typeof r.seconds.train, 'number');
  // The worker calibrates a run as it completes (#13): its stored predictions answer calibrated from the start.
  const db = new Database(path.join(dir, 'paddy.db'), { readonly: true });
  assert.ok(db.prepare('SELECT temperature FROM run_calibration WHERE run_id = ?').get(r.runId), 'calibrated on completion');
  db.close();

  const runs = JSON.parse((await paddy(['runs', '--library', dir, '--json'])).out);
  assert.deepEqual(runs.map((x: { id: string }) => x.id), [r.runId]);
  assert.equal(runs[0].engine, r.engine);
  const ev = await paddy(['eval', '--run', r.runId, '--library', dir, '--json']);
  assert.equal(ev.code, 0, ev.err);
  // Calibration (#13): ece, nll, brier with the run's temperature, and the uncalibrated scores.
  const evj = JSON.parse(ev.out);
  assert.deepEqual(Object.keys(evj).sort(), ['accuracy', 'brier', 'classes', 'confusion', 'ece', 'macroF1', 'n', 'nll', 'perClass', 'temperature', 'uncalibrated']);
  assert.ok(['ece', 'nll', 'brier', 'temperature'].every((k) => Number.isFinite(evj[k])) && evj.temperature > 0);
  assert.deepEqual(Object.keys(evj.uncalibrated).sort(), ['brier', 'ece', 'nll']);
  const cmp = JSON.parse((await paddy(['compare', r.runId, r.runId, '--library', dir, '--json'])).out);
  assert.equal(cmp.mcnemarP, 1);
  const bad = path.join(tempDir(), 'bad.jpg');
  fs.writeFileSync(bad, 'nope');
  const pr = await paddy(['predict', '--run', r.runId, riceFiles('Arborio', 1, 50)[0]!, bad, '--library', dir, '--json']);
  assert.equal(pr.code, 1);
  const preds = JSON.parse(pr.out);
  assert.ok(preds[0].predicted);
  assert.match(preds[1].error, /bad\.jpg/);
});

test('paddy train: bad arguments are named in one line (exit 2); a run that cannot train exits 1 with why', async () => {
  const noModel = await paddy(['train', '--library', tempDir()]);
  assert.equal(noModel.code, 2);
  assert.equal(noModel.err.trim().split('\n').length, 1);
  assert.match(noModel.err, /--model must be cnn or mobilenetv2/);
  const wrong = await paddy(['train', '--model', 'cnn', '--alpha', '0.35', '--library', tempDir()]);
  assert.equal(wrong.code, 2);
  const both = await paddy(['train', '--model', 'cnn', '--augment', '--no-augment', '--library', tempDir()]);
  assert.equal(both.code, 2);
  assert.match(both.err, /--augment and --no-augment contradict each other/);
  assert.match(wrong.err, /--alpha applies to --model mobilenetv2 only/);
  const shape = await paddy(['train', '--model', 'cnn', '--shape', '--no-shape', '--library', tempDir()]);
  assert.equal(shape.code, 2);
  assert.match(shape.err, /--shape and --no-shape contradict each other/);
  const lib = makeTrainLibrary(2, { classes: 1 });
  const dir = lib.dir;
  lib.close();
  const fail = await paddy(['train', '--model', 'cnn', ...tiny, '--library', dir]);
  assert.equal(fail.code, 1);
  assert.match(fail.err, /failed: need at least 2 classes/);
});

test('Ctrl-C during paddy train cancels the run cleanly', async () => {
  const lib = makeTrainLibrary(6, { classes: 2 });
  const dir = lib.dir;
  lib.close();
  let sent = false;
  const res = await paddy(['train', '--model', 'cnn', ...tiny, '--epochs', '500', '--library', dir], {
    onStderr: (err, kill) => {
      if (!sent && /epoch 1:/.test(err)) {
        sent = true;
        kill('SIGINT');
      }
    },
  });
  assert.equal(res.code, 130, res.err);
  assert.match(res.err, /cancelling/);
  const runs = JSON.parse((await paddy(['runs', '--library', dir, '--json'])).out);
  assert.equal(runs[0].status, 'cancelled');
});
