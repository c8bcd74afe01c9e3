// "More like this": the k library images nearest to an image by cosine distance over the cached MobileNetV2
// features (engine/features/similar-index.ts). The host keeps one index per library in memory, rebuilt when the
// image set or the cached rows change, and answers queries by image id from it in milliseconds; it reads only
// what is cached (a map or a label review fills the cache). An exact index (up to PCA_ABOVE rows) is a copy of
// the cached rows, built in the host in well under a second; a PCA-reduced one (more rows: 30 s at 75,000) is
// built by the `similar.index` worker job, with progress and Cancel, and kept in cache/similar-index.bin for
// the host to read. Files — inside or outside the library — go through `similarFiles`, a worker job that
// computes missing features first and extracts those of outside files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Emit } from '../../shared/contract';
import type { SimilarIndexInfo, SimilarNeighbour, SimilarResult } from '../../shared/types';
import type { Library } from '../library';
import { useBackend } from '../engine/backends';
import { decodeImage, toBatch } from '../engine/data/images';
import { createExtractor, ensureFeatures, extractorKey, FEATURE_SIZE, weightsFor } from '../engine/features/feature-cache';
import { PCA_ABOVE, SimilarIndex } from '../engine/features/similar-index';
import { runSteps, runStepsAsync, type StepProgress, type Steps } from '../engine/features/pca';
import { cachedFeatures, featureExtractors } from '../repos/features.repo';
import { featureRowCount, imageBySha, imageLabels, imageSetStamp, readableImages } from '../repos/map.repo';
import { getSettings } from './settings';

export const DEFAULT_K = 10;

export interface LibraryIndex {
  index: SimilarIndex;
  /** Row → image id. */
  ids: Int32Array;
  rowOf: Map<number, number>;
  extractorKey: string;
  /** Readable images without cached features (not in the index). */
  missing: number;
  stamp: string;
}

const indexes = new Map<string, LibraryIndex>();

/** The extractor key of the current weights, else (no weights here) the α 1.0 key with the most cached rows. */
function currentKey(lib: Library, weightsDir?: string | null): string {
  try {
    return extractorKey(weightsFor(lib, 1, weightsDir ?? getSettings(lib.db).weightsDir), 1);
  } catch {
    const keys = featureExtractors(lib.db, 'mnv2-100-').map((k) => ({ k, n: featureRowCount(lib.db, k) })).sort((a, b) => b.n - a.n);
    if (!keys.length) throw new Error('no MobileNetV2 features are cached in this library yet: compute the map (or a label review) first');
    return keys[0]!.k;
  }
}

/** Where a built index is kept: a PCA-reduced one costs a PCA fit and a projection of every row to rebuild. */
const indexFile = (lib: Library) => path.join(lib.paths.cache, 'similar-index.bin');

function readIndexFile(lib: Library, stamp: string): LibraryIndex | null {
  try {
    const { index, meta } = SimilarIndex.fromBuffer(fs.readFileSync(indexFile(lib)));
    if (meta.stamp !== stamp) return null;
    const ids = Int32Array.from(meta.ids as number[]);
    return { index, ids, rowOf: new Map(Array.from(ids, (id, i) => [id, i])), extractorKey: String(meta.extractorKey), missing: Number(meta.missing), stamp };
  } catch {
    return null;
  }
}

function writeIndexFile(lib: Library, li: LibraryIndex): void {
  try {
    const file = indexFile(lib);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, li.index.toBuffer({ stamp: li.stamp, ids: Array.from(li.ids), extractorKey: li.extractorKey, missing: li.missing }));
    fs.renameSync(tmp, file);
  } catch {
    // A cache: an index that cannot be kept is rebuilt next time.
  }
}

/** Rows above which the index is PCA-reduced and built as a job; PADDY_SIMILAR_PCA_ABOVE lowers it (tests). */
export function pcaAbove(): number {
  const v = Number(process.env.PADDY_SIMILAR_PCA_ABOVE);
  return process.env.PADDY_SIMILAR_PCA_ABOVE && Number.isInteger(v) && v >= 0 ? v : PCA_ABOVE;
}

/** Reads the cached rows (yielding between chunks), then builds the index (yielding between its own chunks). */
function* buildSteps(lib: Library, key: string, stamp: string): Steps<LibraryIndex> {
  const images = readableImages(lib.db);
  const have = new Map<string, Float32Array>();
  const shas = images.map((i) => i.sha256);
  yield { phase: 'reading features', done: 0, total: shas.length };
  for (let i = 0; i < shas.length; i += 5000) {
    for (const [s, v] of cachedFeatures(lib.db, key, shas.slice(i, i + 5000))) have.set(s, v);
    yield { phase: 'reading features', done: Math.min(shas.length, i + 5000), total: shas.length };
  }
  const rows = images.filter((im) => have.has(im.sha256));
  if (!rows.length) throw new Error('no MobileNetV2 features are cached for this library yet: compute the map (or a label review) first');
  const dims = have.get(rows[0]!.sha256)!.length;
  const matrix = new Float32Array(rows.length * dims);
  rows.forEach((im, i) => matrix.set(have.get(im.sha256)!, i * dims));
  have.clear();
  const ids = Int32Array.from(rows, (r) => r.imageId);
  const li: LibraryIndex = {
    index: yield* SimilarIndex.buildSteps(matrix, rows.length, dims, { pcaAbove: pcaAbove() }),
    ids,
    rowOf: new Map(rows.map((r, i) => [r.imageId, i])),
    extractorKey: key,
    missing: images.length - rows.length,
    stamp,
  };
  // Only a reduced index is worth keeping: an exact one is a copy of the cached rows, rebuilt in a second.
  if (li.index.reduced) writeIndexFile(lib, li);
  return li;
}

interface IndexState {
  key: string;
  stamp: string;
  /** Cached feature rows of the extractor (an upper bound on the index's rows). */
  rows: number;
}

function indexState(lib: Library, weightsDir?: string | null): IndexState {
  const key = currentKey(lib, weightsDir);
  const rows = featureRowCount(lib.db, key);
  return { key, stamp: `${key}|${imageSetStamp(lib.db)}|${rows}`, rows };
}

/** The index held in memory or kept on disk for the library as it is now, else null. */
function heldIndex(lib: Library, st: IndexState): LibraryIndex | null {
  const held = indexes.get(lib.paths.root);
  if (held?.stamp === st.stamp) return held;
  const kept = readIndexFile(lib, st.stamp);
  if (kept) indexes.set(lib.paths.root, kept);
  return kept;
}

/** The library's index over cached features, built in this process (at once) on first use and again after the images or cached rows change. */
export function libraryIndex(lib: Library, weightsDir?: string | null): LibraryIndex {
  const st = indexState(lib, weightsDir);
  const held = heldIndex(lib, st);
  if (held) return held;
  indexes.delete(lib.paths.root);
  const built = runSteps(buildSteps(lib, st.key, st.stamp));
  indexes.set(lib.paths.root, built);
  return built;
}

export interface BuildIndexOptions {
  weightsDir?: string | null;
  signal?: AbortSignal;
  /** Each step of the build, phases prefixed "index: " (reading features, centring, PCA fit, projecting). */
  onProgress?: (p: StepProgress) => void;
}

/** libraryIndex for a job: the same index, built with progress and stopping on the signal between chunks. */
export async function buildLibraryIndex(lib: Library, opts: BuildIndexOptions = {}): Promise<LibraryIndex> {
  const st = indexState(lib, opts.weightsDir);
  const held = heldIndex(lib, st);
  if (held) return held;
  indexes.delete(lib.paths.root);
  const built = await runStepsAsync(buildSteps(lib, st.key, st.stamp), (p) => opts.onProgress?.({ ...p, phase: `index: ${p.phase}` }), opts.signal, 'similar index cancelled');
  indexes.set(lib.paths.root, built);
  return built;
}

/** The `similar.index` job: builds (or finds) the index and keeps it on disk when reduced, for the host to read. */
export async function buildSimilarIndex(lib: Library, emit: Emit, opts: { weightsDir?: string; signal?: AbortSignal } = {}): Promise<SimilarIndexInfo> {
  const t0 = performance.now();
  const li = await buildLibraryIndex(lib, { ...opts, onProgress: (p) => emit('similar.progress', p) });
  return { rows: li.index.n, dims: li.index.dims, reduced: li.index.reduced, missing: li.missing, seconds: Math.round((performance.now() - t0) / 10) / 100 };
}

/** Builds of the `similar.index` job in flight, per library: concurrent queries wait for one. */
const building = new Map<string, Promise<unknown>>();

/**
 * The index for a query in the host: held or kept on disk, else built here when it is exact (fast), else built
 * by `buildInJob` (the worker job; without one, here).
 */
export async function readyIndex(lib: Library, buildInJob?: () => Promise<unknown>): Promise<LibraryIndex> {
  for (let attempt = 0; ; attempt++) {
    const st = indexState(lib);
    const held = heldIndex(lib, st);
    if (held) return held;
    if (!buildInJob || st.rows <= pcaAbove()) return libraryIndex(lib);
    // Built for a library that has changed since (an import, features being cached): once more, then say so.
    if (attempt === 2) throw new Error('the library kept changing while its similar-images index was built: ask again when it is done');
    const root = lib.paths.root;
    let job = building.get(root);
    if (!job) {
      job = buildInJob().finally(() => building.delete(root));
      building.set(root, job);
    }
    await job;
  }
}

/** Forgets a library's index (tests; a closed library). */
export function dropIndex(lib: Library): void {
  indexes.delete(lib.paths.root);
}

function neighbours(lib: Library, li: LibraryIndex, q: Float32Array, k: number, skipRow = -1): SimilarNeighbour[] {
  const hits = li.index.search(q, k, skipRow);
  const info = imageLabels(lib.db, hits.map((h) => li.ids[h.row]!));
  return hits.map((h) => {
    const imageId = li.ids[h.row]!;
    const i = info.get(imageId);
    return { imageId, path: i?.path ?? '', label: i?.label ?? null, distance: Math.round(h.distance * 1e6) / 1e6 };
  });
}

/**
 * The k images most like library image `imageId` (itself left out). `buildInJob` runs the `similar.index` job
 * when the index must be built and is a reduced one (the first query of a large library).
 */
export async function similarToImage(lib: Library, imageId: number, k = DEFAULT_K, buildInJob?: () => Promise<unknown>): Promise<SimilarResult> {
  const li = await readyIndex(lib, buildInJob);
  const row = li.rowOf.get(imageId);
  const path_ = imageLabels(lib.db, [imageId]).get(imageId)?.path;
  if (path_ === undefined) throw new Error(`no image ${imageId} in this library`);
  if (row === undefined) throw new Error(`image ${imageId} has no cached features yet: compute the map (or a label review) first`);
  return { path: path_, imageId, neighbours: neighbours(lib, li, li.index.row(row), k, row) };
}

const sha256File = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export interface SimilarFilesOptions {
  paths?: readonly string[];
  uploads?: ReadonlyArray<{ name: string; base64: string }>;
  k?: number;
  weightsDir?: string;
  signal?: AbortSignal;
}

/**
 * The k most similar library images for each file. Features missing from the cache are computed first (so the
 * answer covers the whole library); a file that is a library image (same bytes) uses its own row and is left
 * out of its answer; any other file's features are extracted. A file that cannot be read gets its own error.
 */
export async function similarFiles(lib: Library, emit: Emit, opts: SimilarFilesOptions): Promise<SimilarResult[]> {
  const k = opts.k ?? DEFAULT_K;
  const settings = getSettings(lib.db);
  const weightsDir = opts.weightsDir ?? settings.weightsDir ?? undefined;
  await useBackend(settings.backend, 'infer');
  const images = readableImages(lib.db);
  if (!images.length) throw new Error('the library has no readable images to compare with');
  await ensureFeatures(lib, images.map((i) => i.imageId), {
    alpha: 1,
    weightsDir,
    signal: opts.signal,
    onProgress: (done, total) => emit('similar.progress', { phase: 'features', done, total }),
  });
  if (opts.signal?.aborted) throw new Error('similar cancelled');
  const li = await buildLibraryIndex(lib, { weightsDir, signal: opts.signal, onProgress: (p) => emit('similar.progress', p) });

  // Uploads become files in a private temporary folder, reported under the name the user gave them.
  const tmp = opts.uploads?.length ? fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-similar-')) : null;
  try {
    const files: Array<{ file: string; shown: string }> = (opts.paths ?? []).map((p) => ({ file: p, shown: p }));
    opts.uploads?.forEach((u, i) => {
      const file = path.join(tmp!, `${i}-${path.basename(u.name).replace(/[^\p{L}\p{N}._ -]/gu, '_') || 'image'}`);
      fs.writeFileSync(file, Buffer.from(u.base64, 'base64'));
      files.push({ file, shown: u.name });
    });
    const results: SimilarResult[] = [];
    const outside: Array<{ at: number; file: string; pixels: Uint8Array }> = [];
    for (const f of files) {
      try {
        const id = imageBySha(lib.db, sha256File(f.file));
        const row = id === null ? undefined : li.rowOf.get(id);
        if (id !== null && row !== undefined) {
          results.push({ path: f.shown, imageId: id, neighbours: neighbours(lib, li, li.index.row(row), k, row) });
          continue;
        }
        outside.push({ at: results.length, file: f.file, pixels: await decodeImage(f.file, FEATURE_SIZE) });
        results.push({ path: f.shown, imageId: null, neighbours: [] });
      } catch (e) {
        const why = (e as Error).message.split(f.file).join(f.shown);
        results.push({ path: f.shown, imageId: null, neighbours: [], error: why.startsWith(f.shown) ? why : `${f.shown}: ${why}` });
      }
    }
    if (outside.length) {
      const extractor = await createExtractor(weightsFor(lib, 1, weightsDir), 1);
      try {
        for (let s = 0; s < outside.length; s += 16) {
          if (opts.signal?.aborted) throw new Error('similar cancelled');
          const chunk = outside.slice(s, s + 16);
          const feats = await extractor.extract(toBatch(chunk.map((c) => c.pixels), FEATURE_SIZE, 'mobilenet'), chunk.length);
          chunk.forEach((c, j) => {
            const q = li.index.embed(feats.subarray(j * extractor.dims, (j + 1) * extractor.dims));
            results[c.at]!.neighbours = neighbours(lib, li, q, k);
          });
          emit('similar.progress', { phase: 'files', done: Math.min(outside.length, s + 16), total: outside.length });
        }
      } finally {
        await extractor.dispose();
      }
    }
    return results;
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}
