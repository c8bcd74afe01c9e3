// Paddy's gradient kernels for the tfjs `wasm` backend. tfjs-backend-wasm 4.22 lacks Conv2DBackpropFilter and
// the depthwise backprop kernels, and its Conv2DBackpropInput is a slow scalar loop; these replace all four
// with formulations built from the backend's fast XNNPACK forward kernels (see conv2d-grads.ts).
import tf from '../tfjs.cjs';
// Loaded first so its own kernel registrations (which would overwrite ours) have already run.
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilter, conv2DBackpropInput } from './conv2d-grads';
import { maxPoolGrad } from './maxpool-grad';
import { makeLeadingAxesSum } from './sum-leading';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from './depthwise-grads';

const KERNELS: Array<{ kernelName: string; kernelFunc: (args: never) => tf.TensorInfo }> = [
  { kernelName: 'Conv2DBackpropFilter', kernelFunc: conv2DBackpropFilter },
  { kernelName: 'Conv2DBackpropInput', kernelFunc: conv2DBackpropInput },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', kernelFunc: depthwiseBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', kernelFunc: depthwiseBackpropInput },
  { kernelName: 'MaxPoolGrad', kernelFunc: maxPoolGrad },
];
// Sum wraps tfjs's own kernel (kept as the fallback), so it is looked up when registering, not at import.
const SUM = 'Sum';

const registered = new Set<string>();

/**
 * Registers Paddy's kernels for backend 'wasm' (idempotent; replaces tfjs's own Conv2DBackpropInput) and
 * returns their names. Call it before or after `tf.setBackend('wasm')`.
 */
export function registerWasmTrainingKernels(): string[] {
  for (const k of KERNELS) {
    if (registered.has(k.kernelName)) continue;
    if (tf.getKernel(k.kernelName, 'wasm')) tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel({ kernelName: k.kernelName, backendName: 'wasm', kernelFunc: k.kernelFunc as unknown as tf.KernelFunc });
    registered.add(k.kernelName);
  }
  if (!registered.has(SUM)) {
    const original = tf.getKernel(SUM, 'wasm');
    if (original) {
      tf.unregisterKernel(SUM, 'wasm');
      tf.registerKernel({ ...original, kernelFunc: makeLeadingAxesSum(original.kernelFunc) });
      registered.add(SUM);
    }
  }
  return [...KERNELS.map((k) => k.kernelName), ...(registered.has(SUM) ? [SUM] : [])];
}
