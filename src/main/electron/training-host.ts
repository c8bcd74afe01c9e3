// Training in the desktop app: one Electron utilityProcess per run, running the built train.worker.js (the
// worker talks through process.parentPort there; through process.send under child_process.fork elsewhere).
import { utilityProcess } from 'electron';
import type { Emit } from '../../shared/contract';
import type { TrainingHost } from '../api/context';
import { createProcessTrainingHost, type WorkerPort } from './process-training-host';

export function createUtilityTrainingHost(workerPath: string, emit: Emit): TrainingHost {
  return createProcessTrainingHost({
    emit,
    spawn(): WorkerPort {
      const child = utilityProcess.fork(workerPath, [], { serviceName: 'Paddy training', stdio: 'inherit' });
      return {
        send: (msg) => child.postMessage(msg),
        onMessage: (fn) => child.on('message', fn),
        onExit: (fn) => child.on('exit', fn),
        kill: () => void child.kill(),
      };
    },
  });
}
