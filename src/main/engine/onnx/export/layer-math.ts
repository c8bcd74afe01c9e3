// The exact arithmetic of the Keras→ONNX rewrite, kept apart from the graph walk: TF 'same' padding, kernel
// relayout and BatchNorm folding (in float64, rounded to float32 once at the end).
import type { Weight } from './layers-model';

export class ExportError extends Error {}

/** TensorFlow 'same' padding (before, after): the odd pixel goes after (bottom/right). */
export function samePads(size: number, k: number, stride: number, dilation: number): [number, number] {
  const eff = (k - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + eff - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * Keras kernel [kh, kw, cin, cout] (or depthwise [kh, kw, cin, mult]) → ONNX Conv weight [cout, cin/group, kh, kw]
 * as float64. A depthwise output channel is c*mult + m, which is exactly ONNX's grouping with group = cin.
 */
export function onnxConvWeights(k: Weight, depthwise: boolean): { W: Float64Array; cout: number; perOut: number } {
  const [kh, kw, cin, last] = k.shape;
  const cout = depthwise ? cin * last : last;
  const perOut = (depthwise ? 1 : cin) * kh * kw;
  const W = new Float64Array(cout * perOut);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < cin; c++)
        for (let o = 0; o < last; o++) {
          const src = k.data[((i * kw + j) * cin + c) * last + o];
          if (depthwise) W[(c * last + o) * perOut + i * kw + j] = src;
          else W[((o * cin + c) * kh + i) * kw + j] = src;
        }
  return { W, cout, perOut };
}

/** Inference-mode BatchNormalization as y = x*scale + shift per channel: scale = γ/√(var+ε), shift = β − mean·scale. */
export function bnScaleShift(p: { gamma?: Float32Array; beta?: Float32Array; mean: Float32Array; variance: Float32Array; eps: number }): { scale: Float64Array; shift: Float64Array } {
  const n = p.mean.length;
  const scale = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    scale[c] = (p.gamma ? p.gamma[c] : 1) / Math.sqrt(p.variance[c] + p.eps);
    shift[c] = (p.beta ? p.beta[c] : 0) - p.mean[c] * scale[c];
  }
  return { scale, shift };
}

export function pair(v: unknown, layer: string, key: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return [v[0], v[1]];
  throw new ExportError(`layer ${layer}: ${key} ${JSON.stringify(v)} is not a number or a pair`);
}
