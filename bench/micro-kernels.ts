// Micro-benchmark of the gradient kernels at the reference CNN's shapes (min of several runs, ms).
import tf from '../src/main/engine/tfjs.cjs';
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilter } from '../src/main/engine/kernels/conv2d-grads';
import { maxPoolGrad } from '../src/main/engine/kernels/maxpool-grad';

import { registerWasmTrainingKernels } from '../src/main/engine/kernels/index';
registerWasmTrainingKernels();
await tf.setBackend('wasm');
const backend = tf.backend() as never;
function time(label: string, fn: () => tf.TensorInfo | tf.Tensor, reps = 7) {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = fn();
    (tf.backend() as unknown as { disposeData(d: object): void }).disposeData(out.dataId);
    best = Math.min(best, performance.now() - t0);
  }
  console.log(label.padEnd(50), best.toFixed(2), 'ms');
}
const layers = [
  { x: [32, 64, 64, 3], k: [3, 3, 3, 16], pad: 'valid' },
  { x: [32, 31, 31, 16], k: [3, 3, 16, 32], pad: 'same' },
  { x: [32, 15, 15, 32], k: [3, 3, 32, 64], pad: 'same' },
] as const;
for (const l of layers) {
  const x = tf.randomNormal([...l.x]) as tf.Tensor4D;
  const w = tf.randomNormal([...l.k]) as tf.Tensor4D;
  const y = tf.conv2d(x, w, 1, l.pad) as tf.Tensor4D;
  const dy = tf.randomNormal(y.shape);
  const attrs = { strides: [1, 1] as [number, number], pad: l.pad, filterShape: l.k as unknown as [number, number, number, number] };
  time(`fwd conv ${l.x}`, () => tf.conv2d(x, w, 1, l.pad));
  time(`filter grad conv-form ${l.x}`, () => conv2DBackpropFilter({ inputs: { x, dy }, attrs }));
  time(`input grad (registered) ${l.x}`, () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: [1, 1], pad: l.pad, inputShape: l.x } as never) as tf.Tensor);
  const ph = Math.floor(y.shape[1] / 2);
  const pooled = tf.maxPool(y as tf.Tensor4D, 2, 2, 'valid');
  const dp = tf.randomNormal(pooled.shape);
  const pattrs = { filterSize: 2, strides: 2, pad: 'valid' as const };
  time(`maxpool grad wasm-native ${y.shape} -> ${ph}`, () => tf.engine().runKernel('MaxPoolGrad', { dy: dp, input: y, output: pooled }, pattrs as never) as tf.Tensor);
  time(`maxpool grad js ${y.shape}`, () => maxPoolGrad({ inputs: { dy: dp, input: y, output: pooled }, backend, attrs: pattrs }));
  time(`sum [0,1,2] ${y.shape}`, () => tf.sum(dy, [0, 1, 2]));
}
