// The object's shape numbers (features/shape.ts) in a run's prediction. A frozen MobileNetV2 head takes them beside
// the features: it trains on standardised shape columns, then the standardisation is folded into its first layer,
// so the saved head takes [features | raw shape] and every caller only appends the image's raw shape vector. A custom
// CNN weighs in a classifier on them instead (SHAPE_FUSION).
import tf from '../tfjs.cjs';
import { foldShapeScaling, SHAPE_DIMS, shapeOf, standardiseShapes, type ShapeScaling } from '../features/shape';
import { predictHead, trainHead } from './head-trainer';

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

/**
 * A custom CNN weighs in a small classifier on the object's shape numbers, measured on its own input pixels: the
 * run's probabilities are softmax(log p_cnn + weight · log p_shape). The CNN learns the grain's texture end to end
 * but, trained to ~100% on its training images, leaves little for a head on its own features to learn; the
 * 13 numbers alone score ~98.6–99.3% on held-out rice, and weighed in at 0.25 they cut the CNN's errors on two
 * libraries' val + test splits from 31 to 18 of 5,760 (BENCHMARKS.md, "Seventh session").
 */
export const SHAPE_FUSION = { weight: 0.25, dense: [32], epochs: 60, batchSize: 64, learningRate: 0.01 } as const;

/** The shape classifier of a CNN run: trained on standardised numbers, then folded to take raw ones. */
export async function trainShapeClassifier(shapes: Float32Array, y: Int32Array, numClasses: number, seed: number): Promise<tf.LayersModel> {
  const x = shapes.slice();
  const scaling = standardiseShapes(x, 0);
  const { dense, epochs, batchSize, learningRate } = SHAPE_FUSION;
  const model = await trainHead(x, SHAPE_DIMS, y, numClasses, { dense: [...dense], dropout: 0, epochs, batchSize, learningRate, seed, labelSmoothing: 0, cosineDecay: true, warmup: 0 });
  foldShapeIntoHead(model, 0, scaling);
  return model;
}

/** Row by row: softmax(log p + weight · log q), with both clamped away from 0 (as the exported graph does). */
export function fuseWithShape(p: Float32Array, q: Float32Array, k: number, weight: number = SHAPE_FUSION.weight): Float32Array {
  const out = new Float32Array(p.length);
  for (let r = 0; r < p.length / k; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = Math.log(Math.max(p[r * k + j]!, 1e-9)) + weight * Math.log(Math.max(q[r * k + j]!, 1e-9));
      out[r * k + j] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let j = 0; j < k; j++) sum += out[r * k + j] = Math.exp(out[r * k + j]! - max);
    for (let j = 0; j < k; j++) out[r * k + j]! /= sum;
  }
  return out;
}

/** The shape numbers of decoded images (n × SHAPE_DIMS). */
export function shapesOfPixels(pixels: readonly Uint8Array[], size: number): Float32Array {
  const out = new Float32Array(pixels.length * SHAPE_DIMS);
  pixels.forEach((px, i) => out.set(shapeOf(px, size), i * SHAPE_DIMS));
  return out;
}

/** A CNN's probabilities with its shape classifier weighed in by `weight` (the run's, from its meta), when it has one. */
export function withShapeFusion(probs: Float32Array, shape: tf.LayersModel | null | undefined, pixels: readonly Uint8Array[], size: number, k: number, weight: number): Float32Array {
  if (!shape) return probs;
  return fuseWithShape(probs, predictHead(shape, shapesOfPixels(pixels, size), SHAPE_DIMS), k, weight);
}
