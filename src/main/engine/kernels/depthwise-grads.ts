// Depthwise-conv gradients for the wasm backend (MobileNetV2 fine-tuning needs them; the frozen base does not).
import tf from '../tfjs.cjs';
import { dilateSpatial, geometry, padOrCrop, withInputs, type Info } from './util';

type DwAttrs = {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/**
 * dW[kh,kw,c,m] = Σ_{n,oh,ow} xpad[n, oh·s+kh·d, ow·s+kw·d, c] · dy[n,oh,ow,c·M+m]: one strided slice and
 * one multiply-reduce per filter tap (9 for 3×3). XNNPACK's depthwise conv cannot take dy as a huge filter,
 * so the slice form is the one that works for every shape.
 */
export function depthwiseBackpropFilter(args: {
  inputs: { x: Info; dy: Info };
  attrs: DwAttrs & { filterShape: [number, number, number, number] };
}): tf.Tensor4D {
  const { inputs, attrs } = args;
  return withInputs([inputs.x, inputs.dy], (x, dy) => {
    const g = geometry(x.shape, attrs.filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true, 'DepthwiseConv2dNativeBackpropFilter');
    const m = attrs.filterShape[3];
    const c = g.inC;
    const needH = (g.kH - 1) * g.dH + (g.outH - 1) * g.sH + 1;
    const needW = (g.kW - 1) * g.dW + (g.outW - 1) * g.sW + 1;
    const xP = padOrCrop(x, g.padTop, needH - g.inH - g.padTop, g.padLeft, needW - g.inW - g.padLeft);
    const dy5 = tf.reshape(dy, [g.batch, g.outH, g.outW, c, m]);
    const taps: tf.Tensor[] = [];
    for (let kh = 0; kh < g.kH; kh++) {
      for (let kw = 0; kw < g.kW; kw++) {
        const r0 = kh * g.dH, c0 = kw * g.dW;
        const xs = tf.stridedSlice(xP, [0, r0, c0, 0], [g.batch, r0 + (g.outH - 1) * g.sH + 1, c0 + (g.outW - 1) * g.sW + 1, c], [1, g.sH, g.sW, 1]);
        const prod = m === 1 ? tf.mul(xs, dy) : tf.mul(tf.reshape(xs, [g.batch, g.outH, g.outW, c, 1]), dy5);
        taps.push(tf.reshape(tf.sum(prod, [0, 1, 2]), [c, m]));
      }
    }
    return tf.reshape(tf.stack(taps), [g.kH, g.kW, c, m]) as tf.Tensor4D;
  });
}

/**
 * dx = depthwise forward conv of the (stride-dilated, padded) dy with the flipped filter: dy has c·M channels,
 * each convolved with its own flipped tap set, then the M multiplier outputs of a channel are summed.
 */
export function depthwiseBackpropInput(args: {
  inputs: { dy: Info; filter: Info };
  attrs: DwAttrs & { inputShape: [number, number, number, number] };
}): tf.Tensor4D {
  const { inputs, attrs } = args;
  return withInputs([inputs.dy, inputs.filter], (dy, filter) => {
    const g = geometry(attrs.inputShape, filter.shape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true, 'DepthwiseConv2dNativeBackpropInput');
    const [kh, kw, c, m] = filter.shape;
    const dyD = dilateSpatial(dy, g.sH, g.sW);
    const effKH = (kh - 1) * g.dH + 1, effKW = (kw - 1) * g.dW + 1;
    const top = effKH - 1 - g.padTop, left = effKW - 1 - g.padLeft;
    const dyP = padOrCrop(dyD, top, g.inH + effKH - 1 - dyD.shape[1] - top, left, g.inW + effKW - 1 - dyD.shape[2] - left);
    const wFlip = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, c * m, 1]) as tf.Tensor4D;
    const out = tf.depthwiseConv2d(dyP, wFlip, 1, 'valid', 'NHWC', [g.dH, g.dW]);
    if (m === 1) return out;
    return tf.sum(tf.reshape(out, [g.batch, g.inH, g.inW, c, m]), 4) as tf.Tensor4D;
  });
}
