// One data-parallel replica: computes the loss gradients of its shard of each batch, then applies the
// averaged gradients it is sent with its own optimizer. Every replica applies the same averaged update, so
// the replicas' trainable weights stay identical without shipping weights around.
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { FromWorker, ToWorker, WeightBlob } from './protocol';

if (!parentPort) throw new Error('grad.worker.ts must run as a worker thread');
const port = parentPort;
let model: tf.LayersModel | null = null;

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function init(msg: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  if (msg.backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    const { registerWasmTrainingKernels } = await import('../kernels/index');
    registerWasmTrainingKernels();
  }
  if (!(await tf.setBackend(msg.backend))) throw new Error(`backend ${msg.backend} is not available in the worker`);
  const url = msg.modelModule.startsWith('file:') ? msg.modelModule : pathToFileURL(msg.modelModule).href;
  const mod = (await import(url)) as { buildModel?: (args: unknown) => tf.LayersModel };
  if (typeof mod.buildModel !== 'function') throw new Error(`${msg.modelModule}: exports no buildModel(args) function`);
  model = mod.buildModel(msg.modelArgs);
  if (!model.optimizer) throw new Error(`${msg.modelModule}: buildModel must return a compiled model (optimizer and loss)`);
  send({ type: 'ready', backend: tf.getBackend(), trainable: model.trainableWeights.map((w) => ({ name: w.originalName, shape: w.shape as number[] })) });
}

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
const NAMED_LOSSES: Record<string, LossFn> = {
  categoricalCrossentropy: tf.metrics.categoricalCrossentropy,
  binaryCrossentropy: tf.metrics.binaryCrossentropy,
  meanSquaredError: tf.metrics.meanSquaredError,
};

function compiledLoss(m: tf.LayersModel): LossFn {
  const l = m.loss as unknown;
  const one = Array.isArray(l) ? l[0] : l;
  if (typeof one === 'function') return one as LossFn;
  if (typeof one === 'string' && NAMED_LOSSES[one]) return NAMED_LOSSES[one];
  throw new Error(`parallel trainer: unsupported loss ${JSON.stringify(one)}`);
}

function lossOf(m: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  // The compiled loss, applied as LayersModel.fit does: per-sample losses averaged over the shard.
  const pred = m.apply(x, { training: true }) as tf.Tensor;
  let loss = tf.mean(compiledLoss(m)(y, pred)) as tf.Scalar;
  for (const extra of m.losses as unknown as Array<() => tf.Scalar>) loss = tf.add(loss, extra()) as tf.Scalar;
  return loss;
}

function grads(msg: Extract<ToWorker, { type: 'grads' }>): void {
  const m = model!;
  const vars = m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads: g } = tf.variableGrads(() => tf.tidy(() => {
    const x = tf.tensor(msg.x, msg.xShape);
    const y = tf.tensor(msg.y, msg.yShape);
    return lossOf(m, x, y);
  }), vars);
  const out = vars.map((v) => (g[v.name] ? (g[v.name].dataSync() as Float32Array).slice() : new Float32Array(v.size)));
  const loss = value.dataSync()[0];
  value.dispose();
  tf.dispose(g);
  send({ type: 'grads', step: msg.step, loss, n: msg.xShape[0], grads: out }, out.map((a) => a.buffer as ArrayBuffer));
}

function apply(msg: Extract<ToWorker, { type: 'apply' }>): void {
  const m = model!;
  const vars = m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const named: tf.NamedTensorMap = {};
  vars.forEach((v, i) => { named[v.name] = tf.tensor(msg.grads[i], v.shape); });
  m.optimizer.applyGradients(named);
  tf.dispose(Object.values(named));
}

function weights(): WeightBlob[] {
  return model!.weights.map((w) => {
    const v = w.read();
    return { name: w.originalName, shape: w.shape as number[], data: (v.dataSync() as Float32Array).slice() };
  });
}

port.on('message', async (msg: ToWorker) => {
  try {
    if (msg.type === 'init') await init(msg);
    else if (msg.type === 'grads') grads(msg);
    else if (msg.type === 'apply') apply(msg);
    else if (msg.type === 'setWeights') {
      const ts = msg.weights.map((b) => tf.tensor(b.data, b.shape));
      model!.setWeights(ts);
      tf.dispose(ts);
      send({ type: 'ok' });
    } else if (msg.type === 'getWeights') send({ type: 'weights', weights: weights() });
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? `${err.message}${process.env.PADDY_DEBUG ? `\n${err.stack}` : ''}` : String(err) });
  }
});
