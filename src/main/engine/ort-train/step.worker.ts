// A worker thread computing one part of each batch's gradients on its own single-threaded ORT session, so
// the ops ORT runs on one thread (slices, pads, unpooling, masks) use every core too. The workers then meet at
// a barrier in shared memory and each sums the parts' gradients and applies Adam to its share of the
// parameters, so the main thread's reduction and Adam no longer sit between one step and the next.
import { parentPort } from 'node:worker_threads';
import type { FromStepWorker, StepBinding, ToStepWorker } from './protocol';
import { adamUpdate } from './adam';
import { createGradEngine, type GradEngine } from './grad-engine';

const port = parentPort;
if (!port) throw new Error('step.worker must run in a worker thread');
let engine: GradEngine | null = null;
let bound: (StepBinding & { paramViews: Float32Array[]; gradViews: Float32Array[] }) | null = null;
// onnxruntime-node refuses typed arrays over a SharedArrayBuffer: each worker copies the shared inputs into
// arrays of its own (in parallel with the other workers, instead of the main thread cloning them one by one).
const locals = new Map<string, Float32Array>();
const local = (key: string, src: Float32Array): Float32Array => {
  let a = locals.get(key);
  if (a?.length !== src.length) locals.set(key, (a = new Float32Array(src.length)));
  a.set(src);
  return a;
};

const views = (flat: Float32Array, lengths: number[]): Float32Array[] => {
  let at = 0;
  return lengths.map((n) => flat.subarray(at, (at += n)));
};

const ARRIVED = 0, GENERATION = 1, ABORTED = 2;

/** Waits until all `parts` workers arrived (the last one to arrive releases the others). */
function barrier(control: Int32Array, parts: number): void {
  const gen = Atomics.load(control, GENERATION);
  if (Atomics.add(control, ARRIVED, 1) === parts - 1) {
    Atomics.store(control, ARRIVED, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    return;
  }
  while (Atomics.load(control, GENERATION) === gen) {
    // A worker that failed (or died) never arrives: the main side raises ABORTED, and this one gives up too.
    if (Atomics.load(control, ABORTED)) throw new Error('another step worker failed during this step');
    Atomics.wait(control, GENERATION, gen, 50);
  }
}

port.on('message', (m: ToStepWorker) => {
  void (async () => {
    try {
      if (m.type === 'init') {
        engine = await createGradEngine(m.layers, m.input, m.threads);
        port.postMessage({ type: 'ready' } satisfies FromStepWorker);
        return;
      }
      if (m.type === 'bind') {
        bound = { ...m, paramViews: views(m.params, m.lengths), gradViews: views(m.grads[m.index]!, m.lengths) };
        port.postMessage({ type: 'ready' } satisfies FromStepWorker);
        return;
      }
      if (!engine || !bound) throw new Error('step worker: grads before init');
      const b = bound;
      const r = await engine.run(m.rows, m.batch, local('x', m.x), m.y, m.masks, b.paramViews.map((p, i) => local(`p${i}`, p)), b.gradViews);
      barrier(b.control, m.parts);
      const total = b.params.length;
      const from = Math.floor((b.index * total) / m.parts), to = Math.floor(((b.index + 1) * total) / m.parts);
      adamUpdate(b.params, b.m, b.v, b.grads.slice(0, m.parts), from, to, m.t, m.lr, m.adam);
      port.postMessage({ type: 'grads', loss: r.loss, correct: r.correct, stats: r.stats } satisfies FromStepWorker);
    } catch (e) {
      if (bound) {
        Atomics.store(bound.control, ABORTED, 1);
        Atomics.notify(bound.control, GENERATION);
      }
      port.postMessage({ type: 'error', message: (e as Error).message } satisfies FromStepWorker);
    }
  })();
});
