// Finding and loading the pretrained MobileNetV2 base (a tfjs layers model: model.json + shards) with no
// network: a Node IOHandler reads the files. Lookup order: <library>/models/mobilenet_v2, then the settings'
// weightsDir / --weights DIR, then $PADDY_MOBILENET_DIR. Paths are stored absolute; an old relative one is tried
// from the current folder, then from the library folder.
import tf from '../tfjs.cjs';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type Alpha = 1 | 0.35;

export function modelFolderName(alpha: Alpha): string {
  return `mobilenet_v2_${alpha === 1 ? '1.00' : '0.35'}_224_no_top`;
}

/** How to get the weights, printed whenever they are missing. */
export function weightsHelp(alpha: Alpha): string {
  const name = modelFolderName(alpha);
  return [
    `MobileNetV2 weights not found (need a folder "${name}" with model.json and its .bin shards).`,
    'Put them in <library>/models/mobilenet_v2/, or pass --weights DIR (or set weightsDir in settings, or $PADDY_MOBILENET_DIR).',
    'On a machine with internet, download and convert the official ImageNet weights (~9 MB for 1.0, ~2 MB for 0.35) with:',
    `  paddy weights download --alpha ${alpha === 1 ? '1.0' : '0.35'} [--library DIR]   (or --dest DIR, then copy that folder here)`,
  ].join('\n');
}

/** Accepts a folder holding the model folders, or a model folder itself (unless it is named for the other alpha). */
function resolveIn(dir: string, alpha: Alpha): string | null {
  const other = alpha === 1 ? '0.35' : '1.00';
  if (fs.existsSync(path.join(dir, 'model.json')) && !path.basename(dir).includes(`_${other}_`)) return dir;
  for (const c of [path.join(dir, modelFolderName(alpha)), path.join(dir, 'mobilenet_v2', modelFolderName(alpha))]) {
    if (fs.existsSync(path.join(c, 'model.json'))) return c;
  }
  return null;
}

/**
 * The folders a weights setting stands for. Absolute: itself. Relative (a run or setting stored before paths were
 * made absolute): the current folder first, then the library folder.
 */
export function weightsCandidates(dir: string, libraryDir?: string): string[] {
  if (path.isAbsolute(dir)) return [path.normalize(dir)];
  const out = [path.resolve(dir)];
  if (libraryDir && !out.includes(path.resolve(libraryDir, dir))) out.push(path.resolve(libraryDir, dir));
  return out;
}

export function findWeights(alpha: Alpha, opts: { libraryModelsDir?: string; libraryDir?: string; weightsDir?: string | null }): string {
  // The library folder is the parent of its models/ folder (library.ts); relative settings are tried against it.
  const libraryDir = opts.libraryDir ?? (opts.libraryModelsDir ? path.dirname(opts.libraryModelsDir) : undefined);
  const sources: Array<{ label: string; dirs: string[] }> = [];
  if (opts.libraryModelsDir) sources.push({ label: 'library', dirs: [path.join(opts.libraryModelsDir, 'mobilenet_v2')] });
  if (opts.weightsDir) sources.push({ label: 'weightsDir', dirs: weightsCandidates(opts.weightsDir, libraryDir) });
  if (process.env.PADDY_MOBILENET_DIR) sources.push({ label: '$PADDY_MOBILENET_DIR', dirs: weightsCandidates(process.env.PADDY_MOBILENET_DIR) });
  for (const s of sources) {
    for (const d of s.dirs) {
      const found = resolveIn(d, alpha);
      if (found) return found;
    }
  }
  const looked = sources.map((s) => {
    const where = s.dirs.map((d) => `${d}${fs.existsSync(d) ? '' : ' (missing)'}`).join(' or ');
    return s.label === 'weightsDir' && opts.weightsDir && !path.isAbsolute(opts.weightsDir)
      ? `"${opts.weightsDir}" (relative: ${where})` : where;
  });
  throw new Error(`${weightsHelp(alpha)}\nLooked in: ${looked.join(', ') || '(no folder configured)'}`);
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  format?: string;
}

/** A tf.io.IOHandler that loads a layers model from a folder on disk. */
export function fileLoader(modelDir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const jsonPath = path.join(modelDir, 'model.json');
      let json: ModelJson;
      try {
        json = JSON.parse(await fs.promises.readFile(jsonPath, 'utf8')) as ModelJson;
      } catch (e) {
        throw new Error(`cannot read ${jsonPath}: ${(e as Error).message}`);
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Buffer[] = [];
      for (const group of json.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const file = path.join(modelDir, p);
          try {
            buffers.push(await fs.promises.readFile(file));
          } catch (e) {
            throw new Error(`cannot read weights shard ${file}: ${(e as Error).message}`);
          }
        }
      }
      const all = Buffer.concat(buffers);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
      return { modelTopology: json.modelTopology, weightSpecs: specs, weightData, format: json.format };
    },
  };
}

/** A tf.io.IOHandler that saves a layers model into a folder (model.json + weights.bin), atomically per file. */
export function fileSaver(modelDir: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      fs.mkdirSync(modelDir, { recursive: true });
      const data = artifacts.weightData;
      const buf = data === undefined ? Buffer.alloc(0)
        : Array.isArray(data) ? Buffer.concat(data.map((d) => Buffer.from(d))) : Buffer.from(data as ArrayBuffer);
      const json = {
        format: 'layers-model',
        generatedBy: 'paddy',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      writeAtomic(path.join(modelDir, 'weights.bin'), buf);
      writeAtomic(path.join(modelDir, 'model.json'), Buffer.from(JSON.stringify(json)));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: buf.byteLength } };
    },
  };
}

export function writeAtomic(file: string, data: Buffer | string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

const hashCache = new Map<string, string>();
/** sha256 over model.json and shards: identifies the weights in feature-cache keys. */
export function weightsHash(modelDir: string): string {
  const hit = hashCache.get(modelDir);
  if (hit) return hit;
  const json = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8')) as ModelJson;
  const h = crypto.createHash('sha256');
  for (const group of json.weightsManifest) for (const p of group.paths) h.update(fs.readFileSync(path.join(modelDir, p)));
  const hex = h.digest('hex');
  hashCache.set(modelDir, hex);
  return hex;
}

export async function loadBase(modelDir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileLoader(modelDir));
}
