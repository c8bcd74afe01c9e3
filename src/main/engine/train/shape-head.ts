// A frozen MobileNetV2 head with the object's shape numbers beside the features (features/shape.ts): it trains on
// standardised shape columns, then the standardisation is folded into its first layer, so the saved head takes
// [features | raw shape] and every caller only appends the image's raw shape vector.
import tf from '../tfjs.cjs';
import { foldShapeScaling, type ShapeScaling } from '../features/shape';

/** Rewrites the first Dense layer's kernel and bias so it takes raw shape numbers (exact up to float rounding). */
export function foldShapeIntoHead(head: tf.LayersModel, featureDims: number, scaling: ShapeScaling): void {
  const first = head.layers.find((l) => l.getClassName() === 'Dense');
  if (!first) throw new Error('the head has no Dense layer to take the shape numbers');
  const [kernel, bias] = first.getWeights();
  const folded = foldShapeScaling(kernel!.dataSync() as Float32Array, bias!.dataSync() as Float32Array, featureDims, scaling);
  const k = tf.tensor2d(folded.kernel, kernel!.shape as [number, number]);
  const b = tf.tensor1d(folded.bias);
  first.setWeights([k, b]);
  k.dispose();
  b.dispose();
}
