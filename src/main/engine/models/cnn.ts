// Paddy's custom CNN: blocks of conv3×3 (+ optional BatchNorm) + ReLU + maxpool, then dense layers with
// dropout and a softmax. Seeded initialisers so a run is reproducible on one backend.
import tf from '../tfjs.cjs';

export interface CnnSpec {
  imageSize: number;
  filters: number[];
  dense: number[];
  dropout: number;
  numClasses: number;
  seed: number;
  /** Conv (no bias: the norm cancels it) → BatchNormalization → ReLU in each block. */
  batchNorm?: boolean;
  /** Global average pooling instead of flattening the last map; with no hidden dense layer, dropout follows it. */
  globalPool?: boolean;
}

export function buildCnn(spec: CnnSpec): tf.Sequential {
  const model = tf.sequential({ name: 'paddy_cnn' });
  let seed = spec.seed;
  let size = spec.imageSize;
  spec.filters.forEach((filters, i) => {
    model.add(tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: spec.batchNorm ? 'linear' : 'relu',
      useBias: !spec.batchNorm,
      inputShape: i === 0 ? [spec.imageSize, spec.imageSize, 3] : undefined,
      kernelInitializer: tf.initializers.heNormal({ seed: seed++ }),
      name: `conv_${i}`,
    }));
    if (spec.batchNorm) {
      // Momentum 0.9 (PyTorch's 0.1), not Keras's 0.99: the moving statistics the model predicts with settle within
      // ~40 steps, so a run on a small library (the demo sample: a few hundred steps or fewer) predicts well too.
      model.add(tf.layers.batchNormalization({ name: `bn_${i}`, momentum: 0.9 }));
      model.add(tf.layers.reLU({ name: `relu_${i}` }));
    }
    if (size >= 2) {
      model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool_${i}` }));
      size = Math.floor(size / 2);
    }
  });
  if (spec.globalPool) {
    model.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
    if (!spec.dense.length && spec.dropout > 0) model.add(tf.layers.dropout({ rate: spec.dropout, name: 'dropout_gap' }));
  } else {
    model.add(tf.layers.flatten({ name: 'flatten' }));
  }
  spec.dense.forEach((units, i) => {
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed++ }), name: `dense_${i}` }));
    if (spec.dropout > 0) model.add(tf.layers.dropout({ rate: spec.dropout, name: `dropout_${i}` }));
  });
  model.add(tf.layers.dense({ units: spec.numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }), name: 'out' }));
  return model;
}
