// The embedding map: every readable image placed in 2-D by UMAP (engine/projection.ts) from the cached
// MobileNetV2 features or a completed run's penultimate layer. Computed in a worker (map.compute is a job),
// cached in <library>/cache/maps/<source>.json under a key of the image ids, the source and the method's
// parameters, so the map of an unchanged library opens at once and any import, removal or source going bad
// asks for a new one (map.get then answers null).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Emit } from '../../shared/contract';
import type { EmbeddingMap, MapPointsResult, MapSource } from '../../shared/types';
import type { Library } from '../library';
import { useBackend } from '../engine/backends';
import { ensureFeatures } from '../engine/features/feature-cache';
import { defaultEpochs, projectUmap } from '../engine/projection';
import { runEmbeddings } from '../engine/run-embeddings';
import { classNames, defaultRunId, mapPointRows, readableImages, type MapImage } from '../repos/map.repo';
import { loadCompletedRunModel } from './run-model';
import { getSettings } from './settings';
import { buildLibraryIndex } from './similar';

export interface MapOptions {
  source?: MapSource;
  weightsDir?: string;
  signal?: AbortSignal;
  /** Tests and benches: fewer epochs, another seed. */
  nEpochs?: number;
  seed?: number;
}

const METHOD = 'umap';
/** Bump when the projection's preprocessing changes: older cached maps then stop matching. */
const METHOD_VERSION = 'umap-js-1.4|l2|pca50|nn15|md0.1|v1';

interface CachedMap extends EmbeddingMap {
  key: string;
}

const slug = (source: MapSource) => source.replace(/[^a-z0-9-]/g, '-');
const cacheFile = (lib: Library, source: MapSource) => path.join(lib.paths.cache, 'maps', `${slug(source)}.json`);

function stateKey(images: readonly MapImage[], source: MapSource, nEpochs: number, seed: number): string {
  const h = crypto.createHash('sha256').update(`${METHOD_VERSION}|${source}|${nEpochs}|${seed}|`);
  // The bytes of each image, not only its id: a relinked source with other bytes is another point.
  for (const im of images) h.update(`${im.imageId}:${im.sha256};`);
  return h.digest('hex').slice(0, 32);
}

function readCache(lib: Library, source: MapSource): CachedMap | null {
  try {
    return JSON.parse(fs.readFileSync(cacheFile(lib, source), 'utf8')) as CachedMap;
  } catch {
    return null;
  }
}

// Written whole, then renamed: a kill mid-write leaves the previous map, never half a file.
function writeCache(lib: Library, map: CachedMap): void {
  const file = cacheFile(lib, map.source);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(map));
  fs.renameSync(tmp, file);
}

/**
 * Keeps a map made elsewhere as the cached map of the library as it is now (bench/map-fps.bench.ts: a 75,000-point
 * layout without 15 minutes of UMAP). Its params.nEpochs and params.seed go into the key as computeMap's do.
 */
export function cacheMap(lib: Library, map: EmbeddingMap): void {
  const images = readableImages(lib.db);
  const epochs = Number(map.params.nEpochs ?? defaultEpochs(images.length));
  const seed = Number(map.params.seed ?? 1);
  writeCache(lib, { ...map, key: stateKey(images, map.source, epochs, seed) });
}

function publicMap(m: CachedMap): EmbeddingMap {
  const { key: _key, ...rest } = m;
  return rest;
}

/** The cached map for the library as it is now, or null when there is none (or the library changed since). */
export function getMap(lib: Library, source: MapSource = 'features'): EmbeddingMap | null {
  const cached = readCache(lib, source);
  if (!cached) return null;
  const images = readableImages(lib.db);
  const epochs = Number(cached.params.nEpochs ?? defaultEpochs(images.length));
  const seed = Number(cached.params.seed ?? 1);
  // The key covers the epochs and seed it was made with; a default map is matched with the defaults.
  return cached.key === stateKey(images, source, epochs, seed) ? publicMap(cached) : null;
}

async function vectorsOf(lib: Library, images: MapImage[], source: MapSource, emit: Emit, opts: MapOptions): Promise<{ dims: number; matrix: Float32Array }> {
  const settings = getSettings(lib.db);
  const progress = (done: number, total: number) => emit('map.progress', { phase: 'features', done, total });
  if (source === 'features') {
    await useBackend(settings.backend, 'infer');
    const f = await ensureFeatures(lib, images.map((i) => i.imageId), {
      alpha: 1,
      weightsDir: opts.weightsDir ?? settings.weightsDir ?? undefined,
      signal: opts.signal,
      onProgress: progress,
    });
    return { dims: f.dims, matrix: f.matrix };
  }
  const runId = source.slice('run:'.length);
  const { model } = await loadCompletedRunModel(lib, runId, 'only a completed run has a layer to map');
  try {
    return await runEmbeddings(lib, model, images, { signal: opts.signal, onProgress: progress });
  } finally {
    model.dispose();
  }
}

export async function computeMap(lib: Library, emit: Emit, opts: MapOptions = {}): Promise<EmbeddingMap> {
  const source = opts.source ?? 'features';
  const images = readableImages(lib.db);
  if (!images.length) throw new Error('the library has no readable images to map');
  const nEpochs = opts.nEpochs ?? defaultEpochs(images.length);
  const seed = opts.seed ?? 1;
  const key = stateKey(images, source, nEpochs, seed);
  const cached = readCache(lib, source);
  if (cached?.key === key) return publicMap(cached);

  const t0 = performance.now();
  let vectors;
  try {
    vectors = await vectorsOf(lib, images, source, emit, opts);
  } catch (e) {
    if (opts.signal?.aborted) throw new Error('map cancelled');
    throw e;
  }
  const featureSeconds = (performance.now() - t0) / 1000;
  if (opts.signal?.aborted) throw new Error('map cancelled');
  const projection = await projectUmap(vectors.matrix, images.length, vectors.dims, {
    seed,
    nEpochs,
    signal: opts.signal,
    onProgress: (phase, done, total) => emit('map.progress', { phase, done, total }),
  }).catch((e: unknown) => {
    throw opts.signal?.aborted ? new Error('map cancelled') : e;
  });
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  const map: CachedMap = {
    key,
    source,
    method: METHOD,
    params: { ...projection.params, nEpochs, dims: vectors.dims },
    seconds: { features: round(featureSeconds), ...Object.fromEntries(Object.entries(projection.seconds).map(([k, v]) => [k, round(v)])) },
    createdAt: new Date().toISOString(),
    points: images.map((im, i) => ({ imageId: im.imageId, x: round(projection.xy[2 * i]), y: round(projection.xy[2 * i + 1]) })),
  };
  writeCache(lib, map);
  // The features are all cached now: build the similar-images index here in the worker (and keep it on disk
  // when it is PCA-reduced), so the host's first "More like this" does not pay for it.
  if (source === 'features') {
    try {
      await buildLibraryIndex(lib, { weightsDir: opts.weightsDir, signal: opts.signal, onProgress: (p) => emit('map.progress', p) });
    } catch {
      // The map stands without it (a cancel here keeps the map); the first "More like this" builds the index.
    }
  }
  return publicMap(map);
}

export function mapPoints(lib: Library, runId?: string): MapPointsResult {
  const run = runId ?? defaultRunId(lib.db);
  return { points: mapPointRows(lib.db, run), classes: classNames(lib.db), runId: run };
}
