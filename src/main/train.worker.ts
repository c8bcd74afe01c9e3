// Entry of every worker process (Electron utilityProcess: out/main/train.worker.js, built by electron.vite.config.ts;
// child_process.fork under tsx: src/main/workers/fork-host.ts). It hands the worker loop (workers/worker-main.ts)
// what it runs, so the workers room imports no service: training, with each status change recorded by the runs
// service, and the job runners — the very service functions the app would call in-process.
import { runTraining, type RunLifecycle } from './engine/train/run-training';
import type { Library } from './library';
import { evaluateRun } from './services/evaluation';
import { predict } from './services/predict';
import { predictWholeLibrary } from './services/library-predictions';
import { prelabelUnlabeled } from './services/unlabeled/prelabel'; // pre-labels (#14)
import { runLifecycle } from './services/runs';
import { scanSuspects } from './services/suspects/index';
import { computeMap } from './services/map'; // embedding map (#13)
import { buildSimilarIndex, similarFiles } from './services/similar'; // similar images (#13)
import type { JobRunners } from './workers/jobs';
import type { MapSource } from '../shared/types'; // embedding map (#13)
import { calibrateNewPredictions, runCalibration } from './services/calibration'; // calibration (#13)
import { explainImages } from './services/explain'; // Grad-CAM (#13, saliency)
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
  // Grad-CAM heat maps (#13, saliency)
  'runs.explain': (lib, emit, input, signal) => explainImages(lib, input, emit, signal),
  // Embedding map + similar images (#13)
  'map.compute': (lib, emit, input, signal) => computeMap(lib, emit, { source: input.source as MapSource | undefined, weightsDir: input.weightsDir, signal }),
  'similar.files': (lib, emit, input, signal) => similarFiles(lib, emit, { ...input, signal }),
  // Similar images: the index as a job (#13)
  'similar.index': (lib, emit, input, signal) => buildSimilarIndex(lib, emit, { ...input, signal }),
  // Pre-labels of unlabeled images (#14)
  'runs.prelabel': (lib, emit, input, signal) => prelabelUnlabeled(lib, input.runId, emit, signal),
  // Calibration of a run trained before its val predictions were stored (#13)
  'runs.calibration': (lib, _emit, input, signal) => runCalibration(lib, input.runId, signal),
};

/** A finished run's stored predictions answer with calibrated confidence from the start (#13). */
function calibratedOnCompletion(lib: Library, life: RunLifecycle): RunLifecycle {
  return {
    ...life,
    completed: (runId, result) => {
      if (!life.completed(runId, result)) return false;
      try {
        calibrateNewPredictions(lib, runId);
      } catch {
        // The run stands as completed; its calibration is fitted on first use instead.
      }
      return true;
    },
  };
}

serveWorker({
  train: (lib, runId, config, emit, control) => runTraining(lib, runId, config, emit, control, calibratedOnCompletion(lib, runLifecycle(lib, control))),
  jobs,
});
