// Reads a TensorFlow.js "layers-model" folder (model.json + binary weight shards) without tfjs: the Keras
// topology as JSON and every weight as a Float32Array by name. The ONNX exporter needs nothing more, and
// reading the shards ourselves lets a corrupt or truncated file be reported by its own path.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  /** Functional-model wiring: [[[inboundLayer, nodeIndex, tensorIndex, kwargs], ...]]. */
  inbound_nodes: Array<Array<[string, number, number, unknown?]>>;
}

export interface KerasTopology {
  name?: string;
  layers: KerasLayer[];
  input_layers: Array<[string, number, number]>;
  output_layers: Array<[string, number, number]>;
}

export interface Weight {
  shape: number[];
  data: Float32Array;
}

export interface LayersModel {
  dir: string;
  /** The raw model.json `modelTopology` (for tfjs), and its functional config (for the exporter). */
  modelTopology: unknown;
  topology: KerasTopology;
  weights: Map<string, Weight>;
  /** The manifest's weight specs in shard order (what tf.io.IOHandler wants). */
  weightSpecs: Array<{ name: string; shape: number[]; dtype: 'float32' }>;
  /** All shard bytes concatenated, in manifest order. */
  weightData: ArrayBuffer;
  /** sha256 over model.json and the shards: the cache key of anything derived from these weights. */
  hash: string;
}

export class ModelFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

interface ManifestGroup {
  paths: string[];
  weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }>;
}

function readFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(file, code === 'ENOENT' ? 'file is missing' : `cannot read (${code ?? (e as Error).message})`);
  }
}

/** Reads and checks model.json + shards of a tfjs layers model folder. Throws ModelFileError naming the bad file. */
export function readLayersModel(dir: string): LayersModel {
  const jsonPath = path.join(path.resolve(dir), 'model.json');
  const jsonBytes = readFile(jsonPath);
  let json: { format?: string; modelTopology?: unknown; weightsManifest?: ManifestGroup[] };
  try {
    json = JSON.parse(jsonBytes.toString('utf8'));
  } catch (e) {
    throw new ModelFileError(jsonPath, `not valid JSON (${(e as Error).message})`);
  }
  const top = json.modelTopology as { class_name?: string; config?: KerasTopology; model_config?: { config?: KerasTopology } } | undefined;
  // Keras saves either {class_name, config} or {model_config: {class_name, config}}.
  const topology = top?.config?.layers ? top.config : top?.model_config?.config;
  if (!topology || !Array.isArray(topology.layers)) throw new ModelFileError(jsonPath, 'no modelTopology with layers (not a tfjs layers-model)');
  if (!Array.isArray(json.weightsManifest)) throw new ModelFileError(jsonPath, 'no weightsManifest');

  const hash = createHash('sha256').update(jsonBytes);
  const weights = new Map<string, Weight>();
  const weightSpecs: LayersModel['weightSpecs'] = [];
  const chunks: Buffer[] = [];
  for (const group of json.weightsManifest) {
    const shards = group.paths.map((p) => {
      const file = path.join(path.dirname(jsonPath), p);
      const bytes = readFile(file);
      hash.update(bytes);
      return { file, bytes };
    });
    const data = Buffer.concat(shards.map((s) => s.bytes));
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32' || w.quantization) throw new ModelFileError(jsonPath, `weight ${w.name}: only unquantized float32 is supported (got ${w.dtype}${w.quantization ? ', quantized' : ''})`);
      const count = w.shape.reduce((a, b) => a * b, 1);
      const end = offset + count * 4;
      if (end > data.length) {
        const last = shards[shards.length - 1]?.file ?? jsonPath;
        throw new ModelFileError(last, `truncated: weight ${w.name} needs bytes ${offset}..${end} of this group but its shards hold ${data.length}`);
      }
      // Copy so every weight is 4-byte aligned whatever the shard boundaries.
      const arr = new Float32Array(count);
      Buffer.from(arr.buffer).set(data.subarray(offset, end));
      for (let i = 0; i < count; i++) {
        if (!Number.isFinite(arr[i])) throw new ModelFileError(shards[0].file, `weight ${w.name} holds a non-finite value (corrupt shard?)`);
      }
      weights.set(w.name, { shape: w.shape, data: arr });
      weightSpecs.push({ name: w.name, shape: w.shape, dtype: 'float32' });
      offset = end;
    }
    if (offset !== data.length) {
      throw new ModelFileError(shards[shards.length - 1]?.file ?? jsonPath, `size mismatch: shards hold ${data.length} bytes, the manifest describes ${offset}`);
    }
    chunks.push(data);
  }
  const all = Buffer.concat(chunks);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { dir: path.dirname(jsonPath), modelTopology: json.modelTopology, topology, weights, weightSpecs, weightData, hash: hash.digest('hex') };
}
