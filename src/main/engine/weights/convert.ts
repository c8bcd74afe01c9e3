// Keras .h5 (MobileNetV2 no-top ImageNet weights) → tfjs layers model folder (model.json + ≤ 4 MiB shards).
// Weights are matched by layer name and weight name with shape checks: every weight in the file is used and
// none of the model's is left at its random initial value. The folder is written next to its destination
// and renamed into place, then verified; a kill at any moment leaves either no model or a whole one.
import tf from '../tfjs.cjs';
import fs from 'node:fs';
import path from 'node:path';
import { activeBackend, useBackend } from '../backends';
import { loadBase, type Alpha } from './find';
import { readKerasWeights } from './keras-h5';
import { buildMobileNetV2, EXPECTED_LAYERS, EXPECTED_PARAMS } from '../models/mobilenet-v2';

export const SHARD_BYTES = 4 * 1024 * 1024;

export interface ConvertedModel {
  dir: string;
  layers: number;
  params: number;
  outputShape: Array<number | null>;
  bytes: number;
  shards: number;
}

/** Sets the model's weights from the .h5 contents by name; throws naming the file on any mismatch. */
export function setWeightsByName(model: tf.LayersModel, h5: Map<string, import('./keras-h5').H5Weight[]>, file: string, alpha: Alpha): void {
  const unused = new Set([...h5].filter(([, ws]) => ws.length > 0).map(([name]) => name));
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const stored = h5.get(layer.name);
    if (!stored || stored.length === 0) throw new Error(`${file}: no weights for layer "${layer.name}": not the MobileNetV2 no-top weights`);
    unused.delete(layer.name);
    const bySuffix = new Map(stored.map((w) => [w.name.split('/').pop()!, w]));
    if (bySuffix.size !== layer.weights.length) {
      throw new Error(`${file}: layer "${layer.name}" has ${stored.length} weights, MobileNetV2 expects ${layer.weights.length}`);
    }
    // All checks before any tensor exists, so a mismatch leaks nothing.
    const matched = layer.weights.map((lw) => {
      const key = lw.originalName.split('/').pop()!;
      const w = bySuffix.get(key);
      if (!w) throw new Error(`${file}: layer "${layer.name}" lacks weight "${key}"`);
      if (w.shape.join(',') !== lw.shape.join(',')) {
        throw new Error(`${file}: ${layer.name}/${key} has shape [${w.shape}], MobileNetV2 α${alpha} expects [${lw.shape}] (wrong alpha or wrong file?)`);
      }
      return w;
    });
    const values = matched.map((w) => tf.tensor(w.data, w.shape, 'float32'));
    layer.setWeights(values);
    tf.dispose(values);
  }
  if (unused.size) {
    throw new Error(`${file}: has weights for layers MobileNetV2 no-top does not have (${[...unused].slice(0, 3).join(', ')}…): use the _no_top file`);
  }
}

/** An IOHandler writing model.json and group1-shardIofN.bin files of at most SHARD_BYTES, like tensorflowjs_converter. */
export function shardedSaver(dir: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      fs.mkdirSync(dir, { recursive: true });
      const data = artifacts.weightData;
      const all = data === undefined ? Buffer.alloc(0)
        : Array.isArray(data) ? Buffer.concat(data.map((d) => Buffer.from(d))) : Buffer.from(data as ArrayBuffer);
      const n = Math.max(1, Math.ceil(all.byteLength / SHARD_BYTES));
      const paths: string[] = [];
      for (let i = 0; i < n; i++) {
        const name = `group1-shard${i + 1}of${n}.bin`;
        fs.writeFileSync(path.join(dir, name), all.subarray(i * SHARD_BYTES, Math.min(all.byteLength, (i + 1) * SHARD_BYTES)));
        paths.push(name);
      }
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: 'paddy weights download (from the Keras .h5 ImageNet weights)',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
      };
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: all.byteLength } };
    },
  };
}

/** Loads a model folder and checks it is the MobileNetV2 base Paddy expects. */
export async function verifyModel(dir: string, alpha: Alpha): Promise<Omit<ConvertedModel, 'bytes' | 'shards'>> {
  const model = await loadBase(dir);
  try {
    const layers = model.layers.length;
    const params = model.countParams();
    const outputShape = model.outputs[0]!.shape;
    const want = EXPECTED_PARAMS[String(alpha)];
    if (layers !== EXPECTED_LAYERS || params !== want || outputShape.join(',') !== ',7,7,1280') {
      throw new Error(`${dir}: converted model is not MobileNetV2 α${alpha} (${layers} layers, ${params} params, output [${outputShape}]; expected ${EXPECTED_LAYERS}, ${want}, [null,7,7,1280])`);
    }
    const finite = tf.tidy(() => {
      const y = model.predict(tf.zeros([1, 224, 224, 3])) as tf.Tensor;
      return tf.all(tf.isFinite(y)).dataSync()[0] === 1;
    });
    if (!finite) throw new Error(`${dir}: converted model produces non-finite features (damaged weights?)`);
    return { dir, layers, params, outputShape };
  } finally {
    model.dispose();
  }
}

/**
 * Converts `h5File` into `destDir` (a model folder such as <library>/models/mobilenet_v2/mobilenet_v2_0.35_224_no_top).
 * Nothing is written to destDir unless the whole conversion and its verification succeed.
 */
export async function convertKerasH5(h5File: string, alpha: Alpha, destDir: string): Promise<ConvertedModel> {
  const h5 = await readKerasWeights(h5File);
  // The CLI registers the wasm backend on import but only initialises it on demand.
  if (activeBackend() === null) await useBackend('auto', 'infer');
  const tmp = `${destDir}.tmp-${process.pid}-${Date.now()}`;
  const model = buildMobileNetV2(alpha);
  try {
    setWeightsByName(model, h5, h5File, alpha);
    fs.mkdirSync(path.dirname(destDir), { recursive: true });
    await model.save(shardedSaver(tmp));
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    model.dispose();
  }
  try {
    const info = await verifyModel(tmp, alpha);
    const files = fs.readdirSync(tmp).filter((f) => f.endsWith('.bin'));
    const bytes = files.reduce((s, f) => s + fs.statSync(path.join(tmp, f)).size, 0);
    // Replace an existing folder by moving it aside first: at every instant destDir is absent or complete.
    const old = `${destDir}.old-${process.pid}-${Date.now()}`;
    const hadOld = fs.existsSync(destDir);
    if (hadOld) fs.renameSync(destDir, old);
    fs.renameSync(tmp, destDir);
    if (hadOld) fs.rmSync(old, { recursive: true, force: true });
    return { ...info, dir: destDir, bytes, shards: files.length };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
