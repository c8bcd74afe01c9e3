// A float64 reference convolution (NHWC, regular or depthwise) and finite-difference gradients, used by the
// kernel tests as ground truth independent of any tfjs backend.
import tf from '../../src/main/engine/tfjs.cjs';

export interface ConvCase {
  x: [number, number, number, number];
  k: [number, number, number, number]; // [kh, kw, ci, co] or, depthwise, [kh, kw, c, multiplier]
  stride: number;
  pad: 'same' | 'valid';
  depthwise: boolean;
}

export function rand(n: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

export function outShape(c: ConvCase): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.k, c.stride, 1, c.pad, undefined, c.depthwise);
  return [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
}

/** y = conv(x, w) in float64. */
export function conv(c: ConvCase, x: Float64Array, w: Float64Array): Float64Array {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.k, c.stride, 1, c.pad, undefined, c.depthwise);
  const [n, h, wd, ci] = c.x;
  const [kh, kw, , km] = c.k;
  const co = info.outChannels;
  const y = new Float64Array(n * info.outHeight * info.outWidth * co);
  for (let b = 0; b < n; b++)
    for (let oh = 0; oh < info.outHeight; oh++)
      for (let ow = 0; ow < info.outWidth; ow++)
        for (let o = 0; o < co; o++) {
          let acc = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const r = oh * c.stride + i - info.padInfo.top, q = ow * c.stride + j - info.padInfo.left;
              if (r < 0 || r >= h || q < 0 || q >= wd) continue;
              if (c.depthwise) {
                const ch = Math.floor(o / km), m = o % km;
                acc += x[((b * h + r) * wd + q) * ci + ch] * w[((i * kw + j) * ci + ch) * km + m];
              } else {
                for (let cc = 0; cc < ci; cc++) acc += x[((b * h + r) * wd + q) * ci + cc] * w[((i * kw + j) * ci + cc) * km + o];
              }
            }
          y[((b * info.outHeight + oh) * info.outWidth + ow) * co + o] = acc;
        }
  return y;
}

/** Central-difference gradient of L = Σ conv(x, w)·r with respect to x ('x') or w ('w'). */
export function numericGrad(c: ConvCase, x: Float64Array, w: Float64Array, r: Float64Array, wrt: 'x' | 'w'): Float64Array {
  const loss = (xx: Float64Array, ww: Float64Array) => conv(c, xx, ww).reduce((a, v, i) => a + v * r[i], 0);
  const target = wrt === 'x' ? x : w;
  const g = new Float64Array(target.length);
  const h = 1e-3;
  for (let i = 0; i < target.length; i++) {
    const keep = target[i];
    target[i] = keep + h;
    const up = loss(x, w);
    target[i] = keep - h;
    const down = loss(x, w);
    target[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
