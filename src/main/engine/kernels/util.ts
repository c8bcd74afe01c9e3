// Shared plumbing for Paddy's wasm gradient kernels. The kernels are written with tf ops: inside a kernel the
// engine runs nested ops on the same (wasm) backend without recording them on the gradient tape, so each
// gradient becomes a handful of XNNPACK-backed forward kernels (Conv2D, DepthwiseConv2dNative, Transpose…).
import tf from '../tfjs.cjs';

export type Info = tf.TensorInfo;

/** Kernel inputs are normally Tensors already; wrap a bare TensorInfo so tf ops accept it (caller disposes). */
export function asTensor<R extends tf.Rank>(info: Info): { t: tf.Tensor<R>; owned: boolean } {
  if (info instanceof tf.Tensor) return { t: info as tf.Tensor<R>, owned: false };
  return { t: tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>, owned: true };
}

/** Runs `fn` on tensors made from the kernel's inputs inside a tidy; returns the single output tensor. */
export function withInputs<R extends tf.Rank>(infos: Info[], fn: (...ts: tf.Tensor4D[]) => tf.Tensor<R>): tf.Tensor<R> {
  const wrapped = infos.map((i) => asTensor<tf.Rank.R4>(i));
  try {
    return tf.tidy(() => fn(...wrapped.map((w) => w.t)));
  } finally {
    for (const w of wrapped) if (w.owned) w.t.dispose();
  }
}

export interface Geometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  dH: number;
  dW: number;
  padTop: number;
  padLeft: number;
}

type PadAttr = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** The convolution's geometry as tfjs computes it for the forward op (so padding rules match exactly). */
export function geometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  dilations: number | [number, number] | undefined,
  pad: PadAttr,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  depthwise: boolean,
  kernel: string,
): Geometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape, filterShape, strides, dilations ?? 1, pad, dimRoundingMode, depthwise, 'channelsLast',
  );
  if (info.dataFormat !== 'channelsLast') throw new Error(`${kernel} (wasm, Paddy): only NHWC is supported`);
  return {
    batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, inC: info.inChannels,
    outH: info.outHeight, outW: info.outWidth, kH: info.filterHeight, kW: info.filterWidth,
    sH: info.strideHeight, sW: info.strideWidth, dH: info.dilationHeight, dW: info.dilationWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
}

/**
 * Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor. Gradient
 * formulations need exact extents that can be either, depending on how padding left rows unused.
 */
export function padOrCrop(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  let y = x;
  const [n, h, w, c] = x.shape;
  const cropT = Math.max(0, -top), cropB = Math.max(0, -bottom), cropL = Math.max(0, -left), cropR = Math.max(0, -right);
  if (cropT || cropB || cropL || cropR) y = tf.slice(y, [0, cropT, cropL, 0], [n, h - cropT - cropB, w - cropL - cropR, c]);
  const pT = Math.max(0, top), pB = Math.max(0, bottom), pL = Math.max(0, left), pR = Math.max(0, right);
  if (pT || pB || pL || pR) y = tf.pad(y, [[0, 0], [pT, pB], [pL, pR], [0, 0]]);
  return y;
}

/** Inserts (s-1) zeros between rows / columns: the output gradient of a strided op seen at stride 1. */
export function dilateSpatial(dy: tf.Tensor4D, sH: number, sW: number): tf.Tensor4D {
  if (sH === 1 && sW === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const six = tf.reshape(dy, [n, h, 1, w, 1, c]);
  const padded = tf.pad(six, [[0, 0], [0, 0], [0, sH - 1], [0, 0], [0, sW - 1], [0, 0]]);
  const big = tf.reshape(padded, [n, h * sH, w * sW, c]) as tf.Tensor4D;
  return tf.slice(big, [0, 0, 0, 0], [n, (h - 1) * sH + 1, (w - 1) * sW + 1, c]);
}
