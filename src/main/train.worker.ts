// Entry of every worker process (Electron utilityProcess: out/main/train.worker.js, built by electron.vite.config.ts;
// child_process.fork under tsx: src/main/workers/fork-host.ts). It hands the worker loop (workers/worker-main.ts)
// what it runs, so the workers room imports no service: training, with each status change recorded by the runs
// service, and the job runners — the very service functions the app would call in-process.
import { runTraining } from './engine/train/run-training';
import { evaluateRun } from './services/evaluation';
import { predict } from './services/predict';
import { predictWholeLibrary } from './services/library-predictions';
import { runLifecycle } from './services/runs';
import { scanSuspects } from './services/suspects/index';
import type { JobRunners } from './workers/jobs';
import { serveWorker } from './workers/worker-main';

const jobs: JobRunners = {
  'suspects.scan': async (lib, emit, input, signal) => {
    // The service also returns the raw probabilities; the request's result is only what the UI shows.
    const { scanned, suspects, seconds } = await scanSuspects(lib, emit, { ...input, signal });
    return { scanned, suspects, seconds };
  },
  'runs.evaluate': (lib, _emit, input, signal) => evaluateRun(lib, input.runId, input.folder, signal),
  'runs.predict': (lib, _emit, input, signal) => predict(lib, input.runId, input.paths, signal),
  'runs.predictAll': (lib, emit, input, signal) => predictWholeLibrary(lib, input.runId, emit, signal),
};

serveWorker({
  train: (lib, runId, config, emit, control) => runTraining(lib, runId, config, emit, control, runLifecycle(lib, control)),
  jobs,
});
