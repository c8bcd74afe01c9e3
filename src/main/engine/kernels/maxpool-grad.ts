// MaxPoolGrad for wasm as a JS loop over the heap. tfjs-backend-wasm's own kernel profiled at 84 ms per
// reference-CNN step (batch 32); this one is memory-bound and routes each window's gradient to its first
// maximum in row-major order, exactly like the cpu backend (ties after ReLU are common, so this matters).
import tf from '../tfjs.cjs';
import { f32, type WasmBackendLike } from './heap';

type PoolAttrs = {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

export function maxPoolGrad(args: {
  inputs: { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo };
  backend: WasmBackendLike;
  attrs: PoolAttrs;
}): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.input, dy = inputs.dy;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const padT = info.padInfo.top, padL = info.padInfo.left;
  const out = backend.makeOutput(x.shape, 'float32');
  // Views are taken after makeOutput: allocating may grow (and detach) the wasm memory.
  const X = f32(backend, x), DY = f32(backend, dy), DX = f32(backend, out);
  DX.fill(0);
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && padT === 0 && padL === 0) {
    pool2x2Grad(X, DY, DX, n, h, w, c, oh, ow);
    return out;
  }
  const best = new Float32Array(c);
  const pos = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    const xb = b * h * w * c;
    for (let r = 0; r < oh; r++) {
      const r0 = r * sh - padT;
      for (let q = 0; q < ow; q++) {
        const q0 = q * sw - padL;
        best.fill(-Infinity);
        pos.fill(-1);
        for (let i = 0; i < fh; i++) {
          const xr = r0 + i;
          if (xr < 0 || xr >= h) continue;
          for (let j = 0; j < fw; j++) {
            const xc = q0 + j;
            if (xc < 0 || xc >= w) continue;
            const base = xb + (xr * w + xc) * c;
            for (let k = 0; k < c; k++) {
              const v = X[base + k];
              if (v > best[k] || pos[k] < 0) { best[k] = v; pos[k] = base + k; }
            }
          }
        }
        const o = ((b * oh + r) * ow + q) * c;
        for (let k = 0; k < c; k++) if (pos[k] >= 0) DX[pos[k]] += DY[o + k];
      }
    }
  }
  return out;
}

/** The common 2×2 / stride 2 / unpadded case without per-window scratch arrays (first max wins ties). */
function pool2x2Grad(X: Float32Array, DY: Float32Array, DX: Float32Array, n: number, h: number, w: number, c: number, oh: number, ow: number): void {
  const row = w * c;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        const p00 = ((b * h + 2 * r) * w + 2 * q) * c;
        const p01 = p00 + c, p10 = p00 + row, p11 = p10 + c;
        const o = ((b * oh + r) * ow + q) * c;
        for (let k = 0; k < c; k++) {
          let best = X[p00 + k], at = p00 + k;
          const v01 = X[p01 + k], v10 = X[p10 + k], v11 = X[p11 + k];
          if (v01 > best) { best = v01; at = p01 + k; }
          if (v10 > best) { best = v10; at = p10 + k; }
          if (v11 > best) { at = p11 + k; }
          DX[at] = DY[o + k];
        }
      }
    }
  }
}
