// Fine-tuning the top N MobileNetV2 blocks never changes anything below them, and BatchNorm runs in inference
// mode, so each image's activation at the input of the first tuned block (the "cut") is fixed for the whole
// run. splitBase cuts the base there into `bottom` (frozen: run once per image) and `top` (trained every
// step). Both wrappers reuse base's own layer objects, so training `top` trains `base` — the model that is saved.
import tf from '../tfjs.cjs';
import type { FeatureExtractor } from '../features/extractor';
import { extractFiles, FEATURE_SIZE } from '../features/feature-cache';

export interface SplitBase {
  /** base.inputs → the cut tensor (frozen part). */
  bottom: tf.LayersModel;
  /** The cut → base.outputs, sharing base's layers (and so its weights). */
  top: tf.LayersModel;
  /** The cut activation's shape per image, [h, w, c]. */
  cutShape: [number, number, number];
  /** Releases the wrappers without ever disposing base's weights (see below). */
  dispose(): void;
}

/** The tensor entering block_(17−blocks), or null when there is nothing frozen to cut off (blocks ≥ 17 or ≤ 0). */
export function cutTensor(base: tf.LayersModel, blocks: number): tf.SymbolicTensor | null {
  if (blocks <= 0 || blocks >= 17) return null;
  const expand = base.getLayer(`block_${17 - blocks}_expand`);
  // inboundNodes[0] is the node base itself was built from (later replays append nodes, never reorder them).
  return expand.inboundNodes[0]!.inputTensors[0]!;
}

export function splitBase(base: tf.LayersModel, blocks: number): SplitBase | null {
  const cut = cutTensor(base, blocks);
  if (!cut) return null;
  const bottom = tf.model({ inputs: base.inputs, outputs: cut, name: `bottom_${blocks}` });
  const cutShape = cut.shape.slice(1) as [number, number, number];
  const input = tf.input({ shape: cutShape, name: `cut_${blocks}` });
  // Replays, in base's topological order, every layer that depends on the cut, feeding each the new tensors
  // that stand for its original inputs (the residual Add layers take two).
  const mapped = new Map<tf.SymbolicTensor, tf.SymbolicTensor>([[cut, input]]);
  const cutIndex = base.layers.indexOf(cut.sourceLayer as tf.layers.Layer);
  for (const layer of base.layers.slice(cutIndex + 1)) {
    const node = layer.inboundNodes[0]!;
    const ins = node.inputTensors.map((t) => mapped.get(t));
    if (ins.every((t) => t === undefined)) continue;
    if (ins.some((t) => t === undefined)) throw new Error(`splitBase: layer ${layer.name} also reads a tensor from below the cut`);
    const out = layer.apply(ins.length === 1 ? ins[0]! : (ins as tf.SymbolicTensor[])) as tf.SymbolicTensor;
    mapped.set(node.outputTensors[0]!, out);
  }
  const output = mapped.get(base.outputs[0]!);
  if (!output) throw new Error('splitBase: base output does not depend on the cut');
  const top = tf.model({ inputs: input, outputs: output, name: `top_${blocks}` });
  return {
    bottom,
    top,
    cutShape,
    dispose() {
      // A LayersModel's dispose decrements each of its layers' refcounts and frees a layer's weights at zero.
      // Replaying a layer symbolically (above) added one to its count, so top.dispose() takes back exactly that
      // and base's layers stay alive. `bottom` added nothing (tf.model over existing tensors calls no layer), so
      // disposing it would drop base's own counts to zero and free base's weights: it is left to the GC — it
      // owns no tensors itself.
      top.dispose();
    },
  };
}

export interface CutActivations {
  data: Float32Array;
  /** Floats per image (h·w·c). */
  per: number;
}

/** onnxruntime-node for the bottom unless PADDY_EXTRACTOR=tfjs or it cannot load or export; else null (tfjs runs it). */
export async function tryCutRunner(modelDir: string, bottom: tf.LayersModel): Promise<FeatureExtractor | null> {
  if (process.env.PADDY_EXTRACTOR === 'tfjs') return null;
  try {
    const { createCutRunner } = await import('../onnx/runtime/cut-extractor');
    return await createCutRunner(modelDir, bottom.outputs[0]!.sourceLayer.name);
  } catch {
    return null;
  }
}

/**
 * The cut activations of image files, one Float32Array (n × per), bottom in inference mode, batch by batch
 * (on `runner` when given: the same layers exported to ONNX).
 * Null when `shouldStop` (or the signal) ends it between batches — a cancel during this phase.
 */
export async function cutActivations(
  bottom: tf.LayersModel, paths: readonly string[],
  opts: { batchSize?: number; signal?: AbortSignal; shouldStop?: () => boolean; onBatch?: (done: number) => void; runner?: FeatureExtractor | null } = {},
): Promise<CutActivations | null> {
  const per = (bottom.outputs[0]!.shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
  const data = new Float32Array(paths.length * per);
  const runner = opts.runner;
  const extract = runner
    ? (x: Float32Array, n: number) => runner.extract(x, n)
    : async (x: Float32Array, n: number) => {
        const out = tf.tidy(() => bottom.apply(tf.tensor4d(x, [n, FEATURE_SIZE, FEATURE_SIZE, 3]), { training: false }) as tf.Tensor);
        try {
          return (await out.data()) as Float32Array;
        } finally {
          out.dispose();
        }
      };
  const completed = await extractFiles(paths, extract, {
    batchSize: opts.batchSize ?? 16,
    signal: opts.signal,
    shouldStop: opts.shouldStop,
    onBatch: (start, out) => {
      data.set(out, start * per);
      opts.onBatch?.(start + out.length / per);
    },
  });
  return completed ? { data, per } : null;
}

/** Rows `idx` of cached activations as one Float32Array (what the ONNX Runtime block step takes). */
export function gatherRows(acts: CutActivations, idx: readonly number[]): Float32Array {
  const x = new Float32Array(idx.length * acts.per);
  idx.forEach((r, i) => x.set(acts.data.subarray(r * acts.per, (r + 1) * acts.per), i * acts.per));
  return x;
}

/** Rows `idx` of cached activations as one [n, h, w, c] tensor. */
export function gatherCut(acts: CutActivations, shape: readonly number[], idx: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(gatherRows(acts, idx), [idx.length, shape[0]!, shape[1]!, shape[2]!]);
}

/** Probabilities through top (inference mode) + pooling + head for cached activations. */
export async function predictCut(top: tf.LayersModel, head: tf.LayersModel, acts: CutActivations, shape: readonly number[], batchSize = 32): Promise<Float32Array> {
  const n = acts.data.length / acts.per;
  const k = head.outputs[0]!.shape[1] as number;
  const out = new Float32Array(n * k);
  for (let s = 0; s < n; s += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - s) }, (_, i) => s + i);
    const probs = tf.tidy(() => {
      const f = (top.apply(gatherCut(acts, shape, idx), { training: false }) as tf.Tensor4D).mean([1, 2]);
      return head.apply(f, { training: false }) as tf.Tensor;
    });
    out.set((await probs.data()) as Float32Array, s * k);
    probs.dispose();
  }
  return out;
}
