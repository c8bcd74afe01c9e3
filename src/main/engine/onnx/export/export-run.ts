// "Export to ONNX": a trained run's model as one standalone .onnx that any ONNX runtime can use without Paddy.
// CNN runs export the whole network; MobileNetV2 runs export base → global average pool → head as one graph.
// The graph takes raw RGB (float32 0–255, NHWC, the run's image size) and returns class probabilities; the
// normalisation the run trained with is inside the graph, and the class names are in the model's metadata.
// The file is written at opset 10 (PORTABLE_OPSET) so that OpenCV's DNN module (4.6) loads it as well as ONNX
// Runtime: its importer parses Clip (ReLU6) only with attribute bounds and Gemm only with transB = 1.
import fs from 'node:fs';
import path from 'node:path';
import type { Library } from '../../../library';
import type { ModelMeta } from '../../saved-model';
import { loadOrt } from '../runtime/extractor';
import { kerasToOnnx, type ExportOptions } from './keras-to-onnx';
import { PORTABLE_OPSET } from './onnx-graph';
import { readLayersModel } from './layers-model';
import { predictionViews } from '../../data/views';
import { SHAPE_DIMS } from '../../features/shape';

/** Said in the file's metadata and by `paddy export-onnx` when the run predicts with test-time views. */
export const VIEWS_NOTE = 'Paddy averages the class probabilities of the 8 flips/quarter turns of each image (transpose × horizontal × vertical flip); this graph scores one image as given';

/** Said in the file's metadata, by `paddy export-onnx` and the Export card when the run's prediction also takes the
 * object's shape numbers: what its second input holds. */
export function shapeNote(size: number, fused: boolean): string {
  return `the object's shape numbers Paddy computes from the image at ${size} px (src/main/engine/features/shape.ts shapeOf: size, axes, perimeter, roundness and colour of the pixels brighter than Otsu's threshold of the grey image); the same for every flip/quarter turn${fused ? '; the graph weighs its classifier on them into the CNN’s probabilities' : ''}`;
}

export interface RunOnnxExport {
  file: string;
  bytes: number;
  model: ModelMeta['model'];
  classes: string[];
  input: { name: string; shape: [string, number, number, number]; format: string };
  output: { name: string; shape: [string, number] };
  /** onnxruntime-node loaded the written file and ran it (false only when onnxruntime-node is unavailable). */
  verified: boolean;
  /**
   * 8 when the run predicts with test-time views: Paddy averages the probabilities of the image's eight
   * flips/quarter turns (data/views.ts); the file scores one image as given, so a consumer averages the views to
   * score as Paddy does. 1 otherwise.
   */
  views: number;
  /** The head's second input, when the run's head also takes the object's shape numbers. */
  shapeInput?: { name: string; shape: [string, number, number, number]; note: string };
}

const PREPROCESS: Record<ModelMeta['normalisation'], NonNullable<ExportOptions['preprocess']>> = {
  mobilenet: { scale: 1 / 127.5, offset: -1 },
  unit: { scale: 1 / 255, offset: 0 },
};

function readRunMeta(lib: Library, runId: string): { dir: string; meta: ModelMeta } {
  if (!/^[\w.-]+$/.test(runId) || runId.startsWith('.')) throw new Error(`"${runId}" is not a run id`);
  const dir = path.join(lib.paths.models, runId);
  const file = path.join(dir, 'meta.json');
  if (!fs.existsSync(file)) throw new Error(`run ${runId} has no saved model (${file} is missing; was the run completed?)`);
  let meta: ModelMeta;
  try {
    meta = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelMeta;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (meta.format !== 'paddy-model-1' || !Array.isArray(meta.classes) || !PREPROCESS[meta.normalisation]) {
    throw new Error(`${file}: not a Paddy model description (format ${String(meta.format)})`);
  }
  return { dir, meta };
}

/** The frozen base a MobileNetV2 run used: its own fine-tuned copy, or the shared weights (checked by hash). */
async function baseDirFor(lib: Library, runId: string, dir: string, meta: ModelMeta, weightsDir?: string | null): Promise<string> {
  if (meta.ownBase) return path.join(dir, 'base');
  // Loaded on demand: the weights lookup lives with the tfjs training code, which CNN exports do not need.
  const { weightsFor } = await import('../../features/feature-cache');
  const { weightsHash } = await import('../../weights/find');
  let found: string;
  try {
    found = weightsFor(lib, meta.alpha ?? 1, weightsDir);
  } catch (e) {
    // The folder the run was trained with (recorded absolute) still counts, as when the run is loaded.
    if (!meta.baseDir || !fs.existsSync(path.join(meta.baseDir, 'model.json'))) throw e;
    found = meta.baseDir;
  }
  if (meta.baseWeightsHash && weightsHash(found) !== meta.baseWeightsHash) {
    throw new Error(`run ${runId} was trained on different MobileNetV2 weights than those in ${found}`);
  }
  return found;
}

export async function exportRunOnnx(lib: Library, runId: string, outFile: string, opts: { weightsDir?: string | null } = {}): Promise<RunOnnxExport> {
  const { dir, meta } = readRunMeta(lib, runId);
  const views = predictionViews(meta).length;
  // The object's shape numbers: beside a frozen MobileNetV2 head's features, or a CNN's classifier weighed in.
  const shaped = Boolean(meta.shapeFeatures || meta.shapeFusion);
  const common: ExportOptions = {
    inputLayout: 'nhwc',
    opset: PORTABLE_OPSET,
    preprocess: PREPROCESS[meta.normalisation],
    name: `paddy-${meta.model}-${runId}`,
    metadata: {
      'paddy.run': runId,
      'paddy.model': meta.model,
      'paddy.classes': JSON.stringify(meta.classes),
      'paddy.input': `float32 [N, ${meta.imageSize}, ${meta.imageSize}, 3] RGB 0-255 (NHWC); output: class probabilities`,
      ...(views > 1 ? { 'paddy.views': VIEWS_NOTE } : {}),
      ...(shaped ? { 'paddy.shape': `second input object_shape, float32 [N, ${SHAPE_DIMS}, 1, 1]: ${shapeNote(meta.imageSize, !!meta.shapeFusion)}` } : {}),
    },
  };
  const out =
    meta.model === 'cnn'
      ? kerasToOnnx(readLayersModel(path.join(dir, 'model')), {
          ...common,
          ...(meta.shapeFusion ? { extraInput: { name: 'object_shape', dims: SHAPE_DIMS }, fuse: { model: readLayersModel(path.join(dir, 'shape')), weight: meta.shapeFusion } } : {}),
        })
      : kerasToOnnx(readLayersModel(await baseDirFor(lib, runId, dir, meta, opts.weightsDir)), {
          ...common,
          pool: 'avg',
          head: readLayersModel(path.join(dir, 'head')),
          ...(meta.shapeFeatures ? { extraInput: { name: 'object_shape', dims: SHAPE_DIMS } } : {}),
        });
  const [h, w, c] = out.inputHwc;
  if (out.outputShape.length !== 1 || out.outputShape[0] !== meta.classes.length) {
    throw new Error(`run ${runId}: the model outputs [${out.outputShape.join(',')}] but the run has ${meta.classes.length} classes`);
  }

  const target = path.resolve(outFile);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, out.bytes);
  let verified = false;
  try {
    const ort = await loadOrt();
    if (ort) {
      // Load what was written and run one grey image: the file must work before it takes the user's name.
      const session = await ort.InferenceSession.create(tmp);
      const res = await session.run({
        [out.inputName]: new ort.Tensor('float32', new Float32Array(h * w * c).fill(128), [1, h, w, c]),
        ...(out.extraInputName ? { [out.extraInputName]: new ort.Tensor('float32', new Float32Array(SHAPE_DIMS), [1, SHAPE_DIMS, 1, 1]) } : {}),
      });
      const probs = res[out.outputName].data as Float32Array;
      await session.release();
      if (probs.length !== meta.classes.length || probs.some((p) => !Number.isFinite(p))) throw new Error('the exported model gave no valid output');
      verified = true;
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`export of run ${runId} to ${target} failed: ${(e as Error).message}`);
  }
  return {
    file: target,
    bytes: out.bytes.length,
    model: meta.model,
    classes: meta.classes,
    input: { name: out.inputName, shape: ['N', h, w, c], format: 'float32 RGB 0-255, NHWC' },
    output: { name: out.outputName, shape: ['N', meta.classes.length] },
    verified,
    views,
    ...(out.extraInputName ? { shapeInput: { name: out.extraInputName, shape: ['N', SHAPE_DIMS, 1, 1] as [string, number, number, number], note: shapeNote(meta.imageSize, !!meta.shapeFusion) } } : {}),
  };
}
