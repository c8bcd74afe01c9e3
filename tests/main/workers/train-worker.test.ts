import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventMap, TrainEvent } from '../../../src/shared/contract';
import { resolveConfig } from '../../../src/main/engine/config';
import { createForkWorkerHost } from '../../../src/main/workers/fork-host';
import { getRun, runRecords } from '../../../src/main/services/runs';
import { makeTrainLibrary } from '../../helpers/train-lib';

function collector() {
  const events: TrainEvent[] = [];
  const waiters: Array<{ pred: (e: TrainEvent) => boolean; resolve: () => void }> = [];
  const emit = <K extends keyof EventMap>(name: K, payload: EventMap[K]) => {
    if (name !== 'train.event') return;
    const e = payload as TrainEvent;
    events.push(e);
    for (const w of waiters.splice(0)) (w.pred(e) ? w.resolve() : waiters.push(w));
  };
  const until = (pred: (e: TrainEvent) => boolean) =>
    events.some(pred) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ pred, resolve }));
  return { events, emit, until };
}

const tiny = { model: 'cnn' as const, imageSize: 16, filters: [4], dense: [8], batchSize: 2, backend: 'wasm' as const };

test('fork host: a run trains in a worker process, events carry the run id, the run reads back completed', async () => {
  const lib = makeTrainLibrary(5, { classes: 2 });
  const c = collector();
  const host = createForkWorkerHost(c.emit, runRecords);
  const { runId } = await host.start(lib, resolveConfig({ ...tiny, epochs: 1 }));
  assert.notEqual(host.pidOf(runId), process.pid);
  await host.wait(runId);
  const types = c.events.map((e) => e.type);
  assert.equal(types[0], 'started');
  assert.equal(types.at(-1), 'finished', JSON.stringify(c.events.at(-1)));
  assert.ok(c.events.every((e) => e.runId === runId));
  assert.equal(getRun(lib, runId).status, 'completed');
  await host.dispose();
  lib.close();
});

test('fork host: cancel mid-epoch ends the run as cancelled; kill -9 marks it failed and the host keeps working', async () => {
  const lib = makeTrainLibrary(8, { classes: 2 });
  const c = collector();
  const host = createForkWorkerHost(c.emit, runRecords);
  const long = resolveConfig({ ...tiny, epochs: 200 });

  const a = await host.start(lib, long);
  await c.until((e) => e.runId === a.runId && e.type === 'batch');
  assert.equal(host.cancel(a.runId), true);
  await host.wait(a.runId);
  assert.equal(getRun(lib, a.runId).status, 'cancelled');
  assert.equal(c.events.filter((e) => e.runId === a.runId).at(-1)!.type, 'cancelled');

  const b = await host.start(lib, long);
  await c.until((e) => e.runId === b.runId && e.type === 'batch');
  process.kill(host.pidOf(b.runId)!, 'SIGKILL');
  await host.wait(b.runId);
  const run = getRun(lib, b.runId);
  assert.equal(run.status, 'failed');
  assert.match(run.error!, /worker died \(signal SIGKILL\)/);
  assert.deepEqual(c.events.at(-1), { type: 'failed', runId: b.runId, error: run.error });

  // The host is still usable.
  const d = await host.start(lib, resolveConfig({ ...tiny, epochs: 1 }));
  await host.wait(d.runId);
  assert.equal(getRun(lib, d.runId).status, 'completed');
  await host.dispose();
  lib.close();
});
