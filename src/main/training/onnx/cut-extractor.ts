// The frozen bottom of a MobileNetV2 fine-tune (training/finetune-cut.ts) on onnxruntime-node: the base's
// layers up to the cut layer, exported by Paddy's own exporter and run natively — several times faster than
// tfjs-wasm, and this pass over every image is most of a fine-tune's time. The bottom never trains, so the
// export comes from the weights folder itself. Returns null when onnxruntime-node cannot load (then tfjs runs it).
import os from 'node:os';
import { loadOrt } from './extractor';
import { kerasToOnnx } from './keras-to-onnx';
import { readLayersModel } from './layers-model';

export interface CutRunner {
  readonly name: string;
  /** n images (NHWC, 224×224×3, normalised x/127.5 − 1) → n × h·w·c activations of `cutLayer`'s output, NHWC. */
  run(batch: Float32Array, n: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

const SIZE = 224;

export async function createCutRunner(modelDir: string, cutLayer: string): Promise<CutRunner | null> {
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
  const threads = Math.max(1, os.availableParallelism());
  const session = await ort.InferenceSession.create(out.bytes, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    // No spinning: on shared cores it steals time from sharp decoding the next batch (as in extractor.ts).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const per = out.outputShape.reduce((a, b) => a * b, 1);
  const px = SIZE * SIZE * 3;
  return {
    name: `onnxruntime-cpu-${threads}t`,
    async run(batch, n) {
      const result = new Float32Array(n * per);
      // One image per run: on 2 cores that ran the most images per CPU-second (BENCHMARKS.md, ONNX extraction).
      for (let i = 0; i < n; i++) {
        const input = new ort.Tensor('float32', batch.subarray(i * px, (i + 1) * px), [1, SIZE, SIZE, 3]);
        const res = await session.run({ [out.inputName]: input });
        const t = res[out.outputName]!;
        result.set(t.data as Float32Array, i * per);
        input.dispose();
        t.dispose();
      }
      return result;
    },
    async dispose() {
      await session.release();
    },
  };
}
