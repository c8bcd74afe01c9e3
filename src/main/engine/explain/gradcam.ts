// Grad-CAM by a real gradient (tfjs autodiff): the model is split at its target activation map A (CNN: the last
// conv layer's output, after its BatchNorm + ReLU when it has them; MobileNetV2: `out_relu`, the last block's map
// before pooling) into "image → A" and "A → class score". The score is the pre-softmax logit of the class; its
// gradient wrt A, averaged over the map, weighs A's channels, and ReLU(Σ_k w_k A_k), upsampled bilinearly to the
// model's input size and scaled to max 1, is the heat map. For MobileNetV2 the head sits on the pooled vector,
// so autodiff spreads the head's gradient evenly over the map (the mean's gradient).
import tf from '../tfjs.cjs';
import type { LoadedModel } from '../saved-model';

/** A model split at its Grad-CAM layer. `toMap` and `toLogits` are pure tensor functions (call them in tf.tidy). */
export interface GradCamTarget {
  /** The model's input size (square). */
  inputSize: number;
  /** Input batch [n,s,s,3] (normalised as the model expects) → activation map [n,h,w,c]. */
  toMap(x: tf.Tensor4D): tf.Tensor4D;
  /** Activation map → pre-softmax class scores [n,k]; `extra`: per-image numbers the head also takes (the object's
   * shape, features/shape.ts), constant for the gradient. */
  toLogits(a: tf.Tensor4D, extra?: tf.Tensor2D): tf.Tensor2D;
  /** What the map is, for messages and the bench ("conv_1 8×8×16"). */
  describe(): string;
}

const isInput = (l: tf.layers.Layer): boolean => l.getClassName() === 'InputLayer';
const MAP_FOLLOWERS = new Set(['BatchNormalization', 'ReLU', 'Activation', 'LeakyReLU']);

/** The output layer's scores before its softmax: the layer's own kernel and bias on its input. */
function logitsOf(last: tf.layers.Layer, h: tf.Tensor): tf.Tensor2D {
  const cfg = last.getConfig() as { activation?: string };
  if (last.getClassName() !== 'Dense' || cfg.activation !== 'softmax') return last.apply(h, { training: false }) as tf.Tensor2D;
  const [kernel, bias] = last.getWeights();
  const z = tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D);
  return (bias ? tf.add(z, bias) : z) as tf.Tensor2D;
}

function applyAll(layers: readonly tf.layers.Layer[], x: tf.Tensor): tf.Tensor {
  return layers.reduce((t, l) => l.apply(t, { training: false }) as tf.Tensor, x);
}

/** A sequential CNN (Paddy's custom or reference CNN): the last Conv2D, with its BatchNorm/ReLU if any. */
export function cnnTarget(model: tf.LayersModel): GradCamTarget {
  const layers = model.layers.filter((l) => !isInput(l));
  let at = -1;
  layers.forEach((l, i) => l.getClassName() === 'Conv2D' && (at = i));
  if (at < 0) throw new Error('the model has no Conv2D layer to explain');
  while (at + 1 < layers.length - 1 && MAP_FOLLOWERS.has(layers[at + 1]!.getClassName())) at++;
  const before = layers.slice(0, at + 1);
  const after = layers.slice(at + 1, -1);
  const last = layers[layers.length - 1]!;
  const inputSize = model.inputs[0]!.shape[1] as number;
  const shape = layers[at]!.outputShape as number[];
  return {
    inputSize,
    toMap: (x) => applyAll(before, x) as tf.Tensor4D,
    toLogits: (a) => logitsOf(last, applyAll(after, a)),
    describe: () => `${layers[at]!.name} ${shape.slice(1).join('×')}`,
  };
}

/** MobileNetV2 base (output out_relu [7,7,C]) + a dense head on the global-average-pooled map. */
export function mobilenetTarget(base: tf.LayersModel, head: tf.LayersModel): GradCamTarget {
  const headLayers = head.layers.filter((l) => !isInput(l));
  const last = headLayers[headLayers.length - 1]!;
  const hidden = headLayers.slice(0, -1);
  const shape = base.outputs[0]!.shape as number[];
  if (shape.length !== 4) throw new Error(`the MobileNetV2 base ends in ${JSON.stringify(shape)}, not an activation map`);
  return {
    inputSize: base.inputs[0]!.shape[1] as number,
    toMap: (x) => base.apply(x, { training: false }) as tf.Tensor4D,
    toLogits: (a, extra) => logitsOf(last, applyAll(hidden, extra ? tf.concat([a.mean([1, 2]) as tf.Tensor2D, extra], 1) : a.mean([1, 2]))),
    describe: () => `${base.outputs[0]!.name.split('/')[0]} ${shape.slice(1).join('×')}`,
  };
}

/** The Grad-CAM target of a loaded run model; `base`: the MobileNetV2 base when the run did not save its own. */
export function targetOf(model: LoadedModel, base?: tf.LayersModel | null): GradCamTarget {
  if (model.meta.model === 'cnn') return cnnTarget(model.main);
  const b = model.base ?? base;
  if (!b) throw new Error('a MobileNetV2 run needs its base model to explain');
  return mobilenetTarget(b, model.main);
}

/**
 * Grad-CAM channel weights: per image, the mean over the map of ∂(score of its class)/∂A — [n, c]. `a` is the
 * activation map; `classes[i]` the class of image i. Images are independent (inference mode), so one gradient of
 * the summed scores gives every image's own.
 */
export function channelWeights(target: GradCamTarget, a: tf.Tensor4D, classes: readonly number[], numClasses: number, extra?: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const k = numClasses;
    const mask = tf.oneHot(tf.tensor1d(classes as number[], 'int32'), k).toFloat();
    const score = (m: tf.Tensor): tf.Scalar => tf.sum(tf.mul(target.toLogits(m as tf.Tensor4D, extra), mask));
    const g = tf.grad(score)(a) as tf.Tensor4D;
    return g.mean([1, 2]) as tf.Tensor2D;
  });
}

/**
 * Bilinear upsampling of a square map (m×m, row-major) to size×size with half-pixel centres (as
 * tf.image.resizeBilinear(…, halfPixelCenters) and OpenCV): map cell (i, j) covers the input pixels the
 * convolutions saw, centred. Then scaled to max 1 (all 0 stays 0). Cached maps are small and upsampled on read.
 */
export function upsampleHeat(cam: ArrayLike<number>, m: number, size: number): Float32Array {
  const out = new Float32Array(size * size);
  const scale = m / size;
  const src = (o: number) => {
    const s = Math.max(0, (o + 0.5) * scale - 0.5);
    const lo = Math.min(m - 1, Math.floor(s));
    return { lo, hi: Math.min(m - 1, lo + 1), t: s - lo };
  };
  const cols = Array.from({ length: size }, (_, x) => src(x));
  let max = 0;
  for (let y = 0; y < size; y++) {
    const r = src(y);
    for (let x = 0; x < size; x++) {
      const c = cols[x]!;
      const top = cam[r.lo * m + c.lo]! * (1 - c.t) + cam[r.lo * m + c.hi]! * c.t;
      const bottom = cam[r.hi * m + c.lo]! * (1 - c.t) + cam[r.hi * m + c.hi]! * c.t;
      const v = top * (1 - r.t) + bottom * r.t;
      out[y * size + x] = v;
      if (v > max) max = v;
    }
  }
  if (max > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! / max;
  return out;
}

export interface GradCamResult {
  /** Softmax probabilities, per image, in the model's class order. */
  probabilities: Float32Array[];
  /** The class explained per image (the predicted one unless chosen). */
  classIndex: number[];
  /** Per image: ReLU(Σ w_k A_k) at the map's size (mapSize², row-major), before upsampling and scaling. */
  cam: Float32Array[];
  /** Per image: size×size heat values, row-major, ≥ 0, max 1 (all 0 when nothing speaks for the class). */
  heat: Float32Array[];
  size: number;
  /** The activation map's size (h = w). */
  mapSize: number;
}

/**
 * Grad-CAM for a batch of n images (`x`: [n,s,s,3], normalised as the model expects). `classIndex`: one class for
 * all images, one per image, or null for each image's predicted class; `extra` as in toLogits. Every tensor is
 * disposed before it returns (except `x` and `extra`, the caller's).
 */
export function gradCam(target: GradCamTarget, x: tf.Tensor4D, classIndex: number | null | ReadonlyArray<number | undefined>, extra?: tf.Tensor2D): GradCamResult {
  const size = target.inputSize;
  const a = tf.tidy(() => target.toMap(x));
  try {
    const probs = tf.tidy(() => tf.softmax(target.toLogits(a, extra)).arraySync() as number[][]);
    // One class for all, one per image (e.g. a run's eight-view prediction), or each image's own top class.
    const classes = probs.map((p, i) => (Array.isArray(classIndex) ? classIndex[i] : (classIndex as number | null)) ?? p.indexOf(Math.max(...p)));
    if (classes.some((c) => c < 0 || c >= probs[0]!.length)) throw new Error(`class index ${classIndex} is outside 0..${probs[0]!.length - 1}`);
    const [n, m, mw] = a.shape;
    if (m !== mw) throw new Error(`the activation map is ${m}×${mw}, not square`);
    const camT = tf.tidy(() => {
      const w = channelWeights(target, a, classes, probs[0]!.length, extra);
      return tf.relu(tf.sum(tf.mul(a, w.reshape([n, 1, 1, -1])), 3)).reshape([n, m * m]);
    });
    const flat = camT.dataSync() as Float32Array;
    camT.dispose();
    const cam = classes.map((_, i) => flat.slice(i * m * m, (i + 1) * m * m));
    return {
      probabilities: probs.map((p) => Float32Array.from(p)),
      classIndex: classes,
      cam,
      heat: cam.map((c) => upsampleHeat(c, m, size)),
      size,
      mapSize: m,
    };
  } finally {
    a.dispose();
  }
}
