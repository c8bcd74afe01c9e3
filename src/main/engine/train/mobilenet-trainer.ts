// MobileNetV2 transfer learning. Frozen base (default): cached pooled features + a dense head — seconds per
// run. Fine-tuning (fineTuneBlocks > 0): the head is first trained on the features, then the top N blocks and
// the head train together at a fraction of the learning rate (FINETUNE_RECIPE in config.ts). BatchNorm layers stay
// frozen in inference mode (as Keras recommends), and every variable outside the chosen blocks is never
// handed to the optimizer, so it cannot change. Below the tuned blocks nothing changes, so that part runs once
// per image (finetune-cut.ts) and the steps train only the part above it: on ONNX Runtime's block step graph
// (ort-train/block-trainer.ts) unless the backend is native TensorFlow, onnxruntime-node does not load or the
// graph cannot express the tuned layers (then tfjs, with the reason in the engine name).
import os from 'node:os';
import tf from '../tfjs.cjs';
import type { EpochMetrics } from '../../../shared/types';
import { decodeMany, toBatch } from '../data/images';
import { lossAndAccuracy } from '../metrics';
import { FEATURE_SIZE } from '../features/feature-cache';
import { loadBase } from '../weights/find';
import { rng, withSeededMathRandom } from '../random';
import { runEpochs } from './epoch-loop';
import { learningRateAt } from './schedule';
import { cutActivations, cutTensor, gatherCut, gatherRows, predictCut, splitBase, tryCutRunner, type CutActivations, type SplitBase } from './finetune-cut';
import { createBlockTrainerFor, type BlockTrainer } from '../ort-train/block-trainer';

/** Layers of the top `blocks` blocks (16 = block_16 … 1 = block_1, 17 adds expanded_conv) plus Conv_1, BN excluded. */
export function fineTuneLayers(base: tf.LayersModel, blocks: number): tf.layers.Layer[] {
  if (blocks <= 0) return [];
  const first = 17 - blocks;
  return base.layers.filter((l) => {
    if (l.getClassName() === 'BatchNormalization') return false;
    if (/^Conv_1$/.test(l.name)) return true;
    const m = /^block_(\d+)_/.exec(l.name);
    if (m) return Number(m[1]) >= first;
    return blocks >= 17 && /^expanded_conv_/.test(l.name);
  }).filter((l) => l.trainableWeights.length > 0 || l.getWeights().length > 0);
}

export interface FineTuneOptions {
  modelDir: string;
  blocks: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  train: { paths: string[]; y: Int32Array };
  validation?: { paths: string[]; y: Int32Array };
  /** Images to score with the tuned model once training completes (returned as testProbs). */
  test?: { paths: string[] };
  /** Progress of computing the frozen part's activations (train + validation + test images). */
  onCache?: (done: number, total: number) => void;
  /** What runs the frozen part once per image (onnxruntime-node, else tfjs), for the run record. */
  onCacheEngine?: (name: string) => void;
  onBatch?: (p: { epoch: number; batch: number; batches: number; loss: number; accuracy: number }) => void;
  onEpoch?: (m: EpochMetrics) => void;
  shouldStop?: () => boolean;
  signal?: AbortSignal;
  /**
   * Who computes the steps on cached activations. 'auto' (default): the ONNX Runtime block step when the tfjs
   * backend is not native TensorFlow, onnxruntime-node loads and the tuned layers are supported; else tfjs.
   * 'onnxruntime' fails instead of falling back. Without a cut (all 17 blocks, or too many images) tfjs trains.
   */
  engine?: 'auto' | 'tfjs' | 'onnxruntime';
  /** Session threads of the ONNX Runtime step (default: every core). */
  threads?: number;
  /** Called once before the first step with what trains the tuned blocks ("onnxruntime-cpu, 2 threads", "tfjs wasm (…)"). */
  onEngine?: (engine: string) => void;
  /** ε of label smoothing on the ONNX Runtime step (targets (1 − ε)·one-hot + ε/K). Default 0. */
  labelSmoothing?: number;
  /** Cosine decay of the rate to 5% over the tuned steps, after an optional warm-up (schedule.ts). Default: constant. */
  cosineDecay?: boolean;
  warmup?: number;
  /**
   * Cut activations already computed for these very images and `blocks` (benchmarks reuse one pass across
   * settings): then no pass over the files runs. Must match train / validation / test row for row.
   */
  cut?: { train: CutActivations; validation?: CutActivations | null; test?: CutActivations | null };
}

/** The ONNX Runtime step for the tuned blocks + head above the cut, or the reason tfjs trains them instead. */
async function blockTrainerFor(base: tf.LayersModel, head: tf.LayersModel, opts: FineTuneOptions, cached: boolean): Promise<{ trainer: BlockTrainer; vars: tf.LayerVariable[] } | { reason: string }> {
  const want = opts.engine ?? 'auto';
  const cut = cutTensor(base, opts.blocks);
  const reason = want === 'tfjs' ? 'asked for' : !cached || !cut ? 'no cached cut' : want === 'auto' && tf.getBackend() === 'tensorflow' ? 'native backend' : null;
  if (reason) {
    if (want === 'onnxruntime') throw new Error(`the ONNX Runtime fine-tuning step cannot run: ${reason}`);
    return { reason };
  }
  try {
    return await createBlockTrainerFor(base, cut!, head, { threads: opts.threads, rand: rng(opts.seed + 4), labelSmoothing: opts.labelSmoothing });
  } catch (e) {
    if (want === 'onnxruntime') throw new Error(`the ONNX Runtime fine-tuning step cannot train these blocks: ${(e as Error).message}`);
    return { reason: (e as Error).message };
  }
}

/** Probabilities through base (inference mode) + head for image files, in batches. */
export async function predictFiles(base: tf.LayersModel, head: tf.LayersModel, paths: readonly string[], batchSize = 16, signal?: AbortSignal): Promise<Float32Array> {
  const k = head.outputs[0]!.shape[1] as number;
  const out = new Float32Array(paths.length * k);
  for (let s = 0; s < paths.length; s += batchSize) {
    const chunk = paths.slice(s, s + batchSize);
    const px = await decodeMany(chunk, FEATURE_SIZE, { signal });
    const probs = tf.tidy(() => {
      const x = tf.tensor4d(toBatch(px, FEATURE_SIZE, 'mobilenet'), [chunk.length, FEATURE_SIZE, FEATURE_SIZE, 3]);
      const f = (base.apply(x, { training: false }) as tf.Tensor4D).mean([1, 2]);
      return head.apply(f, { training: false }) as tf.Tensor;
    });
    out.set((await probs.data()) as Float32Array, s * k);
    probs.dispose();
  }
  return out;
}

/** Fine-tunes a fresh copy of the base together with `head` (trained in place). Returns the tuned base. */
export async function fineTune(head: tf.LayersModel, opts: FineTuneOptions): Promise<{ base: tf.LayersModel; completed: boolean; testProbs?: Float32Array }> {
  const base = await loadBase(opts.modelDir);
  const tuned = fineTuneLayers(base, opts.blocks);
  const vars = [...tuned.flatMap((l) => l.trainableWeights), ...head.trainableWeights].map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(opts.learningRate);
  const k = head.outputs[0]!.shape[1] as number;
  const split = cacheFits(base, opts) ? splitBase(base, opts.blocks) : null;
  let completed: boolean;
  let testProbs: Float32Array | undefined;
  let failed = false;
  try {
    // With a cut, the frozen bottom runs once per image here and every step trains top + head on the cached
    // activations; without one (all 17 blocks, or a cache too big: cacheFits) each step runs the whole base.
    const cached = split ? (opts.cut ? givenCut(split, opts) : await cacheSplits(split, opts)) : null;
    if (split && !cached) return { base, completed: false };
    const net = cached ? split!.top : base;
    const ort = await blockTrainerFor(base, head, opts, Boolean(cached));
    opts.onEngine?.('trainer' in ort ? ort.trainer.name : `tfjs ${tf.getBackend()}${opts.engine === 'tfjs' ? '' : ` (${ort.reason})`}`);
    completed = await withSeededMathRandom(opts.seed + 3, () => runEpochs({
      name: 'fine-tuning',
      rows: opts.train.paths.length,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      rand: rng(opts.seed + 2),
      step: async (idx, at) => {
        const lr = opts.cosineDecay || opts.warmup ? learningRateAt({ learningRate: opts.learningRate, cosineDecay: opts.cosineDecay ?? false, warmup: opts.warmup }, at.step, at.totalSteps) : opts.learningRate;
        if ('trainer' in ort) return ort.trainer.step(gatherRows(cached!.train, idx), Int32Array.from(idx, (i) => opts.train.y[i]!), lr);
        (optimizer as unknown as { learningRate: number }).learningRate = lr;
        const x = cached ? gatherCut(cached.train, split!.cutShape, idx) : await decodeBatch(opts.train.paths, idx, opts.signal);
        const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(idx, (i) => opts.train.y[i]!), 'int32'), k));
        let probs: tf.Tensor | null = null;
        const cost = optimizer.minimize(() => {
          const f = (net.apply(x, { training: false }) as tf.Tensor4D).mean([1, 2]);
          const p = head.apply(f, { training: true }) as tf.Tensor;
          probs = tf.keep(p);
          return tf.losses.softmaxCrossEntropy(y, tf.log(tf.clipByValue(p, 1e-7, 1))) as tf.Scalar;
        }, true, vars);
        const loss = (await cost!.data())[0]!;
        const accuracy = tf.tidy(() => tf.equal(tf.argMax(probs!, 1), tf.argMax(y, 1)).mean().dataSync()[0]!);
        cost!.dispose();
        (probs as tf.Tensor | null)?.dispose();
        x.dispose();
        y.dispose();
        return { loss, accuracy };
      },
      afterEpoch: () => ('trainer' in ort ? ort.trainer.copyInto(ort.vars) : undefined),
      validate: async () => {
        if (!opts.validation?.paths.length) return null;
        const probs = cached ? await predictCut(split!.top, head, cached.val!, split!.cutShape) : await predictFiles(base, head, opts.validation.paths, 16, opts.signal);
        return lossAndAccuracy(probs, opts.validation.y);
      },
      onBatch: opts.onBatch,
      onEpoch: opts.onEpoch,
      shouldStop: opts.shouldStop,
    })).finally(async () => {
      if (!('trainer' in ort)) return;
      ort.trainer.copyInto(ort.vars);
      await ort.trainer.dispose();
    });
    if (completed && cached?.test) testProbs = await predictCut(split!.top, head, cached.test, split!.cutShape);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    optimizer.dispose();
    // The wrappers first: they only give back their own references to base's layers.
    split?.dispose();
    if (failed) base.dispose();
  }
  return { base, completed, testProbs };
}

/**
 * Whether the cut activations of every image fit in memory: ≤ min(2 GiB, a quarter of RAM). Cuts near the top
 * are small (blocks 1–3 at α1.0: 7×7×160 floats, 31 KB/image, ≈ 376 MB for 12,000 images); deep cuts are not
 * (blocks 16: 112×112×16, 800 KB/image), and those runs keep decoding and running the whole base per step.
 */
function cacheFits(base: tf.LayersModel, opts: FineTuneOptions): boolean {
  const cut = cutTensor(base, opts.blocks);
  if (!cut) return false;
  const images = opts.train.paths.length + (opts.validation?.paths.length ?? 0) + (opts.test?.paths.length ?? 0);
  const bytes = images * (cut.shape.slice(1) as number[]).reduce((a, b) => a * b, 4);
  return bytes <= Math.min(2 ** 31, os.totalmem() / 4);
}

async function decodeBatch(paths: readonly string[], idx: number[], signal?: AbortSignal): Promise<tf.Tensor4D> {
  const px = await decodeMany(idx.map((i) => paths[i]!), FEATURE_SIZE, { signal });
  return tf.tensor4d(toBatch(px, FEATURE_SIZE, 'mobilenet'), [idx.length, FEATURE_SIZE, FEATURE_SIZE, 3]);
}

/** The caller's activations (opts.cut), checked against the cut's size and the image counts. */
function givenCut(split: SplitBase, opts: FineTuneOptions) {
  const c = opts.cut!;
  const per = split.cutShape.reduce((a, b) => a * b, 1);
  const check = (acts: CutActivations | null | undefined, n: number, what: string) => {
    if (!n) return null;
    if (!acts || acts.per !== per || acts.data.length !== n * per) throw new Error(`fineTune: the given ${what} cut activations do not match ${n} images of ${split.cutShape.join('×')}`);
    return acts;
  };
  return { train: check(c.train, opts.train.paths.length, 'train')!, val: check(c.validation, opts.validation?.paths.length ?? 0, 'validation'), test: check(c.test, opts.test?.paths.length ?? 0, 'test') };
}

/** Cut activations of train, validation and test images, with progress over all three; null when stopped. */
async function cacheSplits(split: SplitBase, opts: FineTuneOptions) {
  const sets = [opts.train.paths, opts.validation?.paths ?? [], opts.test?.paths ?? []];
  const total = sets.reduce((a, s) => a + s.length, 0);
  let before = 0;
  const out: CutActivations[] = [];
  const runner = await tryCutRunner(opts.modelDir, split.bottom);
  opts.onCacheEngine?.(runner?.name ?? `tfjs ${tf.getBackend()}`);
  try {
    for (const paths of sets) {
      const acts = await cutActivations(split.bottom, paths, { runner, signal: opts.signal, shouldStop: opts.shouldStop, onBatch: (done) => opts.onCache?.(before + done, total) });
      if (!acts) return null;
      out.push(acts);
      before += paths.length;
    }
  } finally {
    await runner?.dispose();
  }
  return { train: out[0]!, val: opts.validation?.paths.length ? out[1]! : null, test: opts.test?.paths.length ? out[2]! : null };
}
