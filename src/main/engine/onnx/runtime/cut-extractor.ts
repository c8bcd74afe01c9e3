// The frozen bottom of a MobileNetV2 fine-tune (training/finetune-cut.ts) on onnxruntime-node: the base's
// layers up to the cut layer, exported by Paddy's own exporter and run natively — several times faster than
// tfjs-wasm, and this pass over every image is most of a fine-tune's time. The bottom never trains, so the
// export comes from the weights folder itself. Returns null when onnxruntime-node cannot load (then tfjs runs it).
import type { FeatureExtractor } from '../../features/extractor';
import { loadOrt, sessionExtractor, sessionOptions } from './extractor';
import { kerasToOnnx } from '../export/keras-to-onnx';
import { readLayersModel } from '../export/layers-model';

/** n images (NHWC 224×224×3, x/127.5 − 1) → n × h·w·c activations of `cutLayer`'s output, NHWC; null without onnxruntime. */
export async function createCutRunner(modelDir: string, cutLayer: string): Promise<FeatureExtractor | null> {
  const ort = await loadOrt();
  if (!ort) return null;
  const model = readLayersModel(modelDir);
  // Only the cut layer and what it depends on: the exporter converts every layer it is given.
  const byName = new Map(model.topology.layers.map((l) => [l.name, l]));
  const keep = new Set<string>();
  const stack = [cutLayer];
  while (stack.length) {
    const name = stack.pop()!;
    if (keep.has(name)) continue;
    const layer = byName.get(name);
    if (!layer) throw new Error(`cut export: layer ${name} is not in ${modelDir}`);
    keep.add(name);
    for (const node of layer.inbound_nodes ?? []) for (const [src] of node) stack.push(src);
  }
  const topology = { ...model.topology, layers: model.topology.layers.filter((l) => keep.has(l.name)), output_layers: [[cutLayer, 0, 0]] as Array<[string, number, number]> };
  const out = kerasToOnnx({ topology, weights: model.weights }, { inputLayout: 'nhwc', name: `bottom-${cutLayer}` });
  // One image per run (sessionExtractor's default): on 2 cores that ran the most images per CPU-second
  // (BENCHMARKS.md, ONNX extraction).
  const session = await ort.InferenceSession.create(out.bytes, sessionOptions({}));
  return sessionExtractor(ort, session, { input: out.inputName, output: out.outputName, dims: out.outputShape.reduce((a, b) => a * b, 1) });
}
