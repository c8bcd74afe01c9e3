// A CNN's loss gradients as one ONNX graph — the forward pass and the backward pass written out by hand — so
// onnxruntime's native kernels (MLAS) do the work tfjs-wasm is slow at (its backward kernels). Every backward
// op is a forward op ORT runs well: a convolution's input gradient is a Conv of the gradient with the flipped,
// in/out-swapped filter; its filter gradient an im2col (a grouped Conv with one-hot kernels) and a batched
// MatMul; the max-pool gradient MaxUnpool of the pooling indices. Parameters go in and gradients come out in
// tfjs layout (conv kernels [kh, kw, in, out], dense [in, out]), so they pair with model.getWeights() as is.
// Measured choices (2-core AVX-512 Xeon, BENCHMARKS.md): ConvTranspose for the input gradient, a Conv with
// the batch as channels for the filter gradient, and Slice+Concat im2cols were each slower.
import { GraphBuilder } from '../onnx/export/onnx-graph';

export type StepLayer =
  | { kind: 'conv'; filters: number; kernel: number; padding: 'same' | 'valid'; relu: boolean }
  | { kind: 'pool' }
  | { kind: 'flatten' }
  | { kind: 'dense'; units: number; activation: 'relu' | 'linear' | 'softmax' }
  | { kind: 'dropout'; rate: number };

/** Images (NHWC, height = width = size, 3 channels) or feature vectors of `dims` floats. */
export type StepInput = { size: number } | { dims: number };

/** The input as the graph sees it per row: [3, size, size] (NCHW) or [dims]. */
export const inputShape = (input: StepInput): number[] => ('size' in input ? [3, input.size, input.size] : [input.dims]);
/** Floats per row of the x the caller feeds (NHWC images or vectors). */
export const inputLength = (input: StepInput): number => inputShape(input).reduce((a, b) => a * b, 1);

export interface StepSpec {
  input: StepInput;
  layers: StepLayer[];
  /** Rows in this graph's batch. */
  batch: number;
  /**
   * Rows in the whole batch (default `batch`): gradients are of the summed loss divided by this, so the
   * gradients of a batch's parts, computed by different workers, add up to the whole batch's mean-loss gradient.
   */
  wholeBatch?: number;
}

export interface StepGraph {
  bytes: Uint8Array;
  /** Parameter shapes in tfjs order and layout (kernel, bias per layer), as model.getWeights() lists them. */
  params: number[][];
  /** Per dropout layer: the [batch, units] mask input's name and width. */
  masks: Array<{ name: string; units: number; rate: number }>;
  numClasses: number;
}

const f32 = (...xs: number[]) => new Float32Array(xs);

/** Shapes of every layer's output ([C, H, W] for maps, [units] for vectors) and the parameter shapes. */
function shapes(spec: StepSpec): { out: number[][]; params: number[][] } {
  let cur = inputShape(spec.input);
  const out: number[][] = [];
  const params: number[][] = [];
  for (const l of spec.layers) {
    if ((l.kind === 'conv' || l.kind === 'pool' || l.kind === 'flatten') && cur.length !== 3) throw new Error(`step graph: ${l.kind} layer on a vector`);
    if (l.kind === 'conv') {
      const [c, h, w] = cur as [number, number, number];
      const shrink = l.padding === 'valid' ? l.kernel - 1 : 0;
      params.push([l.kernel, l.kernel, c, l.filters], [l.filters]);
      cur = [l.filters, h - shrink, w - shrink];
    } else if (l.kind === 'pool') {
      cur = [cur[0]!, Math.floor(cur[1]! / 2), Math.floor(cur[2]! / 2)];
    } else if (l.kind === 'flatten') {
      cur = [cur.reduce((a, b) => a * b, 1)];
    } else if (l.kind === 'dense') {
      if (cur.length !== 1) throw new Error('step graph: dense layer on a feature map (flatten first)');
      params.push([cur[0]!, l.units], [l.units]);
      cur = [l.units];
    }
    if (cur.some((d) => d < 1)) throw new Error(`step graph: input [${inputShape(spec.input).join(', ')}] is too small for these layers`);
    out.push(cur);
  }
  const last = spec.layers.at(-1);
  if (last?.kind !== 'dense' || last.activation !== 'softmax') throw new Error('step graph: the model must end in a softmax dense layer');
  return { out, params };
}

/** Per dropout layer, the width of its [rows, width] mask. */
export function dropoutWidths(input: StepInput, layers: StepLayer[]): number[] {
  const { out } = shapes({ input, layers, batch: 1 });
  return layers.flatMap((l, i) => (l.kind === 'dropout' ? [out[i]![0]!] : []));
}

export function buildStepGraph(spec: StepSpec): StepGraph {
  const { batch: B, layers } = spec;
  const { out, params } = shapes(spec);
  const K = (layers.at(-1) as { units: number }).units;
  const g = new GraphBuilder(['loss', 'correct', ...params.map((_, i) => `g${i}`)]);
  const c = (name: string, ...v: number[]) => g.floatTensor(name, v.length === 1 ? [] : [v.length], f32(...v));
  const i64 = (name: string, v: number[]) => g.int64Tensor(name, v);
  const n1 = (op: string, ins: string[], base: string, attrs = {}) => g.node(op, ins, base, attrs)[0]!;

  const reluAfterPool = (li: number): boolean => {
    const l = layers[li];
    return l?.kind === 'conv' && l.relu && layers[li + 1]?.kind === 'pool';
  };
  const zero = c('zero', 0);
  /** d where the ReLU's output is positive, else 0 (tfjs: relu'(0) = 0). */
  const reluGrad = (d: string, out: string, base: string): string =>
    n1('Where', [n1('Greater', [out, zero], `${base}_pos`), d, zero], `${base}_drelu`);
  /**
   * dW[u,v,i,o] = Σ_b,y,x d[b,o,y,x]·x[b,i,y+u,x+v]. The im2col [B, I·k², Ho·Wo] is a grouped Conv of the input
   * with one-hot k×k kernels (group i yields channel i's k² shifts: one multithreaded op instead of k² slices
   * and a concat), then one batched MatMul against it, transposed — which ORT fuses into FusedMatMul, so MLAS
   * runs B well-shaped GEMMs [O, Ho·Wo]×[Ho·Wo, I·k²] — and a sum over the batch.
   */
  const im2col = (li: number, k: number, p: number, input: string, inShape: number[], outShape: number[]): string => {
    const [I] = inShape as [number, number, number];
    const [, Ho, Wo] = outShape as [number, number, number];
    const kk = k * k;
    const eye = new Float32Array(I * kk * kk);
    for (let i = 0; i < I; i++) for (let s2 = 0; s2 < kk; s2++) eye[(i * kk + s2) * kk + s2] = 1;
    const shifts = g.floatTensor(`shift_kernels${li}`, [I * kk, 1, k, k], eye);
    const cols4 = n1('Conv', [input, shifts], `im2col${li}`, { kernel_shape: [k, k], pads: [p, p, p, p], group: I });
    return n1('Reshape', [cols4, i64(`cols_shape${li}`, [B, kk * I, Ho * Wo])], `cols${li}`);
  };
  const filterGrad = (li: number, k: number, cols: string, d: string, inShape: number[], outShape: number[]): string => {
    const [I] = inShape as [number, number, number];
    const [O, Ho, Wo] = outShape as [number, number, number];
    const colsT = n1('Transpose', [cols], `colsT${li}`, { perm: [0, 2, 1] });
    const d3 = n1('Reshape', [d, i64(`d3_shape${li}`, [B, O, Ho * Wo])], `d3_${li}`);
    const perImage = n1('MatMul', [d3, colsT], `dW_per_image${li}`);
    const sum = n1('ReduceSum', [perImage, i64(`axes_b${li}`, [0])], `dW_oi${li}`, { keepdims: 0 });
    return n1('Transpose', [n1('Reshape', [sum, i64(`dw_shape${li}`, [O, I, k, k])], `dW_oikk${li}`)], `dW${li}`, { perm: [2, 3, 1, 0] });
  };

  const masks: StepGraph['masks'] = [];
  const pIn = params.map((_, i) => `p${i}`);
  // Forward. `acts[i]` is the input of layer i; saved values for the backward pass are kept per layer.
  let a = 'size' in spec.input ? n1('Transpose', ['x'], 'x_nchw', { perm: [0, 3, 1, 2] }) : 'x';
  const acts: string[] = [];
  const saved: Array<{ outAct?: string; idx?: string; shapeIn?: string; mask?: string }> = [];
  let pi = 0;
  layers.forEach((l, li) => {
    acts.push(a);
    const s: (typeof saved)[number] = {};
    if (l.kind === 'conv') {
      const w = n1('Transpose', [pIn[pi]!], `w${li}_oihw`, { perm: [3, 2, 0, 1] });
      const p = l.padding === 'same' ? (l.kernel - 1) / 2 : 0;
      a = n1('Conv', [a, w, pIn[pi + 1]!], `conv${li}`, { kernel_shape: [l.kernel, l.kernel], pads: [p, p, p, p] });
      // Before a pool the ReLU moves after it — max(relu(z)) = relu(max(z)) with the same argmax wherever the
      // gradient is not zero — so it and its mask work on a 4× smaller map.
      if (l.relu && !reluAfterPool(li)) a = n1('Relu', [a], `relu${li}`);
      s.outAct = a;
      pi += 2;
    } else if (l.kind === 'pool') {
      s.shapeIn = n1('Shape', [a], `shape${li}`);
      const [y, idx] = g.node('MaxPool', [a], `pool${li}`, { kernel_shape: [2, 2], strides: [2, 2] }, 2);
      a = reluAfterPool(li - 1) ? n1('Relu', [y!], `relu${li}`) : y!;
      s.idx = idx!;
    } else if (l.kind === 'flatten') {
      // tfjs flattens NHWC: channels last.
      a = n1('Reshape', [n1('Transpose', [a], `nhwc${li}`, { perm: [0, 2, 3, 1] }), i64(`flat_shape${li}`, [B, -1])], `flat${li}`);
    } else if (l.kind === 'dense') {
      a = n1('Gemm', [a, pIn[pi]!, pIn[pi + 1]!], `dense${li}`);
      if (l.activation === 'relu') a = n1('Relu', [a], `relu${li}`);
      s.outAct = a;
      pi += 2;
    } else {
      const name = `mask${li}`;
      masks.push({ name, units: out[li]![0]!, rate: l.rate });
      s.mask = name;
      a = n1('Mul', [a, name], `drop${li}`);
    }
    saved.push(s);
  });
  const logits = a;
  const logp = n1('LogSoftmax', [logits], 'logp', { axis: 1 });
  const axes1 = i64('axes1', [1]);
  const axes0 = i64('axes0', [0]);
  const nll = n1('ReduceSum', [n1('Mul', ['y', logp], 'ylogp'), axes1], 'nll_rows', { keepdims: 0 });
  // The summed loss (not the mean), so the caller can add up the parts of a batch. tfjs clips probabilities to
  // [1e-7, 1 − 1e-7] first, which also zeroes the gradient of a confidently wrong sample; this is the exact one.
  g.identityAs(n1('Neg', [n1('ReduceSum', [nll, axes0], 'total_ll', { keepdims: 0 })], 'neg'), 'loss');
  const hit = n1('Equal', [n1('ArgMax', [logits], 'pred', { axis: 1, keepdims: 0 }), n1('ArgMax', ['y'], 'truth', { axis: 1, keepdims: 0 })], 'hit');
  g.identityAs(n1('ReduceSum', [n1('Cast', [hit], 'hitf', { to: 1 }), axes0], 'correct_sum', { keepdims: 0 }), 'correct');

  // Backward: d(mean cross-entropy)/d(logits) = (softmax − y) / (rows in the whole batch).
  let d = n1('Mul', [n1('Sub', [n1('Exp', [logp], 'probs'), 'y'], 'p_minus_y'), c('inv_batch', 1 / (spec.wholeBatch ?? B))], 'dlogits');
  const grads: string[] = new Array(params.length);
  pi = params.length;
  for (let li = layers.length - 1; li >= 0; li--) {
    const l = layers[li]!;
    const s = saved[li]!;
    const input = acts[li]!;
    const needInput = li > 0;
    if (l.kind === 'dense') {
      pi -= 2;
      if (l.activation === 'relu') d = reluGrad(d, s.outAct!, `dense${li}`);
      grads[pi] = n1('Gemm', [input, d], `dW${li}`, { transA: 1 });
      grads[pi + 1] = n1('ReduceSum', [d, axes0], `db${li}`, { keepdims: 0 });
      if (needInput) d = n1('Gemm', [d, pIn[pi]!], `din${li}`, { transB: 1 });
    } else if (l.kind === 'dropout') {
      d = n1('Mul', [d, s.mask!], `ddrop${li}`);
    } else if (l.kind === 'flatten') {
      const [ch, h, w] = li > 0 ? out[li - 1]! : inputShape(spec.input);
      d = n1('Transpose', [n1('Reshape', [d, i64(`unflat_shape${li}`, [B, h!, w!, ch!])], `unflat${li}`)], `dnchw${li}`, { perm: [0, 3, 1, 2] });
    } else if (l.kind === 'pool') {
      if (reluAfterPool(li - 1)) d = reluGrad(d, acts[li + 1]!, `pool${li}`);
      d = n1('MaxUnpool', [d, s.idx!, s.shapeIn!], `dpool${li}`, { kernel_shape: [2, 2], strides: [2, 2] });
    } else {
      pi -= 2;
      if (l.relu && !reluAfterPool(li)) d = reluGrad(d, s.outAct!, `conv${li}`);
      const p = l.padding === 'same' ? (l.kernel - 1) / 2 : 0;
      // dW[o,i,u,v] = Σ_b,y,x d[b,o,y,x]·x[b,i,y+u,x+v]: a convolution of x with d where the batch is the
      // channel axis being summed — input [I, B, H, W], kernel [O, B, Ho, Wo], output [I, O, kh, kw].
      const inShape = li > 0 ? out[li - 1]! : inputShape(spec.input);
      grads[pi] = filterGrad(li, l.kernel, im2col(li, l.kernel, p, input, inShape, out[li]!), d, inShape, out[li]!);
      grads[pi + 1] = n1('ReduceSum', [d, i64(`axes_bhw${li}`, [0, 2, 3])], `db${li}`, { keepdims: 0 });
      if (needInput) {
        // dX = d convolved with the spatially flipped, in/out-swapped filter, padded by k−1−p: a forward Conv,
        // which MLAS runs faster than ConvTranspose's GEMM + col2im.
        const swapped = n1('Transpose', [pIn[pi]!], `w${li}_iohw`, { perm: [2, 3, 0, 1] });
        const flipped = n1('Slice', [swapped, i64(`flip_start${li}`, [-1, -1]), i64(`flip_end${li}`, [-(2 ** 31), -(2 ** 31)]), i64(`flip_axes${li}`, [2, 3]), i64(`flip_steps${li}`, [-1, -1])], `w${li}_flip`);
        const q = l.kernel - 1 - p;
        d = n1('Conv', [d, flipped], `din${li}`, { kernel_shape: [l.kernel, l.kernel], pads: [q, q, q, q] });
      }
    }
  }

  params.forEach((_, i) => g.identityAs(grads[i]!, `g${i}`));

  const bytes = g.build({
    name: 'paddy_train_step',
    inputs: [
      { name: 'x', dims: 'size' in spec.input ? [B, spec.input.size, spec.input.size, 3] : [B, spec.input.dims] },
      { name: 'y', dims: [B, K] },
      ...masks.map((m) => ({ name: m.name, dims: [B, m.units] })),
      ...params.map((shape, i) => ({ name: `p${i}`, dims: shape })),
    ],
    outputs: [
      { name: 'loss', dims: [] },
      { name: 'correct', dims: [] },
      ...params.map((shape, i) => ({ name: `g${i}`, dims: shape })),
    ],
  });
  return { bytes, params, masks, numClasses: K };
}
