// A run's penultimate layer for library images: what its last (softmax) layer sees, so the map can show how the
// trained model groups the images rather than how ImageNet features do. CNN: its own pixels (the pixel cache at
// the run's size); a frozen MobileNetV2: the cached features through the head; fine-tuned: its own base first.
import tf from './tfjs.cjs';
import type { Library } from '../library';
import { decodeCached } from './data/pixel-cache';
import { decodeMany, toBatch } from './data/images';
import { ensureFeatures, FEATURE_SIZE } from './features/feature-cache';
import type { LoadedModel } from './saved-model';

export interface EmbeddingImage {
  imageId: number;
  sha256: string;
  sourcePath: string;
}

const CHUNK = 256;

/** The model up to the input of its last layer (the classifier), sharing its weights. */
function penultimate(model: tf.LayersModel): tf.LayersModel {
  const last = model.layers[model.layers.length - 1];
  const input = last.input as tf.SymbolicTensor;
  return tf.model({ inputs: model.inputs, outputs: input });
}

function runBatches(model: tf.LayersModel, make: (s: number, e: number) => tf.Tensor, n: number, batch: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let s = 0; s < n; s += batch) {
    const e = Math.min(n, s + batch);
    const y = tf.tidy(() => model.predict(make(s, e)) as tf.Tensor);
    out.push(y.dataSync() as Float32Array);
    y.dispose();
  }
  return out;
}

export async function runEmbeddings(
  lib: Library,
  loaded: LoadedModel,
  images: readonly EmbeddingImage[],
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ dims: number; matrix: Float32Array }> {
  const head = penultimate(loaded.main);
  const dims = (head.outputs[0].shape[head.outputs[0].shape.length - 1] as number) ?? 0;
  const matrix = new Float32Array(images.length * dims);
  const meta = loaded.meta;
  opts.onProgress?.(0, images.length);
  for (let s = 0; s < images.length; s += CHUNK) {
    if (opts.signal?.aborted) throw new Error('cancelled');
    const chunk = images.slice(s, s + CHUNK);
    let parts: Float32Array[];
    if (meta.model === 'cnn') {
      const size = meta.imageSize;
      const pixels = await decodeCached(lib, chunk, size, { signal: opts.signal });
      parts = runBatches(head, (a, b) => tf.tensor4d(toBatch(pixels.slice(a, b), size, 'unit'), [b - a, size, size, 3]), pixels.length, 64);
    } else if (!loaded.base) {
      const f = await ensureFeatures(lib, chunk.map((c) => c.imageId), { alpha: meta.alpha ?? 1, weightsDir: loaded.baseDir!, signal: opts.signal });
      parts = runBatches(head, (a, b) => tf.tensor2d(f.matrix.subarray(a * f.dims, b * f.dims), [b - a, f.dims]), chunk.length, 1024);
    } else {
      const pixels = await decodeMany(chunk.map((c) => c.sourcePath), FEATURE_SIZE, { signal: opts.signal });
      const base = loaded.base;
      parts = runBatches(
        head,
        (a, b) => (base.apply(tf.tensor4d(toBatch(pixels.slice(a, b), FEATURE_SIZE, 'mobilenet'), [b - a, FEATURE_SIZE, FEATURE_SIZE, 3]), { training: false }) as tf.Tensor4D).mean([1, 2]),
        pixels.length,
        16,
      );
    }
    let at = s * dims;
    for (const p of parts) {
      matrix.set(p, at);
      at += p.length;
    }
    opts.onProgress?.(s + chunk.length, images.length);
  }
  return { dims, matrix };
}
