// A worker thread computing one part of each batch's gradients on its own single-threaded ORT session, so
// the ops ORT runs on one thread (slices, pads, unpooling, masks) use every core too.
import { parentPort } from 'node:worker_threads';
import type { FromStepWorker, ToStepWorker } from './protocol';
import { createGradEngine, type GradEngine } from './grad-engine';

const port = parentPort;
if (!port) throw new Error('step.worker must run in a worker thread');
let engine: GradEngine | null = null;

port.on('message', (m: ToStepWorker) => {
  void (async () => {
    try {
      if (m.type === 'init') {
        engine = await createGradEngine(m.layers, m.size, m.threads);
        port.postMessage({ type: 'ready' } satisfies FromStepWorker);
        return;
      }
      if (!engine) throw new Error('step worker: grads before init');
      const r = await engine.run(m.rows, m.batch, m.x, m.y, m.masks, m.params);
      port.postMessage({ type: 'grads', ...r } satisfies FromStepWorker, r.grads.map((g) => g.buffer as ArrayBuffer));
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message } satisfies FromStepWorker);
    }
  })();
});
