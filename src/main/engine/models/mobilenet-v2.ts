// MobileNetV2 without its top, built with tf.layers as a port of keras.applications.mobilenet_v2 (Keras 2.2
// era, the one that wrote the official .h5 weights): same layer names, order, configs and weight shapes as the
// converted models Paddy already loads, so the .h5 weights can be set by layer name.
import tf from '../tfjs.cjs';
import type { Alpha } from '../weights/find';

/** keras.applications' rounding of channel counts to a multiple of 8 (never dropping more than 10%). */
export function makeDivisible(v: number, divisor = 8): number {
  let n = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

/** The inverted-residual blocks: [output filters, stride, expansion] for block 0..16. */
const BLOCKS: Array<[number, number, number]> = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

// Keras' defaults for these layers were glorot_uniform; the reference model.json records VarianceScaling
// fan_avg normal (glorotNormal). Initial values are overwritten anyway; the name keeps the configs equal.
const INIT = 'glorotNormal';

function bn(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.batchNormalization({ axis: -1, momentum: 0.999, epsilon: 1e-3, name }).apply(x) as tf.SymbolicTensor;
}

function relu6(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.reLU({ maxValue: 6, name }).apply(x) as tf.SymbolicTensor;
}

function conv1x1(x: tf.SymbolicTensor, filters: number, name: string, padding: 'same' | 'valid' = 'same'): tf.SymbolicTensor {
  return tf.layers.conv2d({ filters, kernelSize: 1, padding, useBias: false, kernelInitializer: INIT, name }).apply(x) as tf.SymbolicTensor;
}

function invertedResBlock(input: tf.SymbolicTensor, filters: number, stride: number, expansion: number, alpha: number, id: number): tf.SymbolicTensor {
  const inChannels = input.shape[3] as number;
  const pointwise = makeDivisible(Math.trunc(filters * alpha), 8);
  const prefix = id ? `block_${id}_` : 'expanded_conv_';
  let x = input;
  if (id) {
    x = conv1x1(x, expansion * inChannels, `${prefix}expand`);
    x = bn(x, `${prefix}expand_BN`);
    x = relu6(x, `${prefix}expand_relu`);
  }
  // Stride 2 pads only bottom/right (keras' correct_pad for even sizes), then a valid depthwise conv.
  if (stride === 2) x = tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: `${prefix}pad` }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({
    kernelSize: 3, strides: stride, padding: stride === 1 ? 'same' : 'valid', useBias: false,
    depthwiseInitializer: INIT, name: `${prefix}depthwise`,
  }).apply(x) as tf.SymbolicTensor;
  x = bn(x, `${prefix}depthwise_BN`);
  x = relu6(x, `${prefix}depthwise_relu`);
  x = conv1x1(x, pointwise, `${prefix}project`);
  x = bn(x, `${prefix}project_BN`);
  if (inChannels === pointwise && stride === 1) x = tf.layers.add({ name: `${prefix}add` }).apply([input, x]) as tf.SymbolicTensor;
  return x;
}

/** The base model (input [null,224,224,3] in [-1,1], output out_relu [null,7,7,1280]), randomly initialised. */
export function buildMobileNetV2(alpha: Alpha): tf.LayersModel {
  const input = tf.input({ shape: [224, 224, 3], name: 'input_1' });
  let x = tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: 'Conv1_pad' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({
    filters: makeDivisible(32 * alpha, 8), kernelSize: 3, strides: 2, padding: 'valid', useBias: false,
    kernelInitializer: INIT, name: 'Conv1',
  }).apply(x) as tf.SymbolicTensor;
  x = bn(x, 'bn_Conv1');
  x = relu6(x, 'Conv1_relu');
  BLOCKS.forEach(([filters, stride, expansion], id) => {
    x = invertedResBlock(x, filters, stride, expansion, alpha, id);
  });
  // Keras widens the last conv only for alpha > 1; both supported alphas keep 1280.
  x = conv1x1(x, alpha > 1 ? makeDivisible(1280 * alpha, 8) : 1280, 'Conv_1', 'valid');
  x = bn(x, 'Conv_1_bn');
  x = relu6(x, 'out_relu');
  return tf.model({ inputs: input, outputs: x, name: `mobilenetv2_${alpha === 1 ? '1.00' : '0.35'}_224` });
}

export const EXPECTED_PARAMS: Record<string, number> = { '1': 2_257_984, '0.35': 410_208 };
export const EXPECTED_LAYERS = 155;
