// Grad-CAM heat maps of a completed run (issue 13, saliency): for library images (by id), files (by path) and
// uploaded bytes (written to a private temporary folder, like predictUpload). Maps are cached per (run, image
// bytes, class) under <library>/cache/heatmaps/<run>/ at the activation map's own size (7×7 for MobileNetV2) and
// upsampled on read, so a repeat view is a file read; the host answers fully cached requests itself and sends
// the rest to a worker job (runs.explain), which computes what is missing. Probabilities are cached as the model
// gives them and answered calibrated with the run's temperature (the predicted class and the heat do not change).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tf from '../engine/tfjs.cjs';
import type { Emit, RequestInput } from '../../shared/contract';
import type { ExplainResult } from '../../shared/types';
import type { Library } from '../library';
import type { RunClass } from '../repos/runs.repo';
import { imageFile } from '../repos/images.repo';
import { decodeImage, toBatch } from '../engine/data/images';
import { gradCam, targetOf, upsampleHeat } from '../engine/explain/gradcam';
import { scoreFiles } from '../engine/inference';
import { predictionViews } from '../engine/data/views';
import { argmax } from '../engine/metrics';
import { SHAPE_DIMS } from '../engine/features/shape';
import { shapesOfPixels } from '../engine/train/shape-head';
import { FEATURE_SIZE, readMeta, type ModelMeta } from '../engine/saved-model';
import { loadBase, writeAtomic } from '../engine/weights/find';
import { calibrate, calibrationWithoutModel, runTemperature } from './calibration';
import { loadCompletedRunModel } from './run-model';
import { requireRun } from './runs';

export type ExplainInput = RequestInput<'runs.explain'>;

const BATCH = 8;

// The shared MobileNetV2 base as tfjs layers, kept while this process lives (a worker is reused for a minute):
// the grid's tiles come in small batches, each a job, and loading the base costs more than explaining a batch.
let sharedBase: { dir: string; model: tf.LayersModel } | null = null;

async function baseFor(dir: string): Promise<tf.LayersModel> {
  if (sharedBase?.dir !== dir) {
    sharedBase?.model.dispose();
    sharedBase = null;
    sharedBase = { dir, model: await loadBase(dir) };
  }
  return sharedBase.model;
}

interface Item {
  path: string;
  imageId?: number;
  sha: string | null;
  error?: string;
}

interface CachedProbs {
  probabilities: number[];
}

interface CachedMap {
  classIndex: number;
  mapSize: number;
  cam: number[];
}

function cacheDir(lib: Library, runId: string): string {
  return path.join(lib.paths.cache, 'heatmaps', runId);
}

const probsFile = (dir: string, sha: string) => path.join(dir, `${sha}.json`);
const mapFile = (dir: string, sha: string, k: number) => path.join(dir, `${sha}-${k}.json`);

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Deleting a run's cached maps (the run is gone, or its model changed). */
export function clearHeatmapCache(lib: Library, runId: string): void {
  fs.rmSync(cacheDir(lib, runId), { recursive: true, force: true });
}

function sha256File(file: string): string | null {
  try {
    return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

/** The library images and files asked for, with the sha256 of their bytes (the cache key). */
function resolveItems(lib: Library, input: ExplainInput): Item[] {
  const items: Item[] = [];
  for (const id of input.imageIds ?? []) {
    const row = imageFile(lib.db, id);
    if (!row) items.push({ path: `image ${id}`, imageId: id, sha: null, error: `no image ${id} in the library` });
    else items.push({ path: row.source_path, imageId: id, sha: row.sha256 });
  }
  for (const p of input.paths ?? []) {
    const sha = sha256File(p);
    items.push(sha ? { path: p, sha } : { path: p, sha: null, error: `cannot read ${p}: ${fs.existsSync(p) ? 'not a readable file' : 'no such file'}` });
  }
  return items;
}

/** The class index (in the model's order) the user picked, or null for each image's predicted class. */
function pickedClass(lib: Library, runId: string, meta: ModelMeta, input: ExplainInput): number | null {
  if (input.className !== undefined) {
    const k = meta.classes.indexOf(input.className);
    if (k < 0) throw new Error(`run ${runId} has no class "${input.className}" (its classes: ${meta.classes.join(', ')})`);
    return k;
  }
  if (input.classId !== undefined) {
    const classes = JSON.parse(requireRun(lib, runId).classes) as RunClass[];
    const c = classes.find((x) => x.id === input.classId);
    const k = c ? meta.classes.indexOf(c.name) : -1;
    if (k < 0) throw new Error(`run ${runId} was not trained on class ${input.classId} (its classes: ${meta.classes.join(', ')})`);
    return k;
  }
  return null;
}

/** `raw`: the model's softmax; the answer carries it calibrated with the run's temperature, as Predict's does. */
function resultOf(item: Item, meta: ModelMeta, raw: ArrayLike<number>, temperature: number, k: number, heat: Float32Array, size: number, cached: boolean): ExplainResult {
  const probs = calibrate(raw, temperature);
  const probabilities: Record<string, number> = {};
  let best = 0;
  meta.classes.forEach((c, i) => {
    probabilities[c] = probs[i]!;
    if (probs[i]! > probs[best]!) best = i;
  });
  return {
    path: item.path,
    ...(item.imageId !== undefined ? { imageId: item.imageId } : {}),
    predicted: meta.classes[best]!,
    probabilities,
    class: meta.classes[k]!,
    heatmap: { width: size, height: size, values: Array.from(heat, (v) => Math.round(v * 1e4) / 1e4) },
    ...(cached ? { cached: true } : {}),
  };
}

const failed = (item: Item): ExplainResult => ({ path: item.path, ...(item.imageId !== undefined ? { imageId: item.imageId } : {}), predicted: null, probabilities: {}, class: null, heatmap: null, error: item.error });

/** The cached answer for one item, or null when something is missing. */
function fromCache(dir: string, item: Item, meta: ModelMeta, picked: number | null, temperature: number): ExplainResult | null {
  if (!item.sha) return null;
  const p = readJson<CachedProbs>(probsFile(dir, item.sha));
  if (!p || p.probabilities.length !== meta.classes.length) return null;
  const k = picked ?? p.probabilities.indexOf(Math.max(...p.probabilities));
  const m = readJson<CachedMap>(mapFile(dir, item.sha, k));
  if (!m || m.cam.length !== m.mapSize * m.mapSize) return null;
  return resultOf(item, meta, p.probabilities, temperature, k, upsampleHeat(m.cam, m.mapSize, inputSize(meta)), inputSize(meta), true);
}

const inputSize = (meta: ModelMeta): number => (meta.model === 'cnn' ? meta.imageSize : FEATURE_SIZE);

/** Answers from the cache alone, in order, or null when any image needs computing. Cheap: meant for the host. */
export function explainFromCache(lib: Library, input: ExplainInput): ExplainResult[] | null {
  const run = requireRun(lib, input.runId);
  if (run.status !== 'completed') return null;
  const meta = readMeta(lib, input.runId);
  const picked = pickedClass(lib, input.runId, meta, input);
  // An older run's calibration needs its model: then the worker answers.
  const temperature = calibrationWithoutModel(lib, input.runId)?.temperature;
  if (temperature === undefined) return null;
  const dir = cacheDir(lib, input.runId);
  const out: ExplainResult[] = [];
  for (const item of resolveItems(lib, input)) {
    const r = item.error ? failed(item) : fromCache(dir, item, meta, picked, temperature);
    if (!r) return null;
    out.push(r);
  }
  return out;
}

/** The worker job: Grad-CAM for every item not cached yet (batches of 8, cancel checked between them). */
export async function explainImages(lib: Library, input: ExplainInput, emit: Emit, signal?: AbortSignal): Promise<ExplainResult[]> {
  const { model } = await loadCompletedRunModel(lib, input.runId, 'only a completed run has a model to explain');
  try {
    const meta = model.meta;
    const picked = pickedClass(lib, input.runId, meta, input);
    const dir = cacheDir(lib, input.runId);
    const items = resolveItems(lib, input);
    const temperature = await runTemperature(lib, input.runId, signal);
    const out: Array<ExplainResult | null> = items.map((it) => (it.error ? failed(it) : fromCache(dir, it, meta, picked, temperature)));
    const todo = items.map((_, i) => i).filter((i) => !out[i]);
    if (todo.length) {
      const base = meta.model === 'mobilenetv2' && !model.base ? await baseFor(model.baseDir!) : null;
      const target = targetOf(model, base);
      const size = target.inputSize;
      fs.mkdirSync(dir, { recursive: true });
      emit('runs.explainProgress', { runId: input.runId, done: 0, total: todo.length });
      for (let s = 0; s < todo.length; s += BATCH) {
        if (signal?.aborted) throw new Error('cancelled');
        const batch = todo.slice(s, s + BATCH);
        const px: Array<Uint8Array | null> = await Promise.all(batch.map(async (i) => {
          try {
            return await decodeImage(items[i]!.path, size);
          } catch (e) {
            out[i] = failed({ ...items[i]!, error: (e as Error).message });
            return null;
          }
        }));
        const good = batch.filter((_, j) => px[j]);
        if (good.length) {
          // A run with test-time views predicts the average of eight views, a CNN with a shape classifier weighs it
          // in: that prediction is shown and, unless a class was picked, explained (the heat map is the CNN's, of
          // the image as it is).
          const viewProbs = predictionViews(meta).length > 1 || model.shape ? (await scoreFiles(model, good.map((i) => items[i]!.path), signal)).probs : null;
          const goodPx = px.filter((p): p is Uint8Array => !!p);
          const x = tf.tensor4d(toBatch(goodPx, size, meta.normalisation), [good.length, size, size, 3]);
          // A head that also takes the object's shape numbers gets each image's (features/shape.ts).
          const extra = meta.shapeFeatures ? tf.tensor2d(shapesOfPixels(goodPx, size), [good.length, SHAPE_DIMS]) : undefined;
          let r: ReturnType<typeof gradCam>;
          try {
            // (A file the eight-view pass could not read after all keeps its own top class.)
            r = gradCam(target, x, picked ?? viewProbs?.map((p) => (p ? argmax(Array.from(p)) : undefined)) ?? null, extra);
          } finally {
            x.dispose();
            extra?.dispose();
          }
          good.forEach((i, j) => {
            const item = items[i]!;
            const probs = viewProbs?.[j] ?? r.probabilities[j]!;
            const k = r.classIndex[j]!;
            writeAtomic(probsFile(dir, item.sha!), JSON.stringify({ probabilities: Array.from(probs) } satisfies CachedProbs));
            writeAtomic(mapFile(dir, item.sha!, k), JSON.stringify({ classIndex: k, mapSize: r.mapSize, cam: Array.from(r.cam[j]!) } satisfies CachedMap));
            out[i] = resultOf(item, meta, probs, temperature, k, r.heat[j]!, size, false);
          });
        }
        emit('runs.explainProgress', { runId: input.runId, done: Math.min(todo.length, s + BATCH), total: todo.length, current: items[batch[batch.length - 1]!]!.path });
      }
    }
    return out as ExplainResult[];
  } finally {
    model.dispose();
  }
}

/** Keeps a name readable but harmless as one path segment (as predict-upload does). */
function safeName(name: string): string {
  const cleaned = (name.split(/[\\/]/).pop() ?? 'image').replace(/[^\p{L}\p{N}._ -]/gu, '_').replace(/^\.+/, '').slice(-120);
  return cleaned || 'image';
}

/**
 * The request as the hosts serve it: uploads become temporary files (reported under the user's names), a fully
 * cached request is answered at once, anything else goes to `compute` (the worker job) with paths only.
 */
export async function explainRequest(lib: Library, input: ExplainInput, compute: (input: ExplainInput) => Promise<ExplainResult[]>): Promise<ExplainResult[]> {
  const { uploads, ...rest } = input;
  const dir = uploads?.length ? fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-explain-')) : null;
  try {
    const names = new Map<string, string>();
    uploads?.forEach((f, i) => {
      const file = path.join(dir!, `${i}-${safeName(f.name)}`);
      fs.writeFileSync(file, Buffer.from(f.base64, 'base64'));
      names.set(file, f.name);
    });
    const asked: ExplainInput = { ...rest, paths: [...(rest.paths ?? []), ...names.keys()] };
    if (!asked.paths!.length) delete asked.paths;
    const results = explainFromCache(lib, asked) ?? (await compute(asked));
    return results.map((r) => {
      const name = names.get(r.path);
      return name ? { ...r, path: name, ...(r.error ? { error: r.error.split(r.path).join(name) } : {}) } : r;
    });
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
