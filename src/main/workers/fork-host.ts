// WorkerHost for the CLI, the web host and tests: each run (and each job worker) in a child_process.fork of the
// worker entry src/main/train.worker.ts (TypeScript through tsx, or its bundle), so a crash or kill -9 of the worker never takes
// the caller down.
import { fork } from 'node:child_process';
import type { Emit } from '../../shared/contract';
import { entryFile } from '../util/entry-file';
import { createWorkerHost } from './run-host';
import type { HostOptions, RunRecords, WorkerHandle, WorkerHost } from './worker-host';

// The entry sits above this folder: it gives the worker loop the services it runs (workers import none). When this
// code runs from the CLI bundle (scripts/cli-bundle.mjs), the worker is the bundled train.worker.js beside it.
const WORKER = entryFile(import.meta.url, '../train.worker.ts', 'train.worker.js');

export function spawnForkWorker(): WorkerHandle & { pid: number | undefined } {
  // Resolved here so the worker finds tsx whatever the current directory is.
  const execArgv = WORKER.source ? ['--import', import.meta.resolve('tsx')] : [];
  // The worker's stdout goes to our stderr: `paddy train --json` must print exactly one JSON object, and tfjs
  // may print banners from the worker.
  // 'advanced' (structured clone) carries what JSON cannot, e.g. NaN in metrics, exactly as a direct call returns it.
  const child = fork(WORKER.file, [], { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
  child.stdout?.pipe(process.stderr, { end: false });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
    if (process.env.PADDY_WORKER_STDERR) process.stderr.write(d);
  });
  return {
    pid: child.pid,
    send: (m) => {
      if (child.connected) child.send(m);
    },
    onMessage: (fn) => child.on('message', fn),
    onExit: (fn) => child.on('exit', (code, signal) => fn(code, signal, stderr.trim().split('\n').slice(-3).join(' | '))),
    kill: () => child.kill('SIGKILL'),
  };
}

/** `records`: the runs service's (services/runs.ts `runRecords`). */
export function createForkWorkerHost(
  emit: Emit,
  records: RunRecords,
  opts: HostOptions = {},
): WorkerHost & { pidOf(runId: string): number | undefined; jobWorkerPids(): number[] } {
  const pids = new Map<string, number | undefined>();
  const live = new Set<number>();
  const host = createWorkerHost((key) => {
    const w = spawnForkWorker();
    pids.set(key, w.pid);
    const pid = w.pid;
    if (pid !== undefined && key.startsWith('job-')) {
      live.add(pid);
      w.onExit(() => live.delete(pid));
    }
    return w;
  }, emit, records, opts);
  return { ...host, pidOf: (runId) => pids.get(runId), jobWorkerPids: () => [...live] };
}
