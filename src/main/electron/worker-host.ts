// Training in the desktop app: the worker host (one worker per run, job workers, crash → failed, recorded by the
// runs service) over Electron utilityProcess, running the built out/main/train.worker.js. The worker's port adapts
// itself to process.parentPort there (src/main/workers/worker-port.ts).
import { utilityProcess } from 'electron';
import type { Emit } from '../../shared/contract';
import type { ToWorker } from '../../shared/worker-protocol';
import { runRecords } from '../services/runs';
import { createWorkerHost } from '../workers/run-host';
import type { WorkerHandle, WorkerHost } from '../workers/worker-host';

export function spawnUtilityWorker(workerPath: string): WorkerHandle {
  const child = utilityProcess.fork(workerPath, [], { serviceName: 'Paddy training', stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  // Messages sent before the process is up are held until it is.
  let spawned = false;
  const pending: ToWorker[] = [];
  child.once('spawn', () => {
    spawned = true;
    for (const m of pending.splice(0)) child.postMessage(m);
  });
  return {
    send: (m) => (spawned ? child.postMessage(m) : void pending.push(m)),
    onMessage: (fn) => void child.on('message', fn),
    onExit: (fn) => void child.on('exit', (code) => fn(code, null, stderr.trim().split('\n').slice(-3).join(' | '))),
    kill: () => void child.kill(),
  };
}

export function createUtilityWorkerHost(workerPath: string, emit: Emit): WorkerHost {
  return createWorkerHost(() => spawnUtilityWorker(workerPath), emit, runRecords);
}
