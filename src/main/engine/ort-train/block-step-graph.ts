// The loss gradients of MobileNetV2's tuned top blocks plus the dense head as one ONNX graph, so fine-tuning
// trains on onnxruntime's native kernels instead of tfjs-wasm's backward kernels. Unlike step-graph.ts (a linear
// list of layers) this is a DAG of named tensors: residual Adds read a tensor twice, so a tensor's gradient is
// the sum of what its readers send back. Everything stays NHWC like the cached cut activations:
// - a 1×1 conv is a MatMul over [B·H·W, C] rows (its filter gradient one Gemm xᵀ·d, its input gradient d·Wᵀ);
// - a depthwise conv is k² multiply-adds of shifted (strided) windows of the padded NHWC input by the kernel's
//   rows; its filter gradient the same windows times the gradient, summed per channel; its input gradient the
//   windows of the padded gradient times the flipped kernel (stride 1) or a grouped ConvTranspose (stride 2).
//   Measured (2-core AVX-512 Xeon, [16, 7, 7, 960]): a grouped NCHW Conv with its transposes took 2.7× as long
//   forward, and an im2col by one-hot grouped Conv 4× as long for the filter gradient; per-channel position
//   matrices (S_c = Σ K_c[uv]·P_uv, all three passes as batched MatMuls) 4–33% more CPU per step on the top blocks;
// - BatchNorm is frozen (inference statistics, gamma/beta not trained): a fixed per-channel x·scale + shift,
//   folded into the conv before it (the scale multiplies the kernel, the shift is one Add);
// - ReLU6 passes the gradient where 0 < x ≤ 6 (tfjs's relu6 gradient, taken at its input).
// Parameters go in and gradients come out in tfjs layout (pointwise [1, 1, in, out], depthwise [k, k, c, 1],
// dense [in, out] and [out]), so they pair with the tfjs layers' trainable weights as they are.
import { GraphBuilder } from '../onnx/export/onnx-graph';
import { GraphOps, type StepBatch, type StepGraph } from './step-graph';

/** [top, left, bottom, right] zero padding of a feature map. */
export type Pads4 = [number, number, number, number];

export type BlockNode =
  | { op: 'pointwise'; input: string; output: string; param: number }
  | { op: 'depthwise'; input: string; output: string; param: number; kernel: number; stride: number; pads: Pads4 }
  | { op: 'affine'; input: string; output: string; scale: Float32Array; shift: Float32Array }
  | { op: 'relu6'; input: string; output: string }
  | { op: 'pad'; input: string; output: string; pads: Pads4 }
  | { op: 'add'; inputs: [string, string]; output: string }
  /** Global average pool: [h, w, c] → [c]. */
  | { op: 'pool'; input: string; output: string }
  /** Kernel is params[param], bias params[param + 1]. */
  | { op: 'dense'; input: string; output: string; param: number; activation: 'relu' | 'linear' | 'softmax' }
  | { op: 'dropout'; input: string; output: string; rate: number };

/** The network from the cut to the class probabilities; the graph's input tensor is named 'x'. */
export interface BlockNet {
  /** The per-row input (the cut activation), NHWC [h, w, c]. */
  input: [number, number, number];
  /** In topological order; the last is the softmax dense layer. */
  nodes: BlockNode[];
  /** Parameter shapes in tfjs layout, in the order the nodes' `param` indices refer to. */
  params: number[][];
}

export interface BlockSpec extends BlockNet, StepBatch {}

/** The same outputs as the CNN's step graph (masks in node order), so one trainer loop feeds either. */
export type BlockGraph = StepGraph;

const inName = (n: BlockNode): string[] => (n.op === 'add' ? n.inputs : [n.input]);

/** Every tensor's per-row shape ([h, w, c] maps, [units] vectors), checking the net on the way. */
export function blockShapes(net: BlockNet): Map<string, number[]> {
  const shapes = new Map<string, number[]>([['x', net.input]]);
  const get = (name: string) => {
    const s = shapes.get(name);
    if (!s) throw new Error(`block graph: tensor ${name} is read before it is written`);
    return s;
  };
  const param = (i: number) => {
    const p = net.params[i];
    if (!p) throw new Error(`block graph: no parameter ${i}`);
    return p;
  };
  for (const n of net.nodes) {
    const a = get(inName(n)[0]!);
    const map = () => {
      if (a.length !== 3) throw new Error(`block graph: ${n.op} ${n.output} on a vector`);
      return a as [number, number, number];
    };
    let out: number[];
    if (n.op === 'pointwise') {
      const [h, w, c] = map(), p = param(n.param);
      if (p[2] !== c) throw new Error(`block graph: ${n.output} kernel [${p}] on ${c} channels`);
      out = [h, w, p[3]!];
    } else if (n.op === 'depthwise') {
      const [h, w, c] = map(), k = n.kernel, s = n.stride, [t, l, b, r] = n.pads;
      if (param(n.param).join() !== [k, k, c, 1].join()) throw new Error(`block graph: ${n.output} kernel [${param(n.param)}] on ${c} channels`);
      out = [Math.floor((h + t + b - k) / s) + 1, Math.floor((w + l + r - k) / s) + 1, c];
    } else if (n.op === 'pad') {
      const [h, w, c] = map(), [t, l, b, r] = n.pads;
      out = [h + t + b, w + l + r, c];
    } else if (n.op === 'affine') {
      if (n.scale.length !== a.at(-1) || n.shift.length !== a.at(-1)) throw new Error(`block graph: ${n.output} scale/shift width`);
      out = a;
    } else if (n.op === 'add') {
      if (get(n.inputs[1]).join() !== a.join()) throw new Error(`block graph: ${n.output} adds [${a}] and [${get(n.inputs[1])}]`);
      out = a;
    } else if (n.op === 'pool') {
      out = [map()[2]];
    } else if (n.op === 'dense') {
      const p = param(n.param);
      if (a.length !== 1 || p[0] !== a[0]) throw new Error(`block graph: dense ${n.output} kernel [${p}] on [${a}]`);
      out = [p[1]!];
    } else {
      out = a;
    }
    if (out.some((d) => d < 1)) throw new Error(`block graph: ${n.output} would be empty`);
    if (shapes.has(n.output)) throw new Error(`block graph: tensor ${n.output} is written twice`);
    shapes.set(n.output, out);
  }
  const last = net.nodes.at(-1);
  if (last?.op !== 'dense' || last.activation !== 'softmax') throw new Error('block graph: the net must end in a softmax dense layer');
  if (net.nodes.slice(0, -1).some((n) => n.op === 'dense' && n.activation === 'softmax')) throw new Error('block graph: softmax before the last layer');
  return shapes;
}


/** A frozen BatchNorm folded into the convolution before it: y = conv(x, W·scale) + shift. */
interface Folded {
  scale: Float32Array;
  shift: Float32Array;
}
type GraphNode = BlockNode & { bn?: Folded };

/**
 * Folds each affine node into the 1×1 or depthwise conv it follows (when nothing else reads the conv's output):
 * the scale multiplies the small kernel instead of the big activation, forward and backward, and the shift is one
 * Add — so frozen BatchNorm costs almost nothing.
 */
function foldAffine(nodes: BlockNode[]): GraphNode[] {
  const readers = new Map<string, BlockNode[]>();
  for (const n of nodes) for (const t of inName(n)) readers.set(t, [...(readers.get(t) ?? []), n]);
  const skip = new Set<BlockNode>();
  const out: GraphNode[] = [];
  for (const n of nodes) {
    if (skip.has(n)) continue;
    const next = readers.get(n.output);
    const bn = next?.length === 1 && next[0]!.op === 'affine' ? next[0]! as Extract<BlockNode, { op: 'affine' }> : null;
    if ((n.op === 'pointwise' || n.op === 'depthwise') && bn) {
      skip.add(bn);
      out.push({ ...n, output: bn.output, bn: { scale: bn.scale, shift: bn.shift } });
    } else {
      out.push(n);
    }
  }
  return out;
}

class BlockWriter extends GraphOps {
  readonly B: number;
  readonly shapes: Map<string, number[]>;
  /** ONNX value of each net tensor. */
  readonly v = new Map<string, string>();
  /** Per depthwise node: its input's k² shifted windows (shared by the forward pass and the filter gradient). */
  readonly taps = new Map<string, string[]>();
  /** Per conv node: its kernel with the folded scale ([cin, cout] pointwise, [k², c] depthwise). */
  readonly kernels = new Map<string, string>();
  /** Gradients sent back to each tensor by its readers. */
  readonly d = new Map<string, string[]>();
  readonly grads: string[];
  readonly zero: string;

  constructor(readonly spec: BlockSpec, inputs: string[]) {
    super(new GraphBuilder(['loss', 'correct', ...spec.params.map((_, i) => `g${i}`), ...inputs]));
    this.shapes = blockShapes(spec);
    this.B = spec.batch;
    this.grads = new Array(spec.params.length);
    this.zero = this.c('zero', 0);
    this.v.set('x', 'x');
  }
  shape(t: string): number[] {
    return this.shapes.get(t)!;
  }
  /** Rows of a [B, h, w, c] map as [B·h·w, c]. */
  rows(value: string, t: string, base: string): string {
    return this.n1('Reshape', [value, this.i64(`${base}_rows_shape`, [-1, this.shape(t).at(-1)!])], `${base}_rows`);
  }
  send(t: string, grad: string): void {
    if (t === 'x') return;
    const list = this.d.get(t) ?? [];
    list.push(grad);
    this.d.set(t, list);
  }
  /** The gradient of tensor t: the sum of what its readers sent (null when nothing reads it). */
  gradOf(t: string): string | null {
    const list = this.d.get(t);
    if (!list?.length) return null;
    return list.length === 1 ? list[0]! : this.n1('Sum', list, `d_${t}`);
  }
  /** Multiplies by a folded BatchNorm's scale (broadcast over the last axis), or passes through. */
  scaled(value: string, n: GraphNode, base: string): string {
    return n.bn ? this.n1('Mul', [value, this.g.floatTensor(`${base}_bn_scale`, [n.bn.scale.length], n.bn.scale)], `${base}_scaled`) : value;
  }
  shifted(value: string, n: GraphNode, base: string): string {
    return n.bn ? this.n1('Add', [value, this.g.floatTensor(`${base}_bn_shift`, [n.bn.shift.length], n.bn.shift)], base) : value;
  }
  /** Zero-pads the h and w axes of an NHWC map (no-op without padding). */
  pad(value: string, [t, l, b, r]: Pads4, base: string): string {
    return t || l || b || r ? this.n1('Pad', [value, this.i64(`${base}_pads`, [0, t, l, 0, 0, b, r, 0])], base) : value;
  }
}

type DepthwiseNode = Extract<GraphNode, { op: 'depthwise' }>;

/** The k² windows xpad[:, s·y+u, s·x+v, :] of a depthwise node's input, each [B, Ho, Wo, c], index u·k+v. */
function tapsOf(w: BlockWriter, n: DepthwiseNode): string[] {
  let taps = w.taps.get(n.output);
  if (taps) return taps;
  const [ho, wo] = w.shape(n.output) as [number, number, number];
  const k = n.kernel, s = n.stride, o = n.output;
  const xp = w.pad(w.v.get(n.input)!, n.pads, `${o}_xpad`);
  const steps = w.i64(`${o}_tap_steps`, [s, s]), axes = w.i64(`${o}_tap_axes`, [1, 2]);
  taps = [];
  for (let u = 0; u < k; u++) for (let v = 0; v < k; v++) {
    taps.push(w.n1('Slice', [xp, w.i64(`${o}_tap${u}${v}_0`, [u, v]), w.i64(`${o}_tap${u}${v}_1`, [u + s * (ho - 1) + 1, v + s * (wo - 1) + 1]), axes, steps], `${o}_tap${u}${v}`));
  }
  w.taps.set(o, taps);
  return taps;
}

/** Σ_i windows[i]·taps of kernel rows order(i): the depthwise correlation as k² multiply-adds over NHWC maps. */
function tapSum(w: BlockWriter, windows: string[], kernel: string, order: (i: number) => number, base: string): string {
  const rows = w.g.node('Split', [kernel], `${base}_taps`, { axis: 0 }, windows.length);
  let acc = '';
  windows.forEach((win, i) => {
    const m = w.n1('Mul', [win, rows[order(i)]!], `${base}_m${i}`);
    acc = acc ? w.n1('Add', [acc, m], `${base}_acc${i}`) : m;
  });
  return acc;
}

function forwardNode(w: BlockWriter, n: GraphNode): void {
  const a = w.v.get(inName(n)[0]!)!;
  let y: string;
  if (n.op === 'pointwise') {
    const [cin, cout] = w.spec.params[n.param]!.slice(2) as [number, number];
    const k = w.scaled(w.n1('Reshape', [`p${n.param}`, w.i64(`${n.output}_w_shape`, [cin, cout])], `${n.output}_w`), n, `${n.output}_w`);
    w.kernels.set(n.output, k);
    y = w.shifted(w.n1('MatMul', [a, k], `${n.output}_mm`), n, n.output);
  } else if (n.op === 'depthwise') {
    const c = w.shape(n.input)[2]!;
    const k = w.scaled(w.n1('Reshape', [`p${n.param}`, w.i64(`${n.output}_k_shape`, [n.kernel * n.kernel, c])], `${n.output}_k`), n, `${n.output}_k`);
    w.kernels.set(n.output, k);
    y = w.shifted(tapSum(w, tapsOf(w, n), k, (i) => i, `${n.output}_dw`), n, n.output);
  } else if (n.op === 'affine') {
    const scale = w.g.floatTensor(`${n.output}_scale`, [n.scale.length], n.scale);
    const shift = w.g.floatTensor(`${n.output}_shift`, [n.shift.length], n.shift);
    y = w.n1('Add', [w.n1('Mul', [a, scale], `${n.output}_scaled`), shift], n.output);
  } else if (n.op === 'relu6') {
    y = w.n1('Clip', [a, w.zero, w.c(`${n.output}_six`, 6)], n.output);
  } else if (n.op === 'pad') {
    y = w.pad(a, n.pads, n.output);
  } else if (n.op === 'add') {
    y = w.n1('Add', [a, w.v.get(n.inputs[1])!], n.output);
  } else if (n.op === 'pool') {
    y = w.n1('ReduceMean', [a], n.output, { axes: [1, 2], keepdims: 0 });
  } else if (n.op === 'dense') {
    y = w.n1('Gemm', [a, `p${n.param}`, `p${n.param + 1}`], n.output);
    if (n.activation === 'relu') y = w.n1('Relu', [y], `${n.output}_relu`);
  } else {
    y = w.n1('Mul', [a, `mask_${n.output}`], n.output);
  }
  w.v.set(n.output, y);
}

/** Sends node n's input gradients back, given the gradient d of its output; records parameter gradients. */
function backwardNode(w: BlockWriter, n: GraphNode, d: string): void {
  const o = n.output;
  if (n.op === 'pointwise') {
    const [, , cin, cout] = w.spec.params[n.param] as [number, number, number, number];
    const d2 = w.rows(d, o, `d_${o}`);
    const dw = w.scaled(w.n1('Gemm', [w.rows(w.v.get(n.input)!, n.input, `${o}_in`), d2], `dW_${o}`, { transA: 1 }), n, `dW_${o}`);
    w.grads[n.param] = w.n1('Reshape', [dw, w.i64(`dW_${o}_shape`, [1, 1, cin, cout])], `dW_${o}_4d`);
    if (n.input !== 'x') {
      const dx = w.n1('Gemm', [d2, w.kernels.get(o)!], `din_${o}_rows`, { transB: 1 });
      const [h, wd] = w.shape(n.input);
      w.send(n.input, w.n1('Reshape', [dx, w.i64(`din_${o}_shape`, [w.B, h!, wd!, cin])], `din_${o}`));
    }
  } else if (n.op === 'depthwise') {
    depthwiseBackward(w, n, d);
  } else if (n.op === 'affine') {
    w.send(n.input, w.n1('Mul', [d, w.g.floatTensor(`${o}_dscale`, [n.scale.length], n.scale)], `din_${o}`));
  } else if (n.op === 'relu6') {
    const x = w.v.get(n.input)!;
    const live = w.n1('And', [w.n1('Greater', [x, w.zero], `${o}_pos`), w.n1('LessOrEqual', [x, w.c(`${o}_six_b`, 6)], `${o}_le6`)], `${o}_live`);
    w.send(n.input, w.n1('Where', [live, d, w.zero], `din_${o}`));
  } else if (n.op === 'pad') {
    const [h, wd] = w.shape(n.input), [t, l] = n.pads;
    w.send(n.input, w.n1('Slice', [d, w.i64(`${o}_s0`, [t, l]), w.i64(`${o}_s1`, [t + h!, l + wd!]), w.i64(`${o}_sax`, [1, 2])], `din_${o}`));
  } else if (n.op === 'add') {
    w.send(n.inputs[0], d);
    w.send(n.inputs[1], d);
  } else if (n.op === 'pool') {
    const [h, wd, c] = w.shape(n.input) as [number, number, number];
    const scaled = w.n1('Mul', [d, w.c(`${o}_inv_hw`, 1 / (h * wd))], `d_${o}_mean`);
    const d4 = w.n1('Reshape', [scaled, w.i64(`${o}_d4_shape`, [w.B, 1, 1, c])], `d_${o}_4d`);
    w.send(n.input, w.n1('Expand', [d4, w.i64(`${o}_expand`, [w.B, h, wd, c])], `din_${o}`));
  } else if (n.op === 'dense') {
    if (n.activation === 'relu') d = w.n1('Where', [w.n1('Greater', [w.v.get(o)!, w.zero], `${o}_pos`), d, w.zero], `d_${o}_relu`);
    w.grads[n.param] = w.n1('Gemm', [w.v.get(n.input)!, d], `dW_${o}`, { transA: 1 });
    w.grads[n.param + 1] = w.n1('ReduceSum', [d, w.i64(`${o}_ax0`, [0])], `db_${o}`, { keepdims: 0 });
    if (n.input !== 'x') w.send(n.input, w.n1('Gemm', [d, `p${n.param}`], `din_${o}`, { transB: 1 }));
  } else {
    w.send(n.input, w.n1('Mul', [d, `mask_${o}`], `din_${o}`));
  }
}

/**
 * dK[u,v,c] = Σ_b,y,x d[b,y,x,c]·window_uv[b,y,x,c] (the forward pass's windows, reused). dX for stride 1 is the
 * same tap sum over windows of the padded gradient with the kernel flipped; for stride 2 a grouped ConvTranspose
 * (Conv's adjoint) in NCHW, whose output_padding restores the rows the stride dropped at the end.
 */
function depthwiseBackward(w: BlockWriter, n: DepthwiseNode, d: string): void {
  const o = n.output, k = n.kernel, kk = k * k, s = n.stride, [t, l, b, r] = n.pads;
  const [h, wd, c] = w.shape(n.input) as [number, number, number];
  const [ho, wo] = w.shape(o) as [number, number, number];
  const axes = w.i64(`${o}_ax012`, [0, 1, 2]);
  const parts = tapsOf(w, n).map((win, i) => w.n1('ReduceSum', [w.n1('Mul', [win, d], `${o}_xd${i}`), axes], `dK_${o}_${i}`, { keepdims: 1 }));
  const dk = w.scaled(w.n1('Concat', parts, `dK_${o}_taps`, { axis: 0 }), n, `dK_${o}`);
  w.grads[n.param] = w.n1('Reshape', [dk, w.i64(`dK_${o}_shape`, [k, k, c, 1])], `dK_${o}`);
  if (n.input === 'x') return;
  const kernel = w.kernels.get(o)!;
  let dx: string;
  if (s === 1) {
    const dp = w.pad(d, [k - 1 - t, k - 1 - l, k - 1 - b, k - 1 - r], `d_${o}_pad`);
    const ax = w.i64(`${o}_dtap_axes`, [1, 2]);
    const windows: string[] = [];
    for (let u = 0; u < k; u++) for (let v = 0; v < k; v++) {
      windows.push(w.n1('Slice', [dp, w.i64(`${o}_dtap${u}${v}_0`, [u, v]), w.i64(`${o}_dtap${u}${v}_1`, [u + h, v + wd]), ax], `d_${o}_tap${u}${v}`));
    }
    dx = tapSum(w, windows, kernel, (i) => kk - 1 - i, `din_${o}`);
  } else {
    const dN = w.n1('Transpose', [d], `d_${o}_nchw`, { perm: [0, 3, 1, 2] });
    const kc = w.n1('Transpose', [w.n1('Reshape', [kernel, w.i64(`${o}_k4_shape`, [k, k, c, 1])], `${o}_k4`)], `${o}_c1kk`, { perm: [2, 3, 0, 1] });
    const outPad = [h - (s * (ho - 1) + k - t - b), wd - (s * (wo - 1) + k - l - r)];
    const dxN = w.n1('ConvTranspose', [dN, kc], `din_${o}_nchw`, { kernel_shape: [k, k], strides: [s, s], pads: [t, l, b, r], output_padding: outPad, group: c });
    dx = w.n1('Transpose', [dxN], `din_${o}_nhwc`, { perm: [0, 2, 3, 1] });
  }
  w.send(n.input, dx);
}

export function buildBlockGraph(spec: BlockSpec): BlockGraph {
  const dropouts = spec.nodes.filter((n): n is Extract<BlockNode, { op: 'dropout' }> => n.op === 'dropout');
  const maskNames = dropouts.map((n) => `mask_${n.output}`);
  const paramNames = spec.params.map((_, i) => `p${i}`);
  const w = new BlockWriter(spec, ['x', 'y', ...maskNames, ...paramNames]);
  const B = w.B;
  const nodes = foldAffine(spec.nodes);
  for (const n of nodes) forwardNode(w, n);
  const last = spec.nodes.at(-1) as Extract<BlockNode, { op: 'dense' }>;
  const K = w.shape(last.output)[0]!;
  const logits = w.v.get(last.output)!;

  const logp = w.n1('LogSoftmax', [logits], 'logp', { axis: 1 });
  const axes0 = w.i64('axes0', [0]);
  const nll = w.n1('ReduceSum', [w.n1('Mul', ['y', logp], 'ylogp'), w.i64('axes1', [1])], 'nll_rows', { keepdims: 0 });
  // The summed loss (the caller divides), exact log-softmax: tfjs's probability clipping only differs on
  // confidently wrong rows.
  w.g.identityAs(w.n1('Neg', [w.n1('ReduceSum', [nll, axes0], 'total_ll', { keepdims: 0 })], 'neg'), 'loss');
  const hit = w.n1('Equal', [w.n1('ArgMax', [logits], 'pred', { axis: 1, keepdims: 0 }), w.n1('ArgMax', ['y'], 'truth', { axis: 1, keepdims: 0 })], 'hit');
  w.g.identityAs(w.n1('ReduceSum', [w.n1('Cast', [hit], 'hitf', { to: 1 }), axes0], 'correct_sum', { keepdims: 0 }), 'correct');

  w.d.set(last.output, [w.n1('Mul', [w.n1('Sub', [w.n1('Exp', [logp], 'probs'), 'y'], 'p_minus_y'), w.c('inv_batch', 1 / (spec.wholeBatch ?? B))], 'dlogits')]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    const d = w.gradOf(n.output);
    if (d) backwardNode(w, n, d);
  }
  spec.params.forEach((_, i) => {
    if (!w.grads[i]) throw new Error(`block graph: parameter ${i} gets no gradient`);
    w.g.identityAs(w.grads[i]!, `g${i}`);
  });

  const masks = dropouts.map((n) => ({ name: `mask_${n.output}`, units: w.shape(n.output)[0]!, rate: n.rate }));
  const bytes = w.g.build({
    name: 'paddy_block_train_step',
    inputs: [
      { name: 'x', dims: [B, ...spec.input] },
      { name: 'y', dims: [B, K] },
      ...masks.map((m) => ({ name: m.name, dims: [B, m.units] })),
      ...spec.params.map((shape, i) => ({ name: `p${i}`, dims: shape })),
    ],
    outputs: [
      { name: 'loss', dims: [] },
      { name: 'correct', dims: [] },
      ...spec.params.map((shape, i) => ({ name: `g${i}`, dims: shape })),
    ],
  });
  return { bytes, params: spec.params, masks, numClasses: K };
}
