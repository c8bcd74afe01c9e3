// The frozen MobileNetV2 base run by onnxruntime-node (native, multithreaded CPU): Paddy exports the tfjs
// layers model to ONNX itself (keras-to-onnx.ts), caches the .onnx under the library's cache/ keyed by the
// weights hash, and runs it. Returns null when onnxruntime-node cannot load, so callers fall back to tfjs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FeatureExtractor } from '../../features/extractor';
import { kerasToOnnx } from '../export/keras-to-onnx';
import { featureDims } from '../export/onnx-graph';
import { ModelFileError, readLayersModel } from '../export/layers-model';
import { processAlive } from '../../../util/process-alive';

type Ort = typeof import('onnxruntime-node');

export interface OnnxExtractorOptions {
  /** Where the exported .onnx is kept (the library's cache/ folder); without it the export lives in memory only. */
  cacheDir?: string;
  /** intraOpNumThreads; default: the number of cores. */
  threads?: number;
  /**
   * Images per session.run; larger batches are split. Default 1: on 2 cores batch 1 ran the most images per
   * CPU-second (α1.0: 134 vs 96 at batch 32; α0.35: 404 vs 243), as each image's activations stay in cache.
   * See BENCHMARKS.md, "Feature extraction (ONNX)".
   */
  maxBatch?: number;
  /** Let ORT's pool threads spin between ops (its default). Off by default: on shared cores spinning steals time from decoding. */
  spinning?: boolean;
}

/** Bump when keras-to-onnx's output changes, so cached exports are rebuilt. */
const EXPORT_VERSION = 1;
const SIZE = 224;

let ortPromise: Promise<Ort | null> | undefined;
/** onnxruntime-node, or null when its native binding is not there (optional dependency). */
export function loadOrt(): Promise<Ort | null> {
  ortPromise ??= (async () => {
    try {
      const spec = 'onnxruntime-node';
      const mod = (await import(/* @vite-ignore */ spec)) as Ort & { default?: Ort };
      const ort = mod.InferenceSession ? mod : mod.default;
      return ort?.InferenceSession ? ort : null;
    } catch {
      return null;
    }
  })();
  return ortPromise;
}

/** Accepts the model folder itself or a folder holding mobilenet_v2_<alpha>_224_no_top/. */
function modelDirFor(weightsDir: string, alpha: 1 | 0.35): string {
  const direct = path.resolve(weightsDir);
  if (fs.existsSync(path.join(direct, 'model.json'))) return direct;
  const name = `mobilenet_v2_${alpha === 1 ? '1.00' : '0.35'}_224_no_top`;
  for (const c of [path.join(direct, name), path.join(direct, 'mobilenet_v2', name)]) {
    if (fs.existsSync(path.join(c, 'model.json'))) return c;
  }
  throw new ModelFileError(path.join(direct, 'model.json'), `file is missing (and no ${name}/model.json under ${direct})`);
}

/** The base as ONNX bytes: from the cache when present and loadable, else exported (and cached atomically). */
export function exportBase(modelDir: string, cacheDir?: string): { bytes: Uint8Array; cached: boolean; file?: string; dims: number } {
  const model = readLayersModel(modelDir);
  const file = cacheDir ? path.join(cacheDir, 'onnx', `mobilenet-base-${model.hash.slice(0, 32)}-v${EXPORT_VERSION}.onnx`) : undefined;
  if (file && fs.existsSync(file)) {
    const bytes = fs.readFileSync(file);
    const dims = featureDims(bytes);
    if (dims) return { bytes, cached: true, file, dims };
  }
  const out = kerasToOnnx(model, { inputLayout: 'nhwc', pool: 'avg', name: path.basename(modelDir), metadata: { weightsSha256: model.hash } });
  const [h, w, c] = out.inputHwc;
  if (h !== SIZE || w !== SIZE || c !== 3 || out.outputShape.length !== 1) {
    throw new ModelFileError(path.join(modelDir, 'model.json'), `expected a no-top MobileNetV2 with input 224×224×3, got input ${out.inputHwc.join('×')} and output [${out.outputShape.join(',')}]`);
  }
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    removeStaleTemps(path.dirname(file));
    // Written then renamed: a killed process leaves a stray .tmp, never a half-written model under the real name.
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, out.bytes);
    fs.renameSync(tmp, file);
  }
  return { bytes: out.bytes, cached: false, file, dims: out.outputShape[0] };
}

/** Temp files of exports whose process was killed mid-write (their pid is gone); a live writer's temp stays. */
function removeStaleTemps(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const pid = Number(/\.tmp-(\d+)$/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    if (!processAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** The session options of every extractor: all cores (by default) on one run at a time, spinning off by default. */
export function sessionOptions(opts: OnnxExtractorOptions) {
  return {
    intraOpNumThreads: Math.max(1, Math.floor(opts.threads ?? os.availableParallelism())),
    interOpNumThreads: 1,
    executionMode: 'sequential' as const,
    graphOptimizationLevel: 'all' as const,
    extra: { session: { intra_op: { allow_spinning: opts.spinning ? '1' : '0' } } },
  };
}

/**
 * A FeatureExtractor over an onnxruntime session: 224×224×3 NHWC images into `io.input`, `io.dims` floats per
 * image out of `io.output`. Used for the pooled base (createOnnxExtractor) and for a fine-tune's frozen bottom
 * (cut-extractor.ts), which differ only in the exported graph.
 */
export function sessionExtractor(ort: Ort, session: Session, io: { input: string; output: string; dims: number }, opts: OnnxExtractorOptions = {}): FeatureExtractor {
  const { dims } = io;
  const maxBatch = Math.max(1, opts.maxBatch ?? 1);
  const per = SIZE * SIZE * 3;
  // One run at a time: concurrent runs would fight over the same intra-op threads. (onnxruntime-node runs a
  // session synchronously on the JS thread inside setImmediate, so this process's event loop waits per run;
  // sharp keeps decoding the next batch on libuv's pool meanwhile.)
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  const runChunk = async (x: Float32Array, n: number): Promise<Float32Array> => {
    const input = new ort.Tensor('float32', x, [n, SIZE, SIZE, 3]);
    const out = await session.run({ [io.input]: input });
    const t = out[io.output]!;
    try {
      return new Float32Array(t.data as Float32Array);
    } finally {
      input.dispose();
      t.dispose();
    }
  };
  return {
    name: `onnxruntime-cpu-${sessionOptions(opts).intraOpNumThreads}t`,
    dims,
    extract(batch: Float32Array, n: number): Promise<Float32Array> {
      if (disposed) return Promise.reject(new Error('onnx extractor: used after dispose'));
      if (!Number.isInteger(n) || n < 1 || batch.length !== n * per) {
        return Promise.reject(new Error(`onnx extractor: batch holds ${batch.length} floats, expected ${n} × 224×224×3 = ${n * per}`));
      }
      const job = queue.then(async () => {
        const result = new Float32Array(n * dims);
        for (let s = 0; s < n; s += maxBatch) {
          const m = Math.min(maxBatch, n - s);
          // onnxruntime-node honours a view's byteOffset: no copy per chunk.
          const x = m === n ? batch : batch.subarray(s * per, (s + m) * per);
          result.set(await runChunk(x, m), s * dims);
        }
        return result;
      });
      queue = job.catch(() => undefined);
      return job;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue;
      await session.release();
    },
  };
}

export async function createOnnxExtractor(weightsDir: string, alpha: 1 | 0.35, opts: OnnxExtractorOptions = {}): Promise<FeatureExtractor | null> {
  const ort = await loadOrt();
  if (!ort) return null;
  const modelDir = modelDirFor(weightsDir, alpha);
  let base = exportBase(modelDir, opts.cacheDir);
  let session: Session;
  try {
    session = await ort.InferenceSession.create(base.bytes, sessionOptions(opts));
  } catch (e) {
    if (!base.cached || !base.file) throw new Error(`onnxruntime rejected the export of ${modelDir}: ${(e as Error).message}`);
    // A damaged cache file: drop it and export again.
    fs.rmSync(base.file, { force: true });
    base = exportBase(modelDir, opts.cacheDir);
    session = await ort.InferenceSession.create(base.bytes, sessionOptions(opts));
  }
  return sessionExtractor(ort, session, { input: 'input', output: 'output', dims: base.dims }, opts);
}
