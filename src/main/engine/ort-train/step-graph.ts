// A CNN's loss gradients as one ONNX graph — the forward pass and the backward pass written out by hand — so
// onnxruntime's native kernels (MLAS) do the work tfjs-wasm is slow at (its backward kernels). Every backward
// op is a forward op ORT runs well: a convolution's input gradient is a Conv of the gradient with the flipped,
// in/out-swapped filter; its filter gradient an im2col (a grouped Conv with one-hot kernels) and a batched
// MatMul; the max-pool gradient MaxUnpool of the pooling indices. Parameters go in and gradients come out in
// tfjs layout (conv kernels [kh, kw, in, out], dense [in, out]), so they pair with model.trainableWeights as is.
// Batch norm runs in training mode (batch statistics, which the graph also outputs for the moving averages).
// Measured choices (2-core AVX-512 Xeon, BENCHMARKS.md): ConvTranspose for the input gradient, a Conv with
// the batch as channels for the filter gradient, and Slice+Concat im2cols were each slower.
import { GraphBuilder } from '../onnx/export/onnx-graph';

export type StepLayer =
  // bias false: a conv feeding a batch norm, which cancels any bias (tfjs useBias: false).
  | { kind: 'conv'; filters: number; kernel: number; padding: 'same' | 'valid'; relu: boolean; bias?: boolean }
  // Batch norm over a feature map in training mode (batch statistics; the moving ones are updated by the
  // trainer from the graph's `stats` outputs), optionally followed by a ReLU.
  | { kind: 'bn'; epsilon: number; momentum: number; relu: boolean }
  | { kind: 'pool' }
  | { kind: 'gap' }
  | { kind: 'flatten' }
  | { kind: 'dense'; units: number; activation: 'relu' | 'linear' | 'softmax' }
  | { kind: 'dropout'; rate: number };

/** Images (NHWC, height = width = size, 3 channels) or feature vectors of `dims` floats. */
export type StepInput = { size: number } | { dims: number };

/** The input as the graph sees it per row: [3, size, size] (NCHW) or [dims]. */
export const inputShape = (input: StepInput): number[] => ('size' in input ? [3, input.size, input.size] : [input.dims]);
/** Floats per row of the x the caller feeds (NHWC images or vectors). */
export const inputLength = (input: StepInput): number => inputShape(input).reduce((a, b) => a * b, 1);

/** How many rows a step graph takes, and how many the gradients are averaged over. */
export interface StepBatch {
  /** Rows in this graph's batch. */
  batch: number;
  /**
   * Rows in the whole batch (default `batch`): gradients are of the summed loss divided by this, so the
   * gradients of a batch's parts, computed by different workers, add up to the whole batch's mean-loss gradient.
   */
  wholeBatch?: number;
}

export interface StepSpec extends StepBatch {
  input: StepInput;
  layers: StepLayer[];
}

export interface StepGraph {
  bytes: Uint8Array;
  /** Parameter shapes in tfjs order and layout (kernel, bias per layer), as model.getWeights() lists them. */
  params: number[][];
  /** Per dropout layer: the [batch, units] mask input's name and width. */
  masks: Array<{ name: string; units: number; rate: number }>;
  /**
   * Per batch-norm layer: the graph outputs holding this batch's per-channel mean and (biased) variance, and the
   * layer's momentum — tfjs's moving-statistics order (model.nonTrainableWeights: mean, variance per layer).
   */
  stats?: Array<{ mean: string; variance: string; channels: number; momentum: number }>;
  numClasses: number;
}

const f32 = (...xs: number[]) => new Float32Array(xs);

/** Shapes of every layer's output ([C, H, W] for maps, [units] for vectors) and the parameter shapes. */
function shapes(spec: StepSpec): { out: number[][]; params: number[][] } {
  let cur = inputShape(spec.input);
  const out: number[][] = [];
  const params: number[][] = [];
  for (const l of spec.layers) {
    if (l.kind !== 'dense' && l.kind !== 'dropout' && cur.length !== 3) throw new Error(`step graph: ${l.kind} layer on a vector`);
    if (l.kind === 'conv') {
      const [c, h, w] = cur as [number, number, number];
      const shrink = l.padding === 'valid' ? l.kernel - 1 : 0;
      params.push([l.kernel, l.kernel, c, l.filters], ...(l.bias === false ? [] : [[l.filters]]));
      cur = [l.filters, h - shrink, w - shrink];
    } else if (l.kind === 'bn') {
      params.push([cur[0]!], [cur[0]!]);
    } else if (l.kind === 'gap') {
      cur = [cur[0]!];
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

/** How many parameter tensors a layer has: kernel (+ bias), or a batch norm's γ and β. */
const paramCount = (l: StepLayer): number => (l.kind === 'dense' || l.kind === 'bn' ? 2 : l.kind === 'conv' ? (l.bias === false ? 1 : 2) : 0);

/** Index in `params` of each layer's first parameter (conv/dense kernel, bias next; bn γ, β next); -1 for none. */
function paramIndices(layers: StepLayer[]): number[] {
  let next = 0;
  return layers.map((l) => {
    const n = paramCount(l);
    next += n;
    return n ? next - n : -1;
  });
}

/** The tensors of one layer the backward pass reads. */
interface LayerValues {
  input: string;
  output: string;
  /** conv/dense: the output the ReLU derivative is taken at (before a pool, the conv's pre-ReLU output). */
  activated?: string;
  poolShape?: string;
  poolIndices?: string;
  mask?: string;
  /** bn: the normalised input and 1/√(var + ε) ([1, C, 1, 1]). */
  xhat?: string;
  invStd?: string;
}

/** The small op helpers every graph writer uses (this file's CNN step, block-step-graph.ts's MobileNetV2 blocks). */
export class GraphOps {
  constructor(readonly g: GraphBuilder) {}

  /** A float constant: a scalar, or a vector of several values. */
  c(name: string, ...v: number[]): string {
    return this.g.floatTensor(name, v.length === 1 ? [] : [v.length], f32(...v));
  }
  /** An int64 vector constant (shapes, axes, slice bounds). */
  i64(name: string, v: number[]): string {
    return this.g.int64Tensor(name, v);
  }
  /** A node with one output; returns that output's name. */
  n1(op: string, ins: string[], base: string, attrs = {}): string {
    return this.g.node(op, ins, base, attrs)[0]!;
  }
}

/** The graph being written, with the spec's facts and the small op helpers every layer uses. */
class StepWriter extends GraphOps {
  readonly B: number;
  readonly layers: StepLayer[];
  readonly out: number[][];
  readonly params: number[][];
  readonly paramAt: number[];
  readonly zero: string;

  constructor(readonly spec: StepSpec) {
    super(new GraphBuilder(['loss', 'correct', ...shapes(spec).params.map((_, i) => `g${i}`), ...statNames(spec.layers)]));
    ({ out: this.out, params: this.params } = shapes(spec));
    this.B = spec.batch;
    this.layers = spec.layers;
    this.paramAt = paramIndices(spec.layers);
    this.zero = this.c('zero', 0);
  }
  /** The [C, H, W] or [units] shape of layer li's input. */
  inShape(li: number): number[] {
    return li > 0 ? this.out[li - 1]! : inputShape(this.spec.input);
  }
  /** Layer li is a ReLU conv (or batch norm) followed by a pool, so its ReLU runs after the pool. */
  reluAfterPool(li: number): boolean {
    const l = this.layers[li];
    return (l?.kind === 'conv' || l?.kind === 'bn') && l.relu && this.layers[li + 1]?.kind === 'pool';
  }
  /** A [C] parameter as [1, C, 1, 1], to broadcast over NCHW maps. */
  perChannel(v: string, c: number, base: string): string {
    return this.n1('Reshape', [v, this.i64(`${base}_shape`, [1, c, 1, 1])], base);
  }
  /** d where the ReLU's output is positive, else 0 (tfjs: relu'(0) = 0). */
  reluGrad(d: string, out: string, base: string): string {
    return this.n1('Where', [this.n1('Greater', [out, this.zero], `${base}_pos`), d, this.zero], `${base}_drelu`);
  }
}

const samePad = (l: { kernel: number; padding: 'same' | 'valid' }) => (l.padding === 'same' ? (l.kernel - 1) / 2 : 0);

/** Per batch-norm layer li, the graph outputs of its batch mean and variance: `bn_mean${li}`, `bn_var${li}`. */
const statNames = (layers: StepLayer[]): string[] => layers.flatMap((l, li) => (l.kind === 'bn' ? [`bn_mean${li}`, `bn_var${li}`] : []));

// ---- Forward: each layer's ops; returns its output and what the backward pass needs.

type Forward<L> = (w: StepWriter, l: L, li: number, a: string) => Omit<LayerValues, 'input'>;

const convForward: Forward<Extract<StepLayer, { kind: 'conv' }>> = (w, l, li, a) => {
  const pi = w.paramAt[li]!;
  const kernel = w.n1('Transpose', [`p${pi}`], `w${li}_oihw`, { perm: [3, 2, 0, 1] });
  const p = samePad(l);
  let y = w.n1('Conv', l.bias === false ? [a, kernel] : [a, kernel, `p${pi + 1}`], `conv${li}`, { kernel_shape: [l.kernel, l.kernel], pads: [p, p, p, p] });
  // Before a pool the ReLU moves after it — max(relu(z)) = relu(max(z)) with the same argmax wherever the
  // gradient is not zero — so it and its mask work on a 4× smaller map.
  if (l.relu && !w.reluAfterPool(li)) y = w.n1('Relu', [y], `relu${li}`);
  return { output: y, activated: y };
};

const poolForward: Forward<{ kind: 'pool' }> = (w, _l, li, a) => {
  const poolShape = w.n1('Shape', [a], `shape${li}`);
  const [y, poolIndices] = w.g.node('MaxPool', [a], `pool${li}`, { kernel_shape: [2, 2], strides: [2, 2] }, 2);
  return { output: w.reluAfterPool(li - 1) ? w.n1('Relu', [y!], `relu${li}`) : y!, poolShape, poolIndices: poolIndices! };
};

// Training-mode batch norm: statistics over batch, height and width of this graph's rows (a worker's part of the
// batch: "ghost" batch norm when the batch is split), xhat = (a − mean)/√(var + ε), y = γ·xhat + β.
const bnForward: Forward<Extract<StepLayer, { kind: 'bn' }>> = (w, l, li, a) => {
  const pi = w.paramAt[li]!;
  const [c, h, wd] = w.out[li] as [number, number, number];
  const axes = w.i64(`bn_axes${li}`, [0, 2, 3]);
  const invN = w.c(`bn_inv_n${li}`, 1 / (w.B * h * wd));
  const mean = w.n1('Mul', [w.n1('ReduceSum', [a, axes], `bn_sum${li}`, { keepdims: 1 }), invN], `bn_mean4_${li}`);
  const xc = w.n1('Sub', [a, mean], `bn_xc${li}`);
  const variance = w.n1('Mul', [w.n1('ReduceSum', [w.n1('Mul', [xc, xc], `bn_sq${li}`), axes], `bn_sqsum${li}`, { keepdims: 1 }), invN], `bn_var4_${li}`);
  const invStd = w.n1('Reciprocal', [w.n1('Sqrt', [w.n1('Add', [variance, w.c(`bn_eps${li}`, l.epsilon)], `bn_ve${li}`)], `bn_std${li}`)], `bn_inv_std${li}`);
  const xhat = w.n1('Mul', [xc, invStd], `bn_xhat${li}`);
  let y = w.n1('Add', [w.n1('Mul', [xhat, w.perChannel(`p${pi}`, c, `bn_gamma${li}`)], `bn_scaled${li}`), w.perChannel(`p${pi + 1}`, c, `bn_beta${li}`)], `bn${li}`);
  const flat = w.i64(`bn_stat_shape${li}`, [c]);
  w.g.identityAs(w.n1('Reshape', [mean, flat], `bn_mean_c${li}`), `bn_mean${li}`);
  w.g.identityAs(w.n1('Reshape', [variance, flat], `bn_var_c${li}`), `bn_var${li}`);
  if (l.relu && !w.reluAfterPool(li)) y = w.n1('Relu', [y], `relu${li}`);
  return { output: y, activated: y, xhat, invStd };
};

const gapForward: Forward<{ kind: 'gap' }> = (w, _l, li, a) => {
  const [, h, wd] = w.inShape(li) as [number, number, number];
  return { output: w.n1('Mul', [w.n1('ReduceSum', [a, w.i64(`gap_axes${li}`, [2, 3])], `gap_sum${li}`, { keepdims: 0 }), w.c(`gap_inv${li}`, 1 / (h * wd))], `gap${li}`) };
};

// tfjs flattens NHWC: channels last.
const flattenForward: Forward<{ kind: 'flatten' }> = (w, _l, li, a) => ({
  output: w.n1('Reshape', [w.n1('Transpose', [a], `nhwc${li}`, { perm: [0, 2, 3, 1] }), w.i64(`flat_shape${li}`, [w.B, -1])], `flat${li}`),
});

const denseForward: Forward<Extract<StepLayer, { kind: 'dense' }>> = (w, l, li, a) => {
  const pi = w.paramAt[li]!;
  let y = w.n1('Gemm', [a, `p${pi}`, `p${pi + 1}`], `dense${li}`);
  if (l.activation === 'relu') y = w.n1('Relu', [y], `relu${li}`);
  return { output: y, activated: y };
};

const dropoutForward: Forward<{ kind: 'dropout' }> = (w, _l, li, a) => {
  const mask = `mask${li}`;
  return { output: w.n1('Mul', [a, mask], `drop${li}`), mask };
};

function forward(w: StepWriter): LayerValues[] {
  let a = 'size' in w.spec.input ? w.n1('Transpose', ['x'], 'x_nchw', { perm: [0, 3, 1, 2] }) : 'x';
  return w.layers.map((l, li) => {
    const v =
      l.kind === 'conv' ? convForward(w, l, li, a)
      : l.kind === 'bn' ? bnForward(w, l, li, a)
      : l.kind === 'gap' ? gapForward(w, l, li, a)
      : l.kind === 'pool' ? poolForward(w, l, li, a)
      : l.kind === 'flatten' ? flattenForward(w, l, li, a)
      : l.kind === 'dense' ? denseForward(w, l, li, a)
      : dropoutForward(w, l, li, a);
    const values = { input: a, ...v };
    a = v.output;
    return values;
  });
}

/** The summed loss and the count of correct rows as graph outputs; returns the log-probabilities. */
function lossAndAccuracy(w: StepWriter, logits: string): { logp: string; axes0: string } {
  const logp = w.n1('LogSoftmax', [logits], 'logp', { axis: 1 });
  const axes1 = w.i64('axes1', [1]);
  const axes0 = w.i64('axes0', [0]);
  const nll = w.n1('ReduceSum', [w.n1('Mul', ['y', logp], 'ylogp'), axes1], 'nll_rows', { keepdims: 0 });
  // The summed loss (not the mean), so the caller can add up the parts of a batch. tfjs clips probabilities to
  // [1e-7, 1 − 1e-7] first, which also zeroes the gradient of a confidently wrong sample; this is the exact one.
  w.g.identityAs(w.n1('Neg', [w.n1('ReduceSum', [nll, axes0], 'total_ll', { keepdims: 0 })], 'neg'), 'loss');
  const hit = w.n1('Equal', [w.n1('ArgMax', [logits], 'pred', { axis: 1, keepdims: 0 }), w.n1('ArgMax', ['y'], 'truth', { axis: 1, keepdims: 0 })], 'hit');
  w.g.identityAs(w.n1('ReduceSum', [w.n1('Cast', [hit], 'hitf', { to: 1 }), axes0], 'correct_sum', { keepdims: 0 }), 'correct');
  return { logp, axes0 };
}

// ---- Backward: each layer turns the gradient of its output into that of its input, writing its parameters'
// gradients into `grads`; the first layer skips its input gradient.

type BackwardStep<L> = (w: StepWriter, l: L, li: number, v: LayerValues, d: string, grads: string[], axes0: string) => string;

const denseBackward: BackwardStep<Extract<StepLayer, { kind: 'dense' }>> = (w, l, li, v, d, grads, axes0) => {
  const pi = w.paramAt[li]!;
  if (l.activation === 'relu') d = w.reluGrad(d, v.activated!, `dense${li}`);
  grads[pi] = w.n1('Gemm', [v.input, d], `dW${li}`, { transA: 1 });
  grads[pi + 1] = w.n1('ReduceSum', [d, axes0], `db${li}`, { keepdims: 0 });
  return li > 0 ? w.n1('Gemm', [d, `p${pi}`], `din${li}`, { transB: 1 }) : d;
};

const dropoutBackward: BackwardStep<{ kind: 'dropout' }> = (w, _l, li, v, d) => w.n1('Mul', [d, v.mask!], `ddrop${li}`);

const flattenBackward: BackwardStep<{ kind: 'flatten' }> = (w, _l, li, _v, d) => {
  const [ch, h, wd] = w.inShape(li);
  return w.n1('Transpose', [w.n1('Reshape', [d, w.i64(`unflat_shape${li}`, [w.B, h!, wd!, ch!])], `unflat${li}`)], `dnchw${li}`, { perm: [0, 3, 1, 2] });
};

/** dγ = Σ d·xhat, dβ = Σ d, dx = γ/σ · (d − dβ/N − xhat·dγ/N), sums over batch, height and width. */
const bnBackward: BackwardStep<Extract<StepLayer, { kind: 'bn' }>> = (w, l, li, v, d, grads) => {
  const pi = w.paramAt[li]!;
  const [c, h, wd] = w.out[li] as [number, number, number];
  if (l.relu && !w.reluAfterPool(li)) d = w.reluGrad(d, v.activated!, `bn${li}`);
  const axes = w.i64(`bn_daxes${li}`, [0, 2, 3]);
  grads[pi] = w.n1('ReduceSum', [w.n1('Mul', [d, v.xhat!], `bn_dxhat${li}`), axes], `dgamma${li}`, { keepdims: 0 });
  grads[pi + 1] = w.n1('ReduceSum', [d, axes], `dbeta${li}`, { keepdims: 0 });
  if (li === 0) return d;
  const invN = w.c(`bn_dinv_n${li}`, 1 / (w.B * h * wd));
  const dgN = w.perChannel(w.n1('Mul', [grads[pi]!, invN], `bn_dg_n${li}`), c, `bn_dg4_${li}`);
  const dbN = w.perChannel(w.n1('Mul', [grads[pi + 1]!, invN], `bn_db_n${li}`), c, `bn_db4_${li}`);
  const centred = w.n1('Sub', [w.n1('Sub', [d, dbN], `bn_d_db${li}`), w.n1('Mul', [v.xhat!, dgN], `bn_xhat_dg${li}`)], `bn_dc${li}`);
  const scale = w.n1('Mul', [w.perChannel(`p${pi}`, c, `bn_dgamma_c${li}`), v.invStd!], `bn_dscale${li}`);
  return w.n1('Mul', [centred, scale], `dbn${li}`);
};

const gapBackward: BackwardStep<{ kind: 'gap' }> = (w, _l, li, _v, d) => {
  const [c, h, wd] = w.inShape(li) as [number, number, number];
  const d4 = w.n1('Reshape', [w.n1('Mul', [d, w.c(`gap_dinv${li}`, 1 / (h * wd))], `gap_dmean${li}`), w.i64(`gap_d4_shape${li}`, [w.B, c, 1, 1])], `gap_d4_${li}`);
  return w.n1('Expand', [d4, w.i64(`gap_dshape${li}`, [w.B, c, h, wd])], `dgap${li}`);
};

const poolBackward: BackwardStep<{ kind: 'pool' }> = (w, _l, li, v, d) => {
  if (w.reluAfterPool(li - 1)) d = w.reluGrad(d, v.output, `pool${li}`);
  return w.n1('MaxUnpool', [d, v.poolIndices!, v.poolShape!], `dpool${li}`, { kernel_shape: [2, 2], strides: [2, 2] });
};

/**
 * dW[u,v,i,o] = Σ_b,y,x d[b,o,y,x]·x[b,i,y+u,x+v]. The im2col [B, I·k², Ho·Wo] is a grouped Conv of the input
 * with one-hot k×k kernels (group i yields channel i's k² shifts: one multithreaded op instead of k² slices
 * and a concat), then one batched MatMul against it, transposed — which ORT fuses into FusedMatMul, so MLAS
 * runs B well-shaped GEMMs [O, Ho·Wo]×[Ho·Wo, I·k²] — and a sum over the batch.
 */
function im2col(w: StepWriter, li: number, k: number, p: number, input: string): string {
  const [I] = w.inShape(li) as [number, number, number];
  const [, Ho, Wo] = w.out[li] as [number, number, number];
  const kk = k * k;
  const eye = new Float32Array(I * kk * kk);
  for (let i = 0; i < I; i++) for (let s2 = 0; s2 < kk; s2++) eye[(i * kk + s2) * kk + s2] = 1;
  const shifts = w.g.floatTensor(`shift_kernels${li}`, [I * kk, 1, k, k], eye);
  const cols4 = w.n1('Conv', [input, shifts], `im2col${li}`, { kernel_shape: [k, k], pads: [p, p, p, p], group: I });
  return w.n1('Reshape', [cols4, w.i64(`cols_shape${li}`, [w.B, kk * I, Ho * Wo])], `cols${li}`);
}

function filterGrad(w: StepWriter, li: number, k: number, cols: string, d: string): string {
  const [I] = w.inShape(li) as [number, number, number];
  const [O, Ho, Wo] = w.out[li] as [number, number, number];
  const colsT = w.n1('Transpose', [cols], `colsT${li}`, { perm: [0, 2, 1] });
  const d3 = w.n1('Reshape', [d, w.i64(`d3_shape${li}`, [w.B, O, Ho * Wo])], `d3_${li}`);
  const perImage = w.n1('MatMul', [d3, colsT], `dW_per_image${li}`);
  const sum = w.n1('ReduceSum', [perImage, w.i64(`axes_b${li}`, [0])], `dW_oi${li}`, { keepdims: 0 });
  return w.n1('Transpose', [w.n1('Reshape', [sum, w.i64(`dw_shape${li}`, [O, I, k, k])], `dW_oikk${li}`)], `dW${li}`, { perm: [2, 3, 1, 0] });
}

/**
 * dX = d convolved with the spatially flipped, in/out-swapped filter, padded by k−1−p: a forward Conv, which
 * MLAS runs faster than ConvTranspose's GEMM + col2im.
 */
function convInputGrad(w: StepWriter, li: number, k: number, p: number, d: string): string {
  const swapped = w.n1('Transpose', [`p${w.paramAt[li]!}`], `w${li}_iohw`, { perm: [2, 3, 0, 1] });
  const flipped = w.n1('Slice', [swapped, w.i64(`flip_start${li}`, [-1, -1]), w.i64(`flip_end${li}`, [-(2 ** 31), -(2 ** 31)]), w.i64(`flip_axes${li}`, [2, 3]), w.i64(`flip_steps${li}`, [-1, -1])], `w${li}_flip`);
  const q = k - 1 - p;
  return w.n1('Conv', [d, flipped], `din${li}`, { kernel_shape: [k, k], pads: [q, q, q, q] });
}

const convBackward: BackwardStep<Extract<StepLayer, { kind: 'conv' }>> = (w, l, li, v, d, grads) => {
  const pi = w.paramAt[li]!;
  if (l.relu && !w.reluAfterPool(li)) d = w.reluGrad(d, v.activated!, `conv${li}`);
  const p = samePad(l);
  grads[pi] = filterGrad(w, li, l.kernel, im2col(w, li, l.kernel, p, v.input), d);
  if (l.bias !== false) grads[pi + 1] = w.n1('ReduceSum', [d, w.i64(`axes_bhw${li}`, [0, 2, 3])], `db${li}`, { keepdims: 0 });
  return li > 0 ? convInputGrad(w, li, l.kernel, p, d) : d;
};

/** Gradients of the mean loss over the whole batch, per parameter (params order). */
function backward(w: StepWriter, values: LayerValues[], logp: string, axes0: string): string[] {
  // d(mean cross-entropy)/d(logits) = (softmax − y) / (rows in the whole batch).
  let d = w.n1('Mul', [w.n1('Sub', [w.n1('Exp', [logp], 'probs'), 'y'], 'p_minus_y'), w.c('inv_batch', 1 / (w.spec.wholeBatch ?? w.B))], 'dlogits');
  const grads: string[] = new Array(w.params.length);
  for (let li = w.layers.length - 1; li >= 0; li--) {
    const l = w.layers[li]!, v = values[li]!;
    d =
      l.kind === 'dense' ? denseBackward(w, l, li, v, d, grads, axes0)
      : l.kind === 'dropout' ? dropoutBackward(w, l, li, v, d, grads, axes0)
      : l.kind === 'flatten' ? flattenBackward(w, l, li, v, d, grads, axes0)
      : l.kind === 'pool' ? poolBackward(w, l, li, v, d, grads, axes0)
      : l.kind === 'bn' ? bnBackward(w, l, li, v, d, grads, axes0)
      : l.kind === 'gap' ? gapBackward(w, l, li, v, d, grads, axes0)
      : convBackward(w, l, li, v, d, grads, axes0);
  }
  return grads;
}

export function buildStepGraph(spec: StepSpec): StepGraph {
  const w = new StepWriter(spec);
  const { B, params, layers } = w;
  const K = (layers.at(-1) as { units: number }).units;
  const values = forward(w);
  const masks: StepGraph['masks'] = layers.flatMap((l, li) => (l.kind === 'dropout' ? [{ name: values[li]!.mask!, units: w.out[li]![0]!, rate: l.rate }] : []));
  const { logp, axes0 } = lossAndAccuracy(w, values.at(-1)!.output);
  const grads = backward(w, values, logp, axes0);
  params.forEach((_, i) => w.g.identityAs(grads[i]!, `g${i}`));
  const stats = layers.flatMap((l, li) => (l.kind === 'bn' ? [{ mean: `bn_mean${li}`, variance: `bn_var${li}`, channels: w.out[li]![0]!, momentum: l.momentum }] : []));

  const bytes = w.g.build({
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
      ...stats.flatMap((s) => [{ name: s.mean, dims: [s.channels] }, { name: s.variance, dims: [s.channels] }]),
    ],
  });
  return { bytes, params, masks, stats, numClasses: K };
}
