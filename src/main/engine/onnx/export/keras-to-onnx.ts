// Converts a Keras model (functional or Sequential, as tfjs saves it in model.json) into an ONNX graph.
// Inside the graph tensors are NCHW, ONNX's native layout. Exact rewrites, no approximation:
// - BatchNormalization right after a linear conv is folded into that conv's weights and bias (float64 math,
//   epsilon from the layer config); any other BatchNormalization becomes a per-channel Mul + Add.
// - ZeroPadding2D is carried as pending padding and absorbed into the next conv's `pads`; only a consumer that
//   cannot absorb it gets an explicit Pad node.
// - 'same' padding is computed like TensorFlow: total = max((ceil(in/s)-1)*s + k_eff - in, 0), with the odd pixel on
//   the bottom/right.
// - ReLU(max_value 6) becomes Clip(0, 6) (bounds as attributes at opset 10); DepthwiseConv2D becomes a grouped
//   Conv (group = input channels).
// - Dense becomes Gemm with the kernel stored [out, in] and transB = 1, the layout PyTorch and tf2onnx write.
// - Flatten of a 4-D tensor first transposes back to NHWC so that a following Dense sees Keras' element order.
import { GraphBuilder, type Opset } from './onnx-graph';
import { ExportError, samePads } from './layer-math';
import { Converter, materializePad, type KerasModel, type Value } from './keras-converter';

export { ExportError, samePads, type KerasModel };

export interface ExportOptions {
  /** Layout of the graph input. 'nhwc' adds a Transpose as the first node; 'nchw' expects the caller to transpose. */
  inputLayout: 'nhwc' | 'nchw';
  /** Append GlobalAveragePool + Flatten to the model's output (the pooled features of a frozen base). */
  pool?: 'avg';
  /** A second model fed with the first one's (pooled) output, e.g. a classifier head on a frozen base. */
  head?: KerasModel;
  /** Normalisation inside the graph (x*scale + offset), so the input can be raw 0–255 RGB. */
  preprocess?: { scale: number; offset: number };
  name?: string;
  metadata?: Record<string, string>;
  /** 13 by default (the graphs Paddy runs itself); PORTABLE_OPSET for files other consumers load. */
  opset?: Opset;
  /** A second graph input [N, dims, 1, 1]: appended to the pooled features before the head (a head that also takes the
   * object's shape numbers), or fed to `fuse`. */
  extraInput?: { name: string; dims: number };
  /** A classifier on the extra input weighed into the model's probabilities: softmax(log p + weight · log q), both
   * clamped to ≥ 1e-9 first (train/shape-head.ts fuseWithShape). */
  fuse?: { model: KerasModel; weight: number };
}

export interface ExportResult {
  bytes: Uint8Array;
  inputName: string;
  outputName: string;
  /** The model's input, height × width × channels. */
  inputHwc: [number, number, number];
  /** Output shape without the batch dimension (features: [dims]; a 4-D output is reported NHWC). */
  outputShape: number[];
  /** The second input's name, when there is one. */
  extraInputName?: string;
}


export function kerasToOnnx(model: KerasModel, opts: ExportOptions): ExportResult {
  const g = new GraphBuilder(['output'], opts.opset);
  const base = new Converter(g, model, opts.inputLayout, undefined, opts.preprocess);
  let out = base.run();
  if (opts.pool === 'avg') {
    out = materializePad(g, out);
    if (out.shape.rank !== 4) throw new ExportError('pool: the model output is not 4-D');
    const [gap] = g.node('GlobalAveragePool', [out.tensor], 'global_pool');
    const [flat] = g.node('Flatten', [gap], 'global_pool_flat', { axis: 1 });
    out = { tensor: flat, shape: { rank: 2, f: out.shape.c } };
  }
  // Declared [N, dims, 1, 1]: OpenCV's importer (4.6) takes a dynamic batch only on inputs of rank 3 or more.
  const extra = opts.extraInput ? g.node('Flatten', [opts.extraInput.name], 'extra_input_flat', { axis: 1 })[0]! : null;
  if (opts.extraInput && !opts.fuse) {
    if (out.shape.rank !== 2) throw new ExportError('extraInput: the features before the head are not [N, dims]');
    const [cat] = g.node('Concat', [out.tensor, extra!], 'with_extra_input', { axis: 1 });
    out = { tensor: cat, shape: { rank: 2, f: out.shape.f + opts.extraInput.dims } };
  }
  if (opts.head) out = new Converter(g, opts.head, opts.inputLayout, out).run();
  out = materializePad(g, out);
  if (opts.fuse) {
    if (!opts.extraInput || out.shape.rank !== 2) throw new ExportError('fuse: needs extraInput and [N, classes] probabilities');
    const q = materializePad(g, new Converter(g, opts.fuse.model, opts.inputLayout, { tensor: extra!, shape: { rank: 2, f: opts.extraInput.dims } }).run());
    // Clip's bounds are attributes before opset 11 (the form OpenCV parses), inputs after.
    const clip = (t: string, name: string) => (g.opset < 11
      ? g.node('Clip', [t], name, { min: { float: 1e-9 }, max: { float: 1 } })
      : g.node('Clip', [t, g.floatTensor(`${name}/min`, [], Float32Array.of(1e-9)), g.floatTensor(`${name}/max`, [], Float32Array.of(1))], name))[0]!;
    const logOf = (t: string, name: string) => g.node('Log', [clip(t, `${name}_clip`)], name)[0]!;
    const weight = g.floatTensor('fuse_weight', [1], Float32Array.of(opts.fuse.weight));
    const [wq] = g.node('Mul', [logOf(q.tensor, 'log_q'), weight], 'weighted_log_q');
    const [sum] = g.node('Add', [logOf(out.tensor, 'log_p'), wq], 'fused_log');
    const [fused] = g.node('Softmax', [sum], 'fused', { axis: 1 });
    out = { tensor: fused, shape: out.shape };
  }
  let outputShape: number[];
  if (out.shape.rank === 4) {
    const { c, h, w } = out.shape;
    const [t] = g.node('Transpose', [out.tensor], 'to_nhwc', { perm: [0, 2, 3, 1] });
    out = { tensor: t, shape: out.shape };
    outputShape = [h, w, c];
  } else outputShape = [out.shape.f];
  const outputName = g.identityAs(out.tensor, 'output');
  const input = base.graphInput;
  if (!input) throw new ExportError('the model has no input layer');
  const bytes = g.build({
    name: opts.name ?? 'paddy',
    inputs: [input.spec, ...(opts.extraInput ? [{ name: opts.extraInput.name, dims: ['N', opts.extraInput.dims, 1, 1] }] : [])],
    outputs: [{ name: outputName, dims: ['N', ...outputShape] }],
    metadata: opts.metadata,
  });
  return { bytes, inputName: input.spec.name, outputName, inputHwc: input.hwc, outputShape, ...(opts.extraInput ? { extraInputName: opts.extraInput.name } : {}) };
}

