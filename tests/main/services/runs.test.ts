import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { handlers, dispatch, type AppContext } from '../../../src/main/api/index';
import { resolveConfig } from '../../../src/main/engine/config';
import { runTraining } from '../../../src/main/engine/train/run-training';
import { createRun, deleteRun, endAbandonedRun, getRun, listRuns, runLifecycle } from '../../../src/main/services/runs';
import { openLibrary } from '../../../src/main/library';
import { testMetrics } from '../../../src/main/engine/metrics';
import { compareRuns } from '../../../src/main/services/compare';
import { evaluateRun } from '../../../src/main/services/evaluation';
import { predict } from '../../../src/main/services/predict';
import { makeTrainLibrary, riceFiles } from '../../helpers/train-lib';
import { MOBILENET_DIR, tempDir } from '../../helpers/tmp';

const go = { cancelled: () => false, signal: new AbortController().signal };

test('runs: list, get, evaluate (test split and folder tree), compare, predict, delete', async () => {
  const lib = makeTrainLibrary(10, { classes: 2 });
  const cnnCfg = resolveConfig({ model: 'cnn', imageSize: 16, filters: [4], dense: [8], epochs: 2, batchSize: 4, backend: 'wasm' });
  const a = createRun(lib, cnnCfg);
  assert.equal(await runTraining(lib, a, cnnCfg, () => undefined, go, runLifecycle(lib)), 'completed');
  const mnCfg = resolveConfig({ model: 'mobilenetv2', alpha: 0.35, weightsDir: MOBILENET_DIR, epochs: 5, batchSize: 4, backend: 'wasm' });
  const b = createRun(lib, mnCfg);
  assert.equal(await runTraining(lib, b, mnCfg, () => undefined, go, runLifecycle(lib)), 'completed');

  const list = listRuns(lib);
  assert.deepEqual(list.map((r) => r.id).sort(), [a, b].sort());
  assert.ok(list.every((r) => r.status === 'completed' && r.backend === 'wasm' && r.testAccuracy !== null));

  // Re-evaluating on the test split reproduces the stored test metrics.
  for (const id of [a, b]) {
    const m = await evaluateRun(lib, id);
    assert.deepEqual(m.confusion, getRun(lib, id).test!.confusion, id);
  }

  // A folder-per-class tree (not imported), names matched case-insensitively; an unknown class is named.
  const tree = tempDir();
  for (const [cls, dir] of [['Arborio', 'arborio'], ['Basmati', 'Basmati']]) {
    fs.mkdirSync(path.join(tree, dir));
    for (const f of riceFiles(cls!, 3, 200)) fs.symlinkSync(f, path.join(tree, dir, path.basename(f)));
  }
  const folder = await evaluateRun(lib, b, tree);
  assert.equal(folder.n, 6);
  assert.deepEqual(folder.classes, ['Arborio', 'Basmati']);
  fs.mkdirSync(path.join(tree, 'Wild'));
  await assert.rejects(evaluateRun(lib, b, tree), /Wild: class "Wild" is not one of the run's classes \(Arborio, Basmati\)/);

  const c = compareRuns(lib, a, b);
  assert.equal(c.n, getRun(lib, a).test!.n);
  assert.equal(c.table.flat().reduce((x, y) => x + y, 0), c.n);
  assert.equal(c.aRightBWrong.length, c.table[0][1]);
  assert.equal(c.bRightAWrong.length, c.table[1][0]);
  assert.ok(Math.abs(c.accuracyA - getRun(lib, a).testAccuracy!) < 1e-12);
  assert.ok(c.mcnemarP > 0 && c.mcnemarP <= 1);

  const bad = path.join(tempDir(), 'broken.jpg');
  fs.writeFileSync(bad, 'not a jpeg');
  const good = riceFiles('Basmati', 1, 300)[0]!;
  for (const id of [a, b]) {
    const res = await predict(lib, id, [good, bad, '/nonexistent/x.jpg']);
    assert.equal(res.length, 3);
    assert.ok(res[0]!.predicted && !res[0]!.error);
    assert.ok(Math.abs(Object.values(res[0]!.probabilities).reduce((x, y) => x + y, 0) - 1) < 1e-4);
    assert.match(res[1]!.error!, /broken\.jpg/);
    assert.match(res[2]!.error!, /nonexistent\/x\.jpg/);
    assert.equal(res[1]!.predicted, null);
  }

  assert.equal(deleteRun(lib, a), true);
  assert.ok(!fs.existsSync(path.join(lib.paths.models, a)));
  assert.equal(listRuns(lib).length, 1);
  assert.throws(() => getRun(lib, a), /no run/);
  lib.close();
});

test('handlers: train.defaults, train.start validation, system.info and runs.* through dispatch', async () => {
  const lib = makeTrainLibrary(2, { classes: 2 });
  const ctx = { host: 'web', library: () => lib, switchLibrary: () => lib, emit: () => undefined, workers: null as never, dialogs: null } as unknown as AppContext;
  const d = await dispatch(handlers, ctx, 'train.defaults', { model: 'cnn' });
  assert.ok(d.ok && d.value.model === 'cnn' && d.value.epochs >= 1);
  const bad = await dispatch(handlers, ctx, 'train.start', { config: { model: 'cnn', epochs: -1 } });
  assert.deepEqual(bad, { ok: false, error: 'train config: epochs: Too small: expected number to be >=1' });
  const info = await dispatch(handlers, ctx, 'system.info', {});
  assert.ok(info.ok && info.value.availableBackends.includes('wasm') && info.value.availableBackends.includes('cpu'));
  const missing = await dispatch(handlers, ctx, 'runs.get', { runId: 'nope' });
  assert.ok(!missing.ok && /no run "nope"/.test(missing.error));
  lib.close();
});

test('train.start refuses MobileNetV2 without weights, before creating a run', async () => {
  const lib = makeTrainLibrary(2, { classes: 2 });
  const saved = process.env.PADDY_MOBILENET_DIR;
  delete process.env.PADDY_MOBILENET_DIR;
  try {
    const ctx = { host: 'web', library: () => lib, switchLibrary: () => lib, emit: () => undefined, workers: { start: () => { throw new Error('must not start'); } }, dialogs: null } as unknown as AppContext;
    const r = await dispatch(handlers, ctx, 'train.start', { config: { model: 'mobilenetv2', weightsDir: tempDir() } });
    assert.ok(!r.ok && /MobileNetV2 weights not found/.test(r.error), JSON.stringify(r));
    assert.equal(listRuns(lib).length, 0);
  } finally {
    if (saved !== undefined) process.env.PADDY_MOBILENET_DIR = saved;
    lib.close();
  }
});

test('a run\'s life: created queued and owned by the host, running in the worker, and only the first end counts', () => {
  const lib = makeTrainLibrary(1, { classes: 2 });
  const config = resolveConfig({ model: 'cnn', epochs: 1 });
  const owner = lib.db.prepare('SELECT worker_pid AS pid, worker_host AS host FROM runs WHERE id = ?');
  const id = createRun(lib, config);
  assert.match(id, /^cnn-\d{8}-\d{6}-[0-9a-f]{6}$/);
  assert.equal(getRun(lib, id).status, 'queued');
  assert.deepEqual(owner.get(id), { pid: process.pid, host: os.hostname() });
  assert.throws(() => deleteRun(lib, id), /still queued: cancel it first/);

  const life = runLifecycle(lib);
  assert.throws(() => life.running('nope'), /run nope does not exist in/);
  life.running(id);
  assert.equal(getRun(lib, id).status, 'running');
  life.ended(id, 'cancelled', null);
  const test = testMetrics(['Arborio', 'Basmati'], [0, 1], [0, 1]);
  assert.equal(life.completed(id, { params: 1, modelBytes: 1, seconds: { total: 1 }, test }), false, 'a cancel that won stands');
  life.ended(id, 'failed', 'late');
  const run = getRun(lib, id);
  assert.deepEqual([run.status, run.error, run.test], ['cancelled', null, null]);
  assert.ok(run.finishedAt);

  const ok = createRun(lib, config);
  life.running(ok);
  assert.equal(life.completed(ok, { params: 7, modelBytes: 9, seconds: { total: 2 }, test }), true);
  assert.deepEqual([getRun(lib, ok).status, getRun(lib, ok).params, getRun(lib, ok).testAccuracy], ['completed', 7, 1]);
  lib.close();
});

test('a run whose worker died: ended with the reason, or reported as the worker recorded it; a closed library is reopened', () => {
  const lib = makeTrainLibrary(1, { classes: 2 });
  const config = resolveConfig({ model: 'cnn', epochs: 1 });
  const life = runLifecycle(lib);
  const test = testMetrics(['Arborio', 'Basmati'], [0, 1], [0, 0]);

  const killed = createRun(lib, config);
  life.running(killed);
  assert.deepEqual(endAbandonedRun(lib, killed, 'failed', 'training worker died (signal SIGKILL)'),
    { type: 'failed', runId: killed, error: 'training worker died (signal SIGKILL)' });
  assert.deepEqual([getRun(lib, killed).status, getRun(lib, killed).error], ['failed', 'training worker died (signal SIGKILL)']);

  const stopped = createRun(lib, config);
  assert.deepEqual(endAbandonedRun(lib, stopped, 'cancelled', null), { type: 'cancelled', runId: stopped });
  assert.equal(getRun(lib, stopped).status, 'cancelled');

  // Died between recording its end and reporting it: the recorded end is what gets reported.
  const finished = createRun(lib, config);
  life.running(finished);
  life.completed(finished, { params: 1, modelBytes: 1, seconds: { total: 3 }, test });
  assert.deepEqual(endAbandonedRun(lib, finished, 'failed', 'training worker died (exit code 1)'),
    { type: 'finished', runId: finished, test, seconds: { total: 3 } });
  assert.equal(getRun(lib, finished).status, 'completed');
  const failed = createRun(lib, config);
  life.ended(failed, 'failed', 'at least 2 classes');
  assert.deepEqual(endAbandonedRun(lib, failed, 'cancelled', null), { type: 'failed', runId: failed, error: 'at least 2 classes' });

  // The host's library was closed (or switched) while the run trained.
  const late = createRun(lib, config);
  lib.close();
  assert.deepEqual(endAbandonedRun(lib, late, 'failed', 'gone'), { type: 'failed', runId: late, error: 'gone' });
  const again = openLibrary(lib.dir);
  assert.deepEqual([getRun(again, late).status, getRun(again, late).error], ['failed', 'gone']);
  again.close();
});
