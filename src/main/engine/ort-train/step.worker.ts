// A worker thread computing one part of each batch's gradients on its own single-threaded ORT session, so
// the ops ORT runs on one thread (slices, pads, unpooling, masks) use every core too.
import { parentPort } from 'node:worker_threads';
import type { FromStepWorker, ToStepWorker } from './protocol';
import { createGradEngine, type GradEngine } from './grad-engine';

const port = parentPort;
if (!port) throw new Error('step.worker must run in a worker thread');
let engine: GradEngine | null = null;
// onnxruntime-node refuses typed arrays over a SharedArrayBuffer: each worker copies the shared inputs into
// arrays of its own (in parallel with the other workers, instead of the main thread cloning them one by one).
const locals = new Map<string, Float32Array>();
const local = (key: string, src: Float32Array): Float32Array => {
  let a = locals.get(key);
  if (a?.length !== src.length) locals.set(key, (a = new Float32Array(src.length)));
  a.set(src);
  return a;
};

port.on('message', (m: ToStepWorker) => {
  void (async () => {
    try {
      if (m.type === 'init') {
        engine = await createGradEngine(m.layers, m.input, m.threads);
        port.postMessage({ type: 'ready' } satisfies FromStepWorker);
        return;
      }
      if (!engine) throw new Error('step worker: grads before init');
      const r = await engine.run(m.rows, m.batch, local('x', m.x), m.y, m.masks, m.params.map((p, i) => local(`p${i}`, p)), m.grads);
      port.postMessage({ type: 'grads', loss: r.loss, correct: r.correct } satisfies FromStepWorker);
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message } satisfies FromStepWorker);
    }
  })();
});
