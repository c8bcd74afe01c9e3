// One training run from start to its final state, in the process that calls it (the training worker).
// It writes what the run produces (snapshot, epochs, predictions, model) and reports progress as TrainEvents;
// each change of the run's status goes through the RunLifecycle it is given (the runs service's). A cancel
// between batches ends it as 'cancelled'; any error as 'failed'.
import tf from '../tfjs.cjs';
import fs from 'node:fs';
import type { TrainEvent } from '../../../shared/contract';
import type { EpochMetrics, MobileNetConfig, CnnConfig, TestMetrics, TrainCommon, TrainConfig } from '../../../shared/types';
import type { Library } from '../../library';
import { saveEpoch, savePredictions, saveSnapshot, setRunBackend, setRunEngine, type PredictionRow } from '../../repos/runs.repo';
import { argmax, testMetrics } from '../metrics';
import { useBackend } from '../backends';
import { fitImages } from './cnn-trainer';
import { ensureFeatures, ensureViewFeatures, weightsFor } from '../features/feature-cache';
import { applyShapeScaling, ensureShapes, SHAPE_DIMS, standardiseShapes, withShapes } from '../features/shape';
import { foldShapeIntoHead, SHAPE_FUSION, shapesOfPixels, trainShapeClassifier, withShapeFusion } from './shape-head';
import { ALL_VIEWS, averageViews, ONE_VIEW } from '../data/views';
import { predictImageViews } from '../inference';
import { gather, predictHead, trainHead } from './head-trainer';
import { buildCnn } from '../models/cnn';
import { loadBase, weightsHash } from '../weights/find';
import { fineTune, predictFiles } from './mobilenet-trainer';
import { decodeCached } from '../data/pixel-cache';
import { loadRunModel, modelDir, saveRunModel } from '../saved-model';
import { predictLibrary } from '../inference';
import { checkSnapshot, takeCheckedSnapshot, type Snapshot } from '../snapshot';
import { CNN_RECIPE, FINETUNE_RECIPE, HEAD_RECIPE } from '../config';

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export interface RunControl {
  cancelled(): boolean;
  signal: AbortSignal;
}

/** What a completed run produced, beyond the rows written while it trained. */
export interface RunResult {
  params: number;
  modelBytes: number;
  seconds: Record<string, number>;
  test: TestMetrics;
}

/**
 * A run's status transitions. The engine says when they happen; the runs service (services/runs.ts) records
 * them, so that one module decides what a transition writes and when a run may still make it.
 */
export interface RunLifecycle {
  /** queued → running, in this process. Throws when the run does not exist. */
  running(runId: string): void;
  /** → completed. False when the run was already ended elsewhere (a cancel or a kill won). */
  completed(runId: string, result: RunResult): boolean;
  /** → failed with the reason, or cancelled; `seconds` holds the phases timed so far and the run's wall time (total). */
  ended(runId: string, status: 'failed' | 'cancelled', error: string | null, seconds?: Record<string, number>): void;
}

interface Ctx {
  lib: Library;
  runId: string;
  emit: (e: TrainEvent) => void;
  control: RunControl;
  seconds: Record<string, number>;
}

async function timed<T>(ctx: Ctx, phase: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    ctx.seconds[phase] = Math.round(((ctx.seconds[phase] ?? 0) + (performance.now() - t0) / 1000) * 1000) / 1000;
  }
}

/** Throttled batch events with an ETA over all remaining batches of the run. */
function batchReporter(ctx: Ctx, epochs: number) {
  const t0 = performance.now();
  let last = 0;
  let done = 0;
  return (p: { epoch: number; batch: number; batches: number; loss: number; accuracy: number }) => {
    done = (p.epoch - 1) * p.batches + p.batch;
    const now = performance.now();
    if (now - last < 150 && p.batch !== p.batches) return;
    last = now;
    const rate = done / ((now - t0) / 1000);
    const left = epochs * p.batches - done;
    ctx.emit({ type: 'batch', runId: ctx.runId, ...p, etaSeconds: rate > 0 ? Math.round(left / rate) : null });
  };
}

/** Records what runs the training steps (its tfjs backend may be idle: ONNX Runtime can run them) and tells the UI. */
function engineRecorder(ctx: Ctx) {
  return (engine: string) => {
    setRunEngine(ctx.lib.db, ctx.runId, engine);
    ctx.emit({ type: 'engine', runId: ctx.runId, engine });
  };
}

function epochSaver(ctx: Ctx) {
  return (m: EpochMetrics) => {
    saveEpoch(ctx.lib.db, ctx.runId, m, ctx.seconds);
    ctx.emit({ type: 'epoch', runId: ctx.runId, metrics: m });
  };
}

function predictionRows(snap: Snapshot, images: Snapshot['images'], probs: Float32Array): { rows: PredictionRow[]; truth: number[]; pred: number[] } {
  const k = snap.classes.length;
  const rows: PredictionRow[] = [];
  const truth: number[] = [];
  const pred: number[] = [];
  images.forEach((im, i) => {
    const row = Array.from(probs.subarray(i * k, (i + 1) * k));
    const t = snap.index.get(im.classId)!;
    const p = argmax(row);
    truth.push(t);
    pred.push(p);
    rows.push({ imageId: im.imageId, trueClassId: im.classId, predictedClassId: snap.classes[p]!.id, confidence: row[p]!, loss: -Math.log(Math.max(row[t]!, 1e-7)), probs: row });
  });
  return { rows, truth, pred };
}

const labelsOf = (snap: Snapshot, images: Snapshot['images']) => Int32Array.from(images, (im) => snap.index.get(im.classId)!);

function concat<T extends Float32Array | Int32Array>(a: T, b: T): T {
  const out = new (a.constructor as new (n: number) => T)(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function runCnn(ctx: Ctx, snap: Snapshot, cfg: CnnConfig & TrainCommon) {
  const size = cfg.imageSize;
  // Pixels come from the library's pixel cache when an earlier run decoded them at this size (pixel-cache.ts).
  const [train, val, test] = await timed(ctx, 'decode', async () => {
    const { train: a, val: b, test: c } = snap.bySplit;
    const all = await decodeCached(ctx.lib, [...a, ...b, ...c], size, {
      signal: ctx.control.signal,
      onProgress: (done) => ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'decode', done, total: snap.images.length }),
    });
    return [all.slice(0, a.length), all.slice(a.length, a.length + b.length), all.slice(a.length + b.length)] as const;
  });
  let shape: tf.LayersModel | null = null;
  const model = buildCnn({ imageSize: size, filters: cfg.filters, dense: cfg.dense, dropout: cfg.dropout, numClasses: snap.classes.length, seed: cfg.seed, batchNorm: cfg.batchNorm, globalPool: cfg.globalPool });
  try {
    ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'train', done: 0, total: cfg.epochs });
    const completed = await timed(ctx, 'train', () => fitImages(model, { pixels: train, y: labelsOf(snap, snap.bySplit.train) }, {
      size, epochs: cfg.epochs, batchSize: cfg.batchSize, learningRate: cfg.learningRate, seed: cfg.seed, augment: cfg.augment, ...CNN_RECIPE,
      patience: cfg.earlyStopping ? cfg.patience : undefined,
      validation: { pixels: val, y: labelsOf(snap, snap.bySplit.val) },
      onBatch: batchReporter(ctx, cfg.epochs), onEpoch: epochSaver(ctx), shouldStop: () => ctx.control.cancelled(),
      onEngine: engineRecorder(ctx),
    }));
    if (!completed) throw new Cancelled();
    // The shape classifier weighed in beside the CNN (train/shape-head.ts), on the numbers of the same pixels.
    shape = cfg.shapeFeatures ? await timed(ctx, 'train', () => trainShapeClassifier(shapesOfPixels(train, size), labelsOf(snap, snap.bySplit.train), snap.classes.length, cfg.seed)) : null;
    ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'test', done: 0, total: test.length });
    const k = snap.classes.length;
    const probs = await timed(ctx, 'test', async () => withShapeFusion(predictImageViews(model, test, size, cfg.testViews ? ALL_VIEWS : ONE_VIEW), shape, test, size, k, SHAPE_FUSION.weight));
    const bytes = await timed(ctx, 'save', () => saveRunModel(ctx.lib, ctx.runId, {
      format: 'paddy-model-1', model: 'cnn', classes: snap.classes.map((c) => c.name), imageSize: size, normalisation: 'unit',
      ...(cfg.testViews ? { testViews: true } : {}), ...(shape ? { shapeFusion: SHAPE_FUSION.weight } : {}),
    }, { main: model, shape: shape ?? undefined }));
    return { probs, params: model.countParams() + (shape?.countParams() ?? 0), bytes };
  } finally {
    model.dispose();
    shape?.dispose();
  }
}

async function runMobileNet(ctx: Ctx, snap: Snapshot, cfg: MobileNetConfig & TrainCommon) {
  const dir = weightsFor(ctx.lib, cfg.alpha, cfg.weightsDir);
  const ids = snap.images.map((i) => i.imageId);
  // Features and head run on different engines; ensureFeatures names its extractor only when it computed rows.
  let extractor = 'cached';
  const feats = await timed(ctx, 'features', () => ensureFeatures(ctx.lib, ids, {
    alpha: cfg.alpha, weightsDir: cfg.weightsDir, signal: ctx.control.signal,
    onProgress: (done, total) => ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'features', done, total }),
    onExtractor: (name) => (extractor = name),
  }));
  // A fine-tune names what ran its frozen blocks once it knows (onCacheEngine below), re-recording the line.
  let headEngine = '';
  let frozenEngine = '';
  // What trains the tuned blocks: the ONNX Runtime block step when it can, else tfjs (fineTune's onEngine says).
  let tuneEngine = `tfjs ${tf.getBackend()}`;
  const recordEngine = (head: string) => {
    headEngine = head;
    const tune = cfg.fineTuneBlocks > 0 ? ` · fine-tune: ${tuneEngine}${frozenEngine ? ` (frozen blocks: ${frozenEngine})` : ''}` : '';
    engineRecorder(ctx)(`features: ${extractor} · head: ${head}${tune}`);
  };
  const row = new Map(ids.map((id, i) => [id, i]));
  // The object's shape numbers beside the features (features/shape.ts) for a frozen base; mostly cached by the
  // feature pass, which computes them from the pixels it decodes.
  const shapes = cfg.shapeFeatures && cfg.fineTuneBlocks === 0
    ? await timed(ctx, 'features', () => ensureShapes(ctx.lib, ids, { signal: ctx.control.signal }))
    : null;
  const rowsOf = (list: Snapshot['images']) => list.map((im) => row.get(im.imageId)!);
  const withShape = (m: Float32Array, list: Snapshot['images']) => (shapes ? withShapes(m, feats.dims, gather(shapes, SHAPE_DIMS, rowsOf(list))) : m);
  const dims = shapes ? feats.dims + SHAPE_DIMS : feats.dims;
  const pick = (list: Snapshot['images']) => withShape(gather(feats.matrix, feats.dims, rowsOf(list)), list);
  const { train, val, test } = snap.bySplit;
  // With augment, the head also trains on one other view of each training image (data/views.ts secondView):
  // its features are cached like the rest, so the second run on a library computes none of them again.
  const second = cfg.augment ? await timed(ctx, 'features', async () => (await ensureViewFeatures(ctx.lib, train.map((i) => i.imageId), ['second'], {
    alpha: cfg.alpha, weightsDir: cfg.weightsDir, signal: ctx.control.signal,
    onProgress: (done, total) => ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'features', done: ids.length + done, total: ids.length + total }),
    onExtractor: (name) => (extractor = name),
  }))[0]!.matrix) : null;
  const trainX = second ? concat(pick(train), withShape(second, train)) : pick(train);
  // The head learns on standardised shape columns; the statistics are folded into it after training.
  const scaling = shapes ? standardiseShapes(trainX, feats.dims) : null;
  const trainY = second ? concat(labelsOf(snap, train), labelsOf(snap, train)) : labelsOf(snap, train);
  ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'train', done: 0, total: cfg.epochs });
  // A quarter of the head's epochs, at most FINETUNE_RECIPE.maxEpochs: a tuned epoch costs far more than a head's.
  const { learningRateFactor, maxEpochs, ...tuneRecipe } = FINETUNE_RECIPE;
  const tuneEpochs = cfg.fineTuneBlocks > 0 ? Math.max(1, Math.min(maxEpochs, Math.round(cfg.epochs / 4))) : 0;
  const head = await timed(ctx, 'train', () => trainHead(trainX, dims, trainY, snap.classes.length, {
    dense: cfg.dense, dropout: cfg.dropout, epochs: cfg.epochs, batchSize: cfg.batchSize, learningRate: cfg.learningRate, seed: cfg.seed, ...HEAD_RECIPE,
    validation: val.length ? { x: scaling ? applyShapeScaling(pick(val), feats.dims, scaling) : pick(val), y: labelsOf(snap, val) } : undefined,
    patience: cfg.earlyStopping ? cfg.patience : undefined,
    onBatch: batchReporter(ctx, cfg.epochs), onEpoch: epochSaver(ctx), shouldStop: () => ctx.control.cancelled(), onEngine: recordEngine,
  }));
  if (scaling) foldShapeIntoHead(head, feats.dims, scaling);
  let base: tf.LayersModel | null = null;
  // Fine-tuning above a cut scores the test images itself, from the activations it already holds.
  let testProbs: Float32Array | null = null;
  try {
    if (ctx.control.cancelled()) throw new Cancelled();
    if (cfg.fineTuneBlocks > 0) {
      let tuneReport: ReturnType<typeof batchReporter> | undefined;
      const tuned = await timed(ctx, 'finetune', () => fineTune(head, {
        modelDir: dir, blocks: cfg.fineTuneBlocks, epochs: tuneEpochs, batchSize: Math.min(cfg.batchSize, 16),
        learningRate: cfg.learningRate * learningRateFactor, seed: cfg.seed, signal: ctx.control.signal, ...tuneRecipe,
        train: { paths: train.map((i) => i.sourcePath), y: labelsOf(snap, train) },
        validation: { paths: val.map((i) => i.sourcePath), y: labelsOf(snap, val) },
        test: { paths: test.map((i) => i.sourcePath) },
        onCacheEngine: (name) => {
          frozenEngine = name;
          recordEngine(headEngine);
        },
        onEngine: (name) => {
          tuneEngine = name;
          recordEngine(headEngine);
        },
        onCache: (done, total) => ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'finetune', done, total }),
        // Created at the first step, so the ETA's rate leaves out the time spent caching activations.
        onBatch: (p) => (tuneReport ??= batchReporter(ctx, tuneEpochs))(p),
        onEpoch: (m) => epochSaver(ctx)({ ...m, epoch: cfg.epochs + m.epoch }),
        shouldStop: () => ctx.control.cancelled(),
      }));
      base = tuned.base;
      testProbs = tuned.testProbs ?? null;
      if (!tuned.completed) throw new Cancelled();
    }
    ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'test', done: 0, total: test.length });
    const probs = testProbs ?? await timed(ctx, 'test', async () => {
      if (base) return predictFiles(base, head, test.map((i) => i.sourcePath), 16, ctx.control.signal);
      const asIs = predictHead(head, pick(test), dims);
      if (!cfg.testViews || !test.length) return asIs;
      // Test-time views: the other seven flips/quarter turns of each test image (cached for the next run too).
      const others = await ensureViewFeatures(ctx.lib, test.map((i) => i.imageId), ALL_VIEWS.slice(1), {
        alpha: cfg.alpha, weightsDir: cfg.weightsDir, signal: ctx.control.signal,
        onProgress: (done, total) => ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'test', done: Math.floor((done / total) * test.length), total: test.length }),
      });
      return averageViews([asIs, ...others.map((f) => predictHead(head, withShape(f.matrix, test), dims))]);
    });
    const baseParams = base ? base.countParams() : await (async () => {
      const b = await loadBase(dir);
      const n = b.countParams();
      b.dispose();
      return n;
    })();
    const bytes = await timed(ctx, 'save', () => saveRunModel(ctx.lib, ctx.runId, {
      format: 'paddy-model-1', model: 'mobilenetv2', classes: snap.classes.map((c) => c.name), imageSize: 224, normalisation: 'mobilenet',
      alpha: cfg.alpha, baseWeightsHash: weightsHash(dir), ownBase: Boolean(base), baseDir: dir,
      ...(cfg.testViews && !base ? { testViews: true } : {}), ...(second ? { secondView: true } : {}), ...(shapes ? { shapeFeatures: true } : {}),
    }, { main: head, base: base ?? undefined }));
    return { probs, params: baseParams + head.countParams(), bytes };
  } finally {
    head.dispose();
    base?.dispose();
  }
}

/**
 * Predicts the rest of the library (train: in-sample, val, and images outside the snapshot) with the saved model,
 * so Browse can show the run's prediction on every image. Its own phase in the run's seconds, so the training
 * time stays what it was. A cancel here cancels the run, like any other phase.
 */
async function predictRest(ctx: Ctx, config: TrainConfig): Promise<void> {
  await timed(ctx, 'predict', async () => {
    const model = await loadRunModel(ctx.lib, ctx.runId, config.model === 'mobilenetv2' ? config.weightsDir : undefined);
    try {
      await predictLibrary(ctx.lib, ctx.runId, model, {
        exceptSplit: 'test', signal: ctx.control.signal,
        onProgress: (done, total) => ctx.emit({ type: 'phase', runId: ctx.runId, phase: 'predict', done, total }),
      });
    } finally {
      model.dispose();
    }
  });
  if (ctx.control.cancelled()) throw new Cancelled();
}

/** Runs `runId` (a row already inserted as 'queued') to its end. Never throws: the outcome is in the db and events. */
export async function runTraining(
  lib: Library,
  runId: string,
  config: TrainConfig,
  emit: (e: TrainEvent) => void,
  control: RunControl,
  lifecycle: RunLifecycle,
): Promise<'completed' | 'failed' | 'cancelled'> {
  const ctx: Ctx = { lib, runId, emit, control, seconds: {} };
  const t0 = performance.now();
  try {
    lifecycle.running(runId);
    const purpose = config.model === 'cnn' ? 'train-conv' : config.fineTuneBlocks > 0 ? 'train-conv' : 'train-dense';
    const backend = await useBackend(config.backend, purpose);
    setRunBackend(lib.db, runId, backend);
    const snapOpts = { maxPerClass: config.maxPerClass, seed: config.seed, signal: control.signal };
    let snap = await takeCheckedSnapshot(lib, snapOpts);
    checkSnapshot(snap);
    saveSnapshot(lib.db, runId, snap.hash, snap.classes, snap.images, snap.excluded);
    // A MobileNetV2 head with augment trains on two views of each training image (runMobileNet).
    const rowsPerEpoch = snap.bySplit.train.length * (config.model === 'mobilenetv2' && config.augment ? 2 : 1);
    emit({ type: 'started', runId, backend, config, totalEpochs: config.epochs, batchesPerEpoch: Math.ceil(rowsPerEpoch / config.batchSize), excludedMissing: snap.excluded });
    let out;
    for (let attempt = 1; ; attempt++) {
      try {
        out = config.model === 'cnn' ? await runCnn(ctx, snap, config) : await runMobileNet(ctx, snap, config);
        break;
      } catch (e) {
        // Source files that vanished or changed while the run read them: check again, leave them out, start over
        // (decoded pixels and features of the rest are cached, so a retry redoes little). Any other error stands.
        if (e instanceof Cancelled || control.cancelled() || attempt >= 3) throw e;
        const again = await takeCheckedSnapshot(lib, snapOpts);
        if (again.excluded <= snap.excluded) throw e;
        snap = again;
        checkSnapshot(snap);
        saveSnapshot(lib.db, runId, snap.hash, snap.classes, snap.images, snap.excluded);
      }
    }
    const { rows, truth, pred } = predictionRows(snap, snap.bySplit.test, out.probs);
    savePredictions(lib.db, runId, rows);
    const test = testMetrics(snap.classes.map((c) => c.name), truth, pred);
    await predictRest(ctx, config);
    ctx.seconds.total = Math.round((performance.now() - t0) / 10) / 100;
    if (!lifecycle.completed(runId, { params: out.params, modelBytes: out.bytes, seconds: ctx.seconds, test })) {
      throw new Error(`run ${runId} was ended elsewhere while it trained`);
    }
    emit({ type: 'finished', runId, test, seconds: ctx.seconds });
    return 'completed';
  } catch (e) {
    fs.rmSync(modelDir(lib, runId), { recursive: true, force: true });
    // A run that stops early still took this long: the Runs table shows it, not just the phases timed so far.
    ctx.seconds.total = Math.round((performance.now() - t0) / 10) / 100;
    if (e instanceof Cancelled || control.cancelled()) {
      lifecycle.ended(runId, 'cancelled', null, ctx.seconds);
      emit({ type: 'cancelled', runId });
      return 'cancelled';
    }
    const msg = e instanceof Error ? e.message : String(e);
    lifecycle.ended(runId, 'failed', msg, ctx.seconds);
    emit({ type: 'failed', runId, error: msg });
    return 'failed';
  }
}
