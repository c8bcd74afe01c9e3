// Conv2D gradients for the wasm backend, both expressed as XNNPACK forward convolutions (the fast kernels
// this backend has) instead of im2col + transposed matmuls, which profiled at ~10x slower per step.
import tf from '../tfjs.cjs';
import { dilateSpatial, geometry, padOrCrop, withInputs, type Info } from './util';

type ConvAttrs = {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function checkFormat(kernel: string, attrs: ConvAttrs): void {
  if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernel} (wasm, Paddy): dataFormat ${attrs.dataFormat} is not supported; use NHWC`);
  }
}

/**
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} xpad[n, oh·s+kh, ow·s+kw, ci] · dy[n,oh,ow,co].
 * Read with ci as the batch axis and n as the channel axis this is a forward convolution of x (as
 * [ci,H,W,n]) with dy (as the filter [oh,ow,n,co]) at dilation s — one XNNPACK call, no transposed matmul.
 */
export function conv2DBackpropFilter(args: {
  inputs: { x: Info; dy: Info };
  attrs: ConvAttrs & { filterShape: [number, number, number, number] };
}): tf.Tensor4D {
  const { inputs, attrs } = args;
  checkFormat('Conv2DBackpropFilter', attrs);
  return withInputs([inputs.x, inputs.dy], (x, dy) => {
    const g = geometry(x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'Conv2DBackpropFilter');
    // Extents of x the windows actually touch; rows past the last window are cropped, padding is added.
    const padBottom = g.kH - 1 + (g.outH - 1) * g.sH - g.padTop - (g.inH - 1);
    const padRight = g.kW - 1 + (g.outW - 1) * g.sW - g.padLeft - (g.inW - 1);
    const xT = tf.transpose(x, [3, 1, 2, 0]); // [ci, H, W, n]
    const xP = padOrCrop(xT, g.padTop, padBottom, g.padLeft, padRight);
    const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [oh, ow, n, co]
    const out = tf.conv2d(xP, dyT, 1, 'valid', 'NHWC', [g.sH, g.sW]); // [ci, kh, kw, co]
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/**
 * dx = forward convolution of the (stride-dilated, padded) dy with the spatially flipped filter whose in/out
 * channel axes are swapped. tfjs-backend-wasm's own Conv2DBackpropInput is a scalar loop; this is XNNPACK.
 */
export function conv2DBackpropInput(args: {
  inputs: { dy: Info; filter: Info };
  attrs: ConvAttrs & { inputShape: [number, number, number, number] };
}): tf.Tensor4D {
  const { inputs, attrs } = args;
  checkFormat('Conv2DBackpropInput', attrs);
  return withInputs([inputs.dy, inputs.filter], (dy, filter) => {
    const g = geometry(attrs.inputShape, filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'Conv2DBackpropInput');
    const dyD = dilateSpatial(dy, g.sH, g.sW);
    const dH = dyD.shape[1], dW = dyD.shape[2];
    const top = g.kH - 1 - g.padTop, left = g.kW - 1 - g.padLeft;
    const dyP = padOrCrop(dyD, top, g.inH + g.kH - 1 - dH - top, left, g.inW + g.kW - 1 - dW - left);
    const wFlip = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]); // [kh, kw, co, ci]
    return tf.conv2d(dyP, wFlip as tf.Tensor4D, 1, 'valid');
  });
}
