import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { handlers, dispatch, type AppContext } from '../../../src/main/api/index';
import { resolveConfig } from '../../../src/main/engine/config';
import { runTraining } from '../../../src/main/engine/train/run-training';
import { createRun, deleteRun, getRun, listRuns } from '../../../src/main/services/runs';
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
  assert.equal(await runTraining(lib, a, cnnCfg, () => undefined, go), 'completed');
  const mnCfg = resolveConfig({ model: 'mobilenetv2', alpha: 0.35, weightsDir: MOBILENET_DIR, epochs: 5, batchSize: 4, backend: 'wasm' });
  const b = createRun(lib, mnCfg);
  assert.equal(await runTraining(lib, b, mnCfg, () => undefined, go), 'completed');

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
