// Sum over leading axes (the bias gradient: Σ over n,h,w of an NHWC dy) as one pass over the heap. tfjs-wasm
// first transposes the reduced axes to the end (a full copy of dy) and then reduces; here each row is added
// into a per-channel accumulator. Any other reduction goes to tfjs's own kernel.
import tf from '../tfjs.cjs';
import { f32, type WasmBackendLike } from './heap';

type SumArgs = { inputs: { x: tf.TensorInfo }; backend: WasmBackendLike; attrs: { axis: number | number[]; keepDims?: boolean } };

export function makeLeadingAxesSum(fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: SumArgs) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return fallback(args as never);
    const inner = x.shape.slice(axes.length).reduce((a, b) => a * b, 1);
    const outer = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const outShape = attrs.keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
    const out = backend.makeOutput(outShape, 'float32');
    const X = f32(backend, x), O = f32(backend, out);
    // Float64 accumulation keeps long sums (≈10^5 rows) as accurate as tfjs's pairwise-free C++ loop or better.
    const acc = new Float64Array(inner);
    for (let r = 0, base = 0; r < outer; r++, base += inner) for (let k = 0; k < inner; k++) acc[k] += X[base + k];
    O.set(acc);
    return out;
  }) as unknown as tf.KernelFunc;
}
