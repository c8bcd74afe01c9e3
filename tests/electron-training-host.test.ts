// The desktop app's TrainingHost logic (one process per run, worker protocol, crash/cancel handling) with real
// child processes standing in for Electron's utilityProcess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import path from 'node:path';
import type { EventMap, EventName } from '../src/shared/contract';
import type { TrainConfig } from '../src/shared/types';
import { createProcessTrainingHost, newRunId, type WorkerPort } from '../src/main/electron/process-training-host';
import type { Library } from '../src/main/library';
import { ROOT } from './helpers/build-electron';

const WORKER = path.join(ROOT, 'tests/helpers/protocol-worker.mjs');
const lib = { dir: '/tmp/lib' } as Library;
const config = { model: 'cnn' } as TrainConfig;

function hostFor(mode: string, graceMs = 5000) {
  const events: Array<EventMap['train.event']> = [];
  const pids: number[] = [];
  const host = createProcessTrainingHost({
    graceMs,
    emit: <K extends EventName>(name: K, payload: EventMap[K]) => {
      if (name === 'train.event') events.push(payload as EventMap['train.event']);
    },
    spawn(): WorkerPort {
      const child = fork(WORKER, [], { env: { ...process.env, PADDY_TEST_WORKER_MODE: mode }, stdio: 'ignore' , serialization: 'advanced' });
      pids.push(child.pid!);
      return {
        send: (m) => void child.send(m),
        onMessage: (fn) => void child.on('message', fn),
        onExit: (fn) => void child.on('exit', (code, signal) => fn(code ?? (signal ? 128 : 1))),
        kill: () => void child.kill('SIGKILL'),
      };
    },
  });
  return { host, events, pids };
}

test('run ids are valid contract run ids', () => {
  assert.match(newRunId('mobilenetv2'), /^[a-z0-9-]{1,64}$/);
  assert.notEqual(newRunId('cnn'), newRunId('cnn'));
});

test('a run that finishes: events forwarded in order, wait resolves', async () => {
  const { host, events } = hostFor('ok');
  const { runId } = await host.start(lib, config);
  await host.wait(runId);
  assert.deepEqual(events.map((e) => e.type), ['phase', 'finished']);
  assert.ok(events.every((e) => e.runId === runId));
  assert.equal(host.cancel(runId), false, 'a finished run cannot be cancelled');
  await host.dispose();
});

test('a worker that crashes ends its run as failed with the exit code', async () => {
  const { host, events } = hostFor('crash');
  const { runId } = await host.start(lib, config);
  await host.wait(runId);
  const last = events.at(-1)!;
  assert.equal(last.type, 'failed');
  assert.match((last as { error: string }).error, /exit code 3/);
});

test('cancel: the worker reports cancelled; one that ignores it is killed after the grace period', async () => {
  const polite = hostFor('cancel');
  const a = await polite.host.start(lib, config);
  assert.equal(polite.host.cancel(a.runId), true);
  await polite.host.wait(a.runId);
  assert.equal(polite.events.at(-1)!.type, 'cancelled');

  const stubborn = hostFor('stubborn', 200);
  const b = await stubborn.host.start(lib, config);
  const t0 = Date.now();
  stubborn.host.cancel(b.runId);
  await stubborn.host.wait(b.runId);
  assert.equal(stubborn.events.at(-1)!.type, 'cancelled');
  assert.equal(stubborn.events.filter((e) => e.type === 'cancelled').length, 1, 'one final event only');
  assert.ok(Date.now() - t0 >= 150);
  assert.throws(() => process.kill(stubborn.pids[0], 0), /ESRCH/, 'the stubborn worker is gone');
});

test('dispose shuts every running worker down', async () => {
  const { host, events } = hostFor('cancel');
  const r1 = await host.start(lib, config);
  const r2 = await host.start(lib, config);
  await host.dispose();
  assert.deepEqual(new Set(events.filter((e) => e.type === 'cancelled').map((e) => e.runId)), new Set([r1.runId, r2.runId]));
});
