// Training runs, one worker process each: the run is created through the runs service's records, the worker is
// told to train it, its events are relayed, and — if it dies without reporting an end (kill -9, out of memory,
// native crash) — the run is ended through the records with the reason. A failure the worker reported is made
// sure of too: a worker whose disk is full may report a failure it could not write.
import type { Emit, TrainEvent } from '../../shared/contract';
import type { TrainConfig } from '../../shared/types';
import { isFromWorker } from '../../shared/worker-protocol';
import type { Library } from '../library';
import type { RunRecords, Stopping, WorkerHandle } from './worker-host';

/** One run's worker process, from spawn to exit. */
interface RunProc {
  runId: string;
  lib: Library;
  worker: WorkerHandle;
  /** Resolves once the worker has exited and the run's end is recorded. */
  done: Promise<void>;
  /** The worker reported the run's end (its final event). */
  final: boolean;
  /** The failure the worker reported, if that was its end. */
  failure: string | null;
  cancelRequested: boolean;
}

const FINAL = new Set<TrainEvent['type']>(['finished', 'failed', 'cancelled']);

export interface RunProcesses {
  start(lib: Library, config: TrainConfig): { runId: string };
  cancel(runId: string): boolean;
  wait(runId: string): Promise<void>;
  /** Asks every running worker to stop (its run ends as cancelled). */
  stopAll(): Stopping;
}

/** `spawn(runId)` starts the worker process for one run. */
export function runProcesses(spawn: (runId: string) => WorkerHandle, emit: Emit, records: RunRecords): RunProcesses {
  const runs = new Map<string, RunProc>();

  const abandoned = (run: RunProc, status: 'failed' | 'cancelled', error: string | null): void => {
    emit('train.event', records.endAbandoned(run.lib, run.runId, status, error));
  };

  const watch = (run: RunProc, finish: () => void): void => {
    run.worker.onMessage((m) => {
      if (!isFromWorker(m) || m.type !== 'event') return;
      if (FINAL.has(m.event.type)) run.final = true;
      if (m.event.type === 'failed') run.failure = m.event.error;
      emit('train.event', m.event);
    });
    run.worker.onExit((code, signal, detail) => {
      if (!run.final) {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        if (run.cancelRequested && !signal) abandoned(run, 'cancelled', null);
        else abandoned(run, 'failed', `training worker died (${how})${detail ? `: ${detail}` : ''}`);
      } else if (run.failure !== null) {
        // Already recorded (nothing changes) unless the worker could not write it; its event was reported.
        records.endAbandoned(run.lib, run.runId, 'failed', run.failure);
      }
      runs.delete(run.runId);
      finish();
    });
  };

  return {
    start(lib, config) {
      const runId = records.create(lib, config);
      let worker: WorkerHandle;
      try {
        worker = spawn(runId);
      } catch (e) {
        const error = `cannot start the training worker: ${(e as Error).message}`;
        emit('train.event', records.endAbandoned(lib, runId, 'failed', error));
        throw new Error(error);
      }
      let finish!: () => void;
      const done = new Promise<void>((r) => (finish = r));
      const run: RunProc = { runId, lib, worker, done, final: false, failure: null, cancelRequested: false };
      runs.set(runId, run);
      watch(run, finish);
      worker.send({ type: 'start', runId, libraryDir: lib.dir, config });
      return { runId };
    },
    cancel(runId) {
      const run = runs.get(runId);
      if (!run || run.final) return false;
      run.cancelRequested = true;
      run.worker.send({ type: 'cancel', runId });
      return true;
    },
    async wait(runId) {
      await runs.get(runId)?.done;
    },
    stopAll() {
      const all = [...runs.values()];
      for (const run of all) {
        run.cancelRequested = true;
        run.worker.send({ type: 'shutdown' });
      }
      return { ended: Promise.all(all.map((r) => r.done)), kill: () => all.forEach((r) => r.worker.kill()) };
    },
  };
}
