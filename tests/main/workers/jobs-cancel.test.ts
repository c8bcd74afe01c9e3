// jobs.cancel: a running label-review scan in a real worker process stops at its next checkpoint, its request
// rejects with "suspects.scan was cancelled", nothing is saved and the worker takes the next job. At the host-core
// level (a scripted worker): the message sent, a job finishing anyway keeps its result, and a job that ignores
// the signal has its worker killed after 5 s and is still reported as cancelled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventMap, EventName } from '../../../src/shared/contract';
import type { ToWorker } from '../../../src/shared/worker-protocol';
import { createForkWorkerHost } from '../../../src/main/workers/fork-host';
import { createWorkerHost } from '../../../src/main/workers/run-host';
import type { WorkerHandle } from '../../../src/main/workers/worker-host';
import { runRecords } from '../../../src/main/services/runs';
import { ensureFeatures } from '../../../src/main/engine/features/feature-cache';
import { scoreFiles } from '../../../src/main/engine/inference';
import type { LoadedModel } from '../../../src/main/engine/saved-model';
import type { Library } from '../../../src/main/library';
import { makeTrainLibrary, riceFiles } from '../../helpers/train-lib';
import { MOBILENET_DIR } from '../../helpers/tmp';

const scanInput = { folds: 20, alpha: 0.35 as const, weightsDir: MOBILENET_DIR };
const scans = (lib: Library) => (lib.db.prepare('SELECT COUNT(*) AS n FROM suspect_scans').get() as { n: number }).n;
const suspects = (lib: Library) => (lib.db.prepare('SELECT COUNT(*) AS n FROM suspects').get() as { n: number }).n;

test('a scan cancelled mid-way in its worker rejects at once, saves nothing, and the worker runs the next job', async () => {
  // 200 images with cached α 0.35 features: the worker goes straight to 20 fold models (a second or two).
  const lib = makeTrainLibrary(100, { classes: 2 });
  const ids = (lib.db.prepare('SELECT id FROM images').all() as Array<{ id: number }>).map((r) => r.id);
  await ensureFeatures(lib, ids, { alpha: 0.35, weightsDir: MOBILENET_DIR });
  const folds: number[] = [];
  let foldStarted: () => void;
  const firstFold = new Promise<void>((r) => (foldStarted = r));
  const emit = <K extends EventName>(name: K, payload: EventMap[K]) => {
    const p = payload as EventMap['suspects.progress'];
    if (name !== 'suspects.progress' || p.phase !== 'cross-validation') return;
    folds.push(p.done);
    if (p.done >= 1) foldStarted();
  };
  const host = createForkWorkerHost(emit, runRecords);
  try {
    assert.equal(host.cancelJobs('suspects.scan'), 0, 'nothing running yet');
    const scan = host.runJob(lib, 'suspects.scan', scanInput);
    const outcome = scan.then(() => 'resolved', (e: Error) => e.message);
    await firstFold;
    const [pid] = host.jobWorkerPids();
    assert.equal(host.cancelJobs('runs.evaluate'), 0, 'only jobs of the named kind');
    const t0 = performance.now();
    assert.equal(host.cancelJobs('suspects.scan'), 1);
    assert.equal(await outcome, 'suspects.scan was cancelled');
    const ms = performance.now() - t0;
    assert.ok(ms < 2_000, `stopped at a checkpoint in ${ms.toFixed(0)} ms, well before the 5 s kill`);
    assert.ok(Math.max(...folds) < 20, `stopped mid-way (folds done: ${folds.join(',')})`);
    assert.equal(scans(lib), 0, 'a cancelled scan stores nothing');
    assert.equal(suspects(lib), 0);
    assert.deepEqual(host.jobWorkerPids(), [pid], 'the worker was not killed');

    // The same worker runs the next scan to the end; that one is saved.
    const done = await host.runJob(lib, 'suspects.scan', { ...scanInput, folds: 2 });
    assert.equal(done.scanned, 200);
    assert.equal(scans(lib), 1);
    assert.deepEqual(host.jobWorkerPids(), [pid]);
  } finally {
    await host.dispose();
    lib.close();
  }
});

/** A worker that only does what the test tells it: the host's messages are recorded, replies are scripted. */
class ScriptedWorker implements WorkerHandle {
  sent: ToWorker[] = [];
  killed = false;
  private message: (m: unknown) => void = () => undefined;
  private exit: (code: number | null, signal: string | null, detail: string) => void = () => undefined;
  send(m: ToWorker): void {
    this.sent.push(m);
    if (m.type === 'shutdown') queueMicrotask(() => this.exit(0, null, ''));
  }
  onMessage(fn: (m: unknown) => void): void {
    this.message = fn;
  }
  onExit(fn: (code: number | null, signal: string | null, detail: string) => void): void {
    this.exit = fn;
  }
  kill(): void {
    this.killed = true;
    queueMicrotask(() => this.exit(null, 'SIGKILL', ''));
  }
  reply(m: unknown): void {
    this.message(m);
  }
  lastJobId(): string {
    const job = [...this.sent].reverse().find((m) => m.type === 'job');
    assert.ok(job && job.type === 'job');
    return job.jobId;
  }
}

function scriptedHost() {
  const workers: ScriptedWorker[] = [];
  const host = createWorkerHost(() => {
    const w = new ScriptedWorker();
    workers.push(w);
    return w;
  }, () => undefined, runRecords);
  return { host, workers };
}

const fakeLib = { dir: '/nowhere' } as Library;

test('host core: cancel reaches the job in its worker; a failure after cancel reads as cancelled; the worker is reused', async () => {
  const { host, workers } = scriptedHost();
  const scan = host.runJob(fakeLib, 'suspects.scan', {});
  const w = workers[0]!;
  const jobId = w.lastJobId();
  assert.equal(host.cancelJobs('runs.predict'), 0);
  assert.equal(host.cancelJobs('suspects.scan'), 1);
  assert.equal(host.cancelJobs('suspects.scan'), 1, 'still running, counted, not sent twice');
  assert.deepEqual(w.sent.filter((m) => m.type === 'cancel-job'), [{ type: 'cancel-job', jobId }]);
  w.reply({ type: 'job-result', jobId, ok: false, error: 'cancelled' });
  await assert.rejects(scan, (e: Error) => e.message === 'suspects.scan was cancelled');
  assert.equal(w.killed, false);

  // Finished before the cancel reached a checkpoint: the result stands.
  const evaluating = host.runJob(fakeLib, 'runs.evaluate', { runId: 'r' });
  assert.equal(workers.length, 1, 'the idle worker took the job');
  assert.equal(host.cancelJobs('runs.evaluate'), 1);
  w.reply({ type: 'job-result', jobId: w.lastJobId(), ok: true, value: { n: 3 } });
  assert.deepEqual(await evaluating, { n: 3 });
  assert.equal(host.cancelJobs('runs.evaluate'), 0, 'nothing running any more');
  await host.dispose();
});

test('host core: a job that ignores the cancel has its worker killed after 5 s and rejects as cancelled', async (t) => {
  const { host, workers } = scriptedHost();
  t.mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const predicting = host.runJob(fakeLib, 'runs.predict', { runId: 'r', paths: ['/x.jpg'] });
    const outcome = predicting.then(() => 'resolved', (e: Error) => e.message);
    assert.equal(host.cancelJobs('runs.predict'), 1);
    t.mock.timers.tick(4_999);
    assert.equal(workers[0]!.killed, false, 'a grace period first');
    t.mock.timers.tick(1);
    assert.equal(workers[0]!.killed, true);
    assert.equal(await outcome, 'runs.predict was cancelled', 'not "the worker died"');
    // The next job gets a fresh worker.
    const next = host.runJob(fakeLib, 'runs.predict', { runId: 'r', paths: ['/x.jpg'] });
    assert.equal(workers.length, 2);
    workers[1]!.reply({ type: 'job-result', jobId: workers[1]!.lastJobId(), ok: true, value: [] });
    assert.deepEqual(await next, []);
  } finally {
    t.mock.timers.reset();
  }
  await host.dispose();
});

test('evaluate and predict check the signal before every batch: an aborted one reads no file', async () => {
  // Nothing of the model is touched before the first checkpoint, so its description is enough here.
  const model = { meta: { model: 'cnn', classes: ['Arborio', 'Basmati'], imageSize: 16 } } as unknown as LoadedModel;
  const aborted = AbortSignal.abort();
  await assert.rejects(scoreFiles(model, riceFiles('Arborio', 40), aborted), /^Error: cancelled$/);
});
