// The reference CNN, exactly: 64×64×3 → conv16 3×3 valid+ReLU → pool2 → conv32 3×3 same+ReLU → pool2 →
// conv64 3×3 same+ReLU → pool2 → flatten → dense softmax; Adam. Used by the bench and the parallel tests.
import tf from '../tfjs.cjs';

export function buildReferenceCnn(numClasses = 5, seed = 1, size = 64, lr = 1e-3): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 100 + s });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [size, size, 3], filters: 16, kernelSize: 3, padding: 'valid', activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(3) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: init(4) }));
  model.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Entry point for `createParallelTrainer({ modelModule })`: each worker thread builds its replica here. */
export function buildModel(args: { numClasses?: number; seed?: number; size?: number; lr?: number } = {}): tf.LayersModel {
  return buildReferenceCnn(args.numClasses ?? 5, args.seed ?? 1, args.size ?? 64, args.lr ?? 1e-3);
}
