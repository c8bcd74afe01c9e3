// Heavy requests (suspects.scan, runs.evaluate, runs.predict) run in a worker process through the training
// host: same results as calling the services directly, events relayed, a killed worker rejects readably and
// the host keeps working. Real libraries of rice JPEGs, real MobileNetV2 (α 0.35) features, real tfjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { EventMap, EventName } from '../../../src/shared/contract';
import { createForkWorkerHost } from '../../../src/main/workers/fork-host';
import { resolveConfig } from '../../../src/main/engine/config';
import { runTraining } from '../../../src/main/engine/train/run-training';
import { evaluateRun } from '../../../src/main/services/evaluation';
import { predict } from '../../../src/main/services/predict';
import { scanSuspects } from '../../../src/main/services/suspects/index';
import { createRun, getRun, runLifecycle, runRecords } from '../../../src/main/services/runs';
import type { Library } from '../../../src/main/library';
import { dispatch } from '../../../src/main/api/context';
import { createHostContext } from '../../../src/main/api/host-context';
import { handlers } from '../../../src/main/api/index';
import { makeTrainLibrary, riceFiles } from '../../helpers/train-lib';
import { MOBILENET_DIR, tempDir } from '../../helpers/tmp';

function recorder() {
  const events: Array<{ name: EventName; payload: unknown }> = [];
  const waiters: Array<{ pred: (name: EventName, p: unknown) => boolean; resolve: () => void }> = [];
  const emit = <K extends EventName>(name: K, payload: EventMap[K]) => {
    events.push({ name, payload });
    for (const w of waiters.splice(0)) (w.pred(name, payload) ? w.resolve() : waiters.push(w));
  };
  const until = (pred: (name: EventName, p: unknown) => boolean) =>
    events.some((e) => pred(e.name, e.payload)) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ pred, resolve }));
  return { events, emit, until };
}

const scanInput = { folds: 2, alpha: 0.35 as const, weightsDir: MOBILENET_DIR };

async function tinyRun(lib: Library): Promise<string> {
  const config = resolveConfig({ model: 'cnn', imageSize: 16, filters: [4], dense: [8], batchSize: 4, epochs: 1, backend: 'wasm' });
  const runId = createRun(lib, config);
  const status = await runTraining(lib, runId, config, () => undefined, { cancelled: () => false, signal: new AbortController().signal }, runLifecycle(lib));
  assert.equal(status, 'completed', getRun(lib, runId).error ?? '');
  return runId;
}

test('scan, evaluate and predict jobs in a worker return what the services return in-process', async () => {
  const lib = makeTrainLibrary(8, { classes: 2 });
  const runId = await tinyRun(lib);
  const r = recorder();
  const host = createForkWorkerHost(r.emit, runRecords);
  try {
    // A folder-per-class tree outside the library (class folder names in another case on purpose).
    const tree = tempDir('paddy-jobs-tree-');
    for (const [cls, dir] of [['Arborio', 'arborio'], ['Basmati', 'BASMATI']] as const) {
      fs.mkdirSync(path.join(tree, dir));
      for (const f of riceFiles(cls, 2, 200)) fs.copyFileSync(f, path.join(tree, dir, path.basename(f)));
    }
    const evalTest = await host.runJob(lib, 'runs.evaluate', { runId });
    assert.deepEqual(evalTest, await evaluateRun(lib, runId));
    assert.equal(evalTest.n, 4);
    const evalFolder = await host.runJob(lib, 'runs.evaluate', { runId, folder: tree });
    assert.deepEqual(evalFolder, await evaluateRun(lib, runId, tree));
    assert.equal(evalFolder.n, 4);

    const paths = [...riceFiles('Basmati', 2, 300), path.join(tree, 'missing.jpg')];
    const predicted = await host.runJob(lib, 'runs.predict', { runId, paths });
    assert.deepEqual(predicted, await predict(lib, runId, paths));
    assert.ok(predicted[0]!.predicted && !predicted[0]!.error);
    assert.match(predicted[2]!.error ?? '', /missing\.jpg/);

    // A service's own error comes back as the same message.
    await assert.rejects(host.runJob(lib, 'runs.predict', { runId: 'nope', paths }), /no run "nope"/);

    const scan = await host.runJob(lib, 'suspects.scan', scanInput);
    const progress = r.events.filter((e) => e.name === 'suspects.progress').map((e) => e.payload as EventMap['suspects.progress']);
    assert.ok(progress.some((p) => p.phase === 'features' && p.done === p.total && p.total === 16), JSON.stringify(progress));
    assert.ok(progress.some((p) => p.phase === 'cross-validation' && p.done === 2));
    assert.ok(r.events.some((e) => e.name === 'library.changed'));
    assert.deepEqual(Object.keys(scan).sort(), ['scanned', 'seconds', 'suspects']);
    const direct = await scanSuspects(lib, () => undefined, scanInput);
    assert.equal(scan.scanned, 16);
    assert.deepEqual(scan.suspects, direct.suspects);

    // One job at a time, one idle worker reused for all of them.
    assert.equal(host.jobWorkerPids().length, 1);
    assert.ok(!host.jobWorkerPids().includes(process.pid));
  } finally {
    await host.dispose();
    lib.close();
  }
  assert.equal(host.jobWorkerPids().length, 0, 'dispose ends the job workers');
});

test('kill -9 of the worker mid-scan rejects with a readable error; the next job succeeds', async () => {
  const lib = makeTrainLibrary(10, { classes: 2 });
  const runId = await tinyRun(lib);
  const r = recorder();
  const host = createForkWorkerHost(r.emit, runRecords);
  try {
    const scan = host.runJob(lib, 'suspects.scan', scanInput);
    await r.until((name, p) => name === 'suspects.progress' && (p as { phase: string }).phase === 'features');
    const [pid] = host.jobWorkerPids();
    assert.ok(pid && pid !== process.pid);
    process.kill(pid, 'SIGKILL');
    await assert.rejects(scan, /the worker running suspects\.scan died \(signal SIGKILL\)/);
    // Killed before its one saving transaction: no half-saved scan.
    assert.deepEqual(lib.db.prepare('SELECT COUNT(*) AS n FROM suspect_scans').get(), { n: 0 });

    const paths = riceFiles('Arborio', 1, 400);
    assert.deepEqual(await host.runJob(lib, 'runs.predict', { runId, paths }), await predict(lib, runId, paths));
    assert.notEqual(host.jobWorkerPids()[0], pid);

    // The request handlers go through the host's worker, not the calling process.
    const ctx = createHostContext({ host: 'cli', libraryDir: lib.dir, emit: r.emit, makeWorkers: () => host, dialogs: null });
    const viaHandler = await dispatch(handlers, ctx, 'runs.predict', { runId, paths });
    assert.deepEqual(viaHandler, { ok: true, value: await predict(lib, runId, paths) });
    const bad = await dispatch(handlers, ctx, 'runs.evaluate', { runId, folder: path.join(lib.dir, 'nowhere') });
    assert.ok(!bad.ok && /nowhere: not a folder/.test(bad.error), JSON.stringify(bad));
    await ctx.close();
  } finally {
    await host.dispose();
    lib.close();
  }
});
