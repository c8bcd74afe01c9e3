// The worker's side of the transport: Electron utilityProcess (process.parentPort, messages wrapped in
// {data}) or child_process.fork (process.send / process.on('message')). The worker code sees one interface.
import type { FromWorker } from '../../shared/worker-protocol';

export interface WorkerPort {
  send(m: FromWorker): Promise<void>;
  onMessage(fn: (m: unknown) => void): void;
  /** Called when the parent goes away (fork: IPC disconnect). */
  onParentGone(fn: () => void): void;
  kind: 'utility' | 'fork';
}

interface ElectronParentPort {
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
  postMessage(m: unknown): void;
}

export function parentPort(): WorkerPort {
  const utility = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (utility) {
    return {
      kind: 'utility',
      send: async (m) => utility.postMessage(m),
      onMessage: (fn) => utility.on('message', (e) => fn(e.data)),
      // A utilityProcess is killed with its parent; nothing to watch.
      onParentGone: () => undefined,
    };
  }
  if (typeof process.send === 'function') {
    return {
      kind: 'fork',
      send: (m) => new Promise<void>((resolve) => {
        if (!process.connected) return resolve();
        process.send!(m, undefined, {}, () => resolve());
      }),
      onMessage: (fn) => process.on('message', fn),
      onParentGone: (fn) => process.on('disconnect', fn),
    };
  }
  throw new Error('train.worker must be started by a training host (fork or Electron utilityProcess)');
}
