// The layer-by-layer walk of a Keras model (functional or Sequential config) that emits ONNX nodes into a
// GraphBuilder. Values are NCHW inside the graph; zero padding travels as pending `pad` until a conv absorbs it.
import { bnScaleShift, ExportError, onnxConvWeights, pair, samePads } from './layer-math';
import type { KerasLayer, KerasTopology, Weight } from './layers-model';
import type { GraphBuilder, ValueSpec } from './onnx-graph';

export interface KerasModel {
  topology: KerasTopology;
  weights: Map<string, Weight>;
}

export type Shape = { rank: 4; c: number; h: number; w: number } | { rank: 2; f: number };
export interface Value {
  tensor: string;
  shape: Shape;
  /** Zero padding not yet applied: top, left, bottom, right. */
  pad?: [number, number, number, number];
}

const IDENTITY_LAYERS = new Set(['Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'ActivityRegularization']);

/** Applies pending zero padding with an explicit Pad node (for consumers that cannot absorb it). */
export function materializePad(g: GraphBuilder, x: Value): Value {
  if (!x.pad || x.shape.rank !== 4) return x;
  const [t, l, b, r] = x.pad;
  const pads = [0, 0, t, l, 0, 0, b, r];
  const [y] = g.opset >= 11
    ? g.node('Pad', [x.tensor, g.int64Tensor('pads', pads)], `${x.tensor}_pad`, { mode: 'constant' })
    : g.node('Pad', [x.tensor], `${x.tensor}_pad`, { mode: 'constant', pads });
  return { tensor: y, shape: { rank: 4, c: x.shape.c, h: x.shape.h + t + b, w: x.shape.w + l + r } };
}

export class Converter {
  private readonly values = new Map<string, Value>();
  private readonly padded = new Map<Value, Value>();
  private readonly consumers = new Map<string, KerasLayer[]>();
  private readonly inbound = new Map<string, string[]>();
  private readonly layers: KerasLayer[];
  private readonly weights: Map<string, Weight>;

  /** `feed`: the value this model's input layer stands for (a head on a base); else the input is a graph input. */
  constructor(
    private readonly g: GraphBuilder,
    model: KerasModel,
    private readonly inputLayout: 'nhwc' | 'nchw',
    private readonly feed?: Value,
    private readonly preprocess?: { scale: number; offset: number },
  ) {
    const topology = model.topology;
    this.weights = model.weights;
    const sequential = !topology.input_layers;
    // Sequential configs keep a layer's name only inside its config.
    this.layers = topology.layers.map((l, i) => ({ ...l, name: l.name ?? (l.config?.name as string | undefined) ?? `layer_${i}`, config: l.config ?? {} }));
    if (!this.layers.length) throw new ExportError('the model has no layers');
    if (sequential && this.layers[0].class_name !== 'InputLayer') {
      // A Sequential model's first layer carries the input shape itself.
      const first = this.layers[0].config;
      this.layers.unshift({ name: '__input', class_name: 'InputLayer', config: { batch_input_shape: first.batch_input_shape ?? first.batch_shape }, inbound_nodes: [] });
    }
    this.layers.forEach((layer, i) => {
      let ins: string[];
      if (sequential) ins = i === 0 ? [] : [this.layers[i - 1].name];
      else {
        const nodes = layer.inbound_nodes ?? [];
        if (nodes.length > 1) throw new ExportError(`layer ${layer.name}: shared layers (called more than once) are not supported`);
        ins = (nodes[0] ?? []).map((n) => {
          if (!Array.isArray(n) || typeof n[0] !== 'string') throw new ExportError(`layer ${layer.name}: unrecognised inbound_nodes format`);
          return n[0];
        });
      }
      this.inbound.set(layer.name, ins);
      for (const src of ins) this.consumers.set(src, [...(this.consumers.get(src) ?? []), layer]);
    });
    this.outputLayer = sequential ? this.layers[this.layers.length - 1].name : (topology.output_layers[0]?.[0] ?? '');
    if (!sequential && topology.output_layers.length !== 1) throw new ExportError(`models with ${topology.output_layers.length} outputs are not supported`);
  }

  private readonly outputLayer: string;
  graphInput?: { spec: ValueSpec; hwc: [number, number, number] };
  private seenInput = false;

  /** Converts every layer; returns the output value (pending padding possibly not applied). */
  run(): Value {
    for (const layer of this.layers) {
      if (this.values.has(layer.name)) continue; // a BatchNormalization already folded into its conv
      this.values.set(layer.name, this.layer(layer));
    }
    return this.value(this.outputLayer, 'the output');
  }

  private value(name: string, what: string): Value {
    const v = this.values.get(name);
    if (!v) throw new ExportError(`${what}: layer ${name} is not defined before use`);
    return v;
  }

  private inputs(layer: KerasLayer): Value[] {
    return (this.inbound.get(layer.name) ?? []).map((n) => this.value(n, `layer ${layer.name}`));
  }

  private one(layer: KerasLayer, rank?: 2 | 4): Value {
    const ins = this.inputs(layer);
    if (ins.length !== 1) throw new ExportError(`layer ${layer.name} (${layer.class_name}): expected 1 input, got ${ins.length}`);
    if (rank && ins[0].shape.rank !== rank) throw new ExportError(`layer ${layer.name} (${layer.class_name}): expected a ${rank}-D input`);
    return ins[0];
  }

  private weight(layer: KerasLayer, key: string): Weight {
    const exact = this.weights.get(`${layer.name}/${key}`);
    if (exact) return exact;
    // tfjs may prefix weight names with the enclosing model's scope.
    for (const [name, w] of this.weights) if (name.endsWith(`/${layer.name}/${key}`)) return w;
    throw new ExportError(`layer ${layer.name}: weight ${layer.name}/${key} is missing from the weights manifest`);
  }

  private layer(layer: KerasLayer): Value {
    const cfg = layer.config;
    if (cfg.data_format !== undefined && cfg.data_format !== 'channels_last') throw new ExportError(`layer ${layer.name}: only channels_last is supported`);
    switch (layer.class_name) {
      case 'InputLayer':
        return this.inputLayer(layer);
      case 'Conv2D':
      case 'DepthwiseConv2D':
        return this.conv(layer);
      case 'BatchNormalization':
        return this.batchNorm(layer, this.materialize(this.one(layer)));
      case 'ReLU':
        return this.relu(layer, this.materialize(this.one(layer)));
      case 'Activation':
        return this.activation(this.materialize(this.one(layer)), String(cfg.activation), layer.name);
      case 'ZeroPadding2D':
        return this.zeroPad(layer);
      case 'Add':
        return this.add(layer);
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        return this.pool(layer);
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        if (cfg.keepdims) throw new ExportError(`layer ${layer.name}: keepdims is not supported`);
        const x = this.materialize(this.one(layer, 4));
        const [p] = this.g.node(layer.class_name === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool', [x.tensor], layer.name);
        const [f] = this.g.node('Flatten', [p], `${layer.name}_flat`, { axis: 1 });
        return { tensor: f, shape: { rank: 2, f: (x.shape as { c: number }).c } };
      }
      case 'Flatten': {
        const x = this.materialize(this.one(layer));
        if (x.shape.rank === 2) return x;
        const [t] = this.g.node('Transpose', [x.tensor], `${layer.name}_nhwc`, { perm: [0, 2, 3, 1] });
        const [f] = this.g.node('Flatten', [t], layer.name, { axis: 1 });
        return { tensor: f, shape: { rank: 2, f: x.shape.c * x.shape.h * x.shape.w } };
      }
      case 'Dense':
        return this.dense(layer);
      case 'Rescaling': {
        const x = this.materialize(this.one(layer));
        const scale = this.g.floatTensor(`${layer.name}/scale`, [], new Float32Array([Number(cfg.scale ?? 1)]));
        const offset = this.g.floatTensor(`${layer.name}/offset`, [], new Float32Array([Number(cfg.offset ?? 0)]));
        const [m] = this.g.node('Mul', [x.tensor, scale], `${layer.name}_mul`);
        const [a] = this.g.node('Add', [m, offset], layer.name);
        return { tensor: a, shape: x.shape };
      }
      default:
        if (IDENTITY_LAYERS.has(layer.class_name)) return this.one(layer);
        throw new ExportError(`layer ${layer.name}: Keras layer type ${layer.class_name} is not supported by the ONNX export`);
    }
  }

  private inputLayer(layer: KerasLayer): Value {
    const shape = (layer.config.batch_input_shape ?? layer.config.batch_shape) as Array<number | null> | undefined;
    if (this.seenInput) throw new ExportError('models with more than one input are not supported');
    this.seenInput = true;
    const dims = shape?.slice(1) ?? [];
    if (this.feed) {
      const have = this.feed.shape.rank === 2 ? [this.feed.shape.f] : [this.feed.shape.h, this.feed.shape.w, this.feed.shape.c];
      if (JSON.stringify(have) !== JSON.stringify(dims)) throw new ExportError(`input ${layer.name}: expects [${dims.join(',')}] but is fed [${have.join(',')}]`);
      return this.feed;
    }
    if (!shape || shape.length !== 4 || dims.some((d) => typeof d !== 'number')) {
      throw new ExportError(`input ${layer.name}: need a fixed [batch, height, width, channels] input shape, got ${JSON.stringify(shape)}`);
    }
    const [h, w, c] = dims as number[];
    const name = this.g.fresh('input');
    this.graphInput = { spec: { name, dims: this.inputLayout === 'nhwc' ? ['N', h, w, c] : ['N', c, h, w] }, hwc: [h, w, c] };
    let tensor = name;
    if (this.inputLayout === 'nhwc') [tensor] = this.g.node('Transpose', [name], 'input_nchw', { perm: [0, 3, 1, 2] });
    if (this.preprocess) {
      const scale = this.g.floatTensor('preprocess/scale', [], new Float32Array([this.preprocess.scale]));
      const offset = this.g.floatTensor('preprocess/offset', [], new Float32Array([this.preprocess.offset]));
      [tensor] = this.g.node('Mul', [tensor, scale], 'preprocess_mul');
      [tensor] = this.g.node('Add', [tensor, offset], 'preprocess');
    }
    return { tensor, shape: { rank: 4, c, h, w } };
  }

  private conv(layer: KerasLayer): Value {
    const cfg = layer.config;
    const x = this.one(layer, 4);
    if (x.shape.rank !== 4) throw new ExportError(`layer ${layer.name}: expected a 4-D input`);
    const depthwise = layer.class_name === 'DepthwiseConv2D';
    const [kh, kw] = pair(cfg.kernel_size, layer.name, 'kernel_size');
    const [sh, sw] = pair(cfg.strides ?? 1, layer.name, 'strides');
    const [dh, dw] = pair(cfg.dilation_rate ?? 1, layer.name, 'dilation_rate');
    const k = this.weight(layer, depthwise ? 'depthwise_kernel' : 'kernel');
    const cin = x.shape.c;
    if (k.shape.length !== 4 || k.shape[0] !== kh || k.shape[1] !== kw || k.shape[2] !== cin) {
      throw new ExportError(`layer ${layer.name}: kernel shape [${k.shape.join(',')}] does not fit ${kh}×${kw} over ${cin} input channels`);
    }
    const { W, cout, perOut } = onnxConvWeights(k, depthwise);
    const B = new Float64Array(cout);
    if (cfg.use_bias) {
      const b = this.weight(layer, 'bias');
      for (let o = 0; o < cout; o++) B[o] = b.data[o];
    }
    const activation = String(cfg.activation ?? 'linear');
    let outName = layer.name;
    const next = this.consumers.get(layer.name) ?? [];
    const fold = activation === 'linear' && next.length === 1 && next[0].class_name === 'BatchNormalization' ? next[0] : undefined;
    if (fold) {
      const { scale, shift } = this.bnAffine(fold, cout, 4);
      for (let o = 0; o < cout; o++) {
        for (let t = 0; t < perOut; t++) W[o * perOut + t] *= scale[o];
        B[o] = B[o] * scale[o] + shift[o];
      }
      outName = fold.name;
    }
    const pad = x.pad ?? [0, 0, 0, 0];
    const hin = x.shape.h + pad[0] + pad[2];
    const win = x.shape.w + pad[1] + pad[3];
    const padding = String(cfg.padding ?? 'valid');
    let [pt, pl, pb, pr] = pad;
    if (padding === 'same') {
      const [a, b] = samePads(hin, kh, sh, dh);
      const [c, d] = samePads(win, kw, sw, dw);
      pt += a;
      pb += b;
      pl += c;
      pr += d;
    } else if (padding !== 'valid') throw new ExportError(`layer ${layer.name}: padding "${padding}" is not supported`);
    const h = Math.floor((x.shape.h + pt + pb - ((kh - 1) * dh + 1)) / sh) + 1;
    const w = Math.floor((x.shape.w + pl + pr - ((kw - 1) * dw + 1)) / sw) + 1;
    if (h < 1 || w < 1) throw new ExportError(`layer ${layer.name}: the input is too small for this kernel`);
    const wName = this.g.floatTensor(`${layer.name}/W`, [cout, depthwise ? 1 : cin, kh, kw], Float32Array.from(W));
    const bName = this.g.floatTensor(`${layer.name}/B`, [cout], Float32Array.from(B));
    const [y] = this.g.node('Conv', [x.tensor, wName, bName], outName, {
      kernel_shape: [kh, kw],
      strides: [sh, sw],
      dilations: [dh, dw],
      pads: [pt, pl, pb, pr],
      group: depthwise ? cin : 1,
    });
    const out = this.activation({ tensor: y, shape: { rank: 4, c: cout, h, w } }, activation, layer.name);
    if (fold) this.values.set(fold.name, out);
    return out;
  }

  /** BatchNormalization in inference mode as y = x*scale + shift, per channel. */
  private bnAffine(layer: KerasLayer, channels: number, rank: 2 | 4): { scale: Float64Array; shift: Float64Array } {
    const cfg = layer.config;
    const axis = cfg.axis === undefined ? -1 : Array.isArray(cfg.axis) ? cfg.axis[0] : cfg.axis;
    if (axis !== -1 && axis !== rank - 1) throw new ExportError(`layer ${layer.name}: BatchNormalization over axis ${String(axis)} is not supported`);
    const eps = Number(cfg.epsilon ?? 1e-3);
    const mean = this.weight(layer, 'moving_mean').data;
    const variance = this.weight(layer, 'moving_variance').data;
    const gamma = cfg.scale === false ? undefined : this.weight(layer, 'gamma').data;
    const beta = cfg.center === false ? undefined : this.weight(layer, 'beta').data;
    if (mean.length !== channels) throw new ExportError(`layer ${layer.name}: ${mean.length} statistics for ${channels} channels`);
    return bnScaleShift({ gamma, beta, mean, variance, eps });
  }

  private batchNorm(layer: KerasLayer, x: Value): Value {
    const channels = x.shape.rank === 4 ? x.shape.c : x.shape.f;
    const { scale, shift } = this.bnAffine(layer, channels, x.shape.rank);
    const dims = x.shape.rank === 4 ? [1, channels, 1, 1] : [1, channels];
    const s = this.g.floatTensor(`${layer.name}/scale`, dims, Float32Array.from(scale));
    const b = this.g.floatTensor(`${layer.name}/shift`, dims, Float32Array.from(shift));
    const [m] = this.g.node('Mul', [x.tensor, s], `${layer.name}_mul`);
    const [y] = this.g.node('Add', [m, b], layer.name);
    return { tensor: y, shape: x.shape };
  }

  private relu(layer: KerasLayer, x: Value): Value {
    const cfg = layer.config;
    if (Number(cfg.negative_slope ?? 0) !== 0 || Number(cfg.threshold ?? 0) !== 0) {
      throw new ExportError(`layer ${layer.name}: ReLU with negative_slope or threshold is not supported`);
    }
    const max = cfg.max_value;
    if (max === null || max === undefined) return this.activation(x, 'relu', layer.name);
    return this.clip(x, 0, Number(max), layer.name);
  }

  /** Clip: bounds as inputs from opset 11; as attributes before, the form OpenCV's DNN importer (4.6) parses. */
  private clip(x: Value, lo: number, hi: number, name: string): Value {
    if (this.g.opset < 11) {
      const [y] = this.g.node('Clip', [x.tensor], name, { min: { float: lo }, max: { float: hi } });
      return { tensor: y, shape: x.shape };
    }
    const min = this.g.floatTensor(`${name}/min`, [], new Float32Array([lo]));
    const max = this.g.floatTensor(`${name}/max`, [], new Float32Array([hi]));
    const [y] = this.g.node('Clip', [x.tensor, min, max], name);
    return { tensor: y, shape: x.shape };
  }

  private activation(x: Value, fn: string, name: string): Value {
    const unary: Record<string, string> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', elu: 'Elu', selu: 'Selu', softplus: 'Softplus' };
    if (fn === 'linear' || fn === 'None') return x;
    if (fn === 'relu6') return this.clip(x, 0, 6, `${name}_relu6`);
    if (unary[fn]) {
      const [y] = this.g.node(unary[fn], [x.tensor], `${name}_${fn}`);
      return { tensor: y, shape: x.shape };
    }
    if (fn === 'softmax') {
      // Keras' softmax runs over the last (channel) axis, which is axis 1 in NCHW. Before opset 13 Softmax
      // flattens everything from `axis` on, which is that axis only for a 2-D input.
      if (x.shape.rank === 4 && this.g.opset < 13) throw new ExportError(`layer ${name}: softmax over a 4-D tensor needs opset 13`);
      const [y] = this.g.node('Softmax', [x.tensor], `${name}_softmax`, { axis: x.shape.rank === 4 ? 1 : this.g.opset < 13 ? 1 : -1 });
      return { tensor: y, shape: x.shape };
    }
    if (fn === 'swish' || fn === 'silu') {
      const [s] = this.g.node('Sigmoid', [x.tensor], `${name}_sigmoid`);
      const [y] = this.g.node('Mul', [x.tensor, s], `${name}_swish`);
      return { tensor: y, shape: x.shape };
    }
    throw new ExportError(`layer ${name}: activation "${fn}" is not supported by the ONNX export`);
  }

  private zeroPad(layer: KerasLayer): Value {
    const x = this.one(layer, 4);
    const p = layer.config.padding;
    let t: number, b: number, l: number, r: number;
    if (typeof p === 'number') [t, b, l, r] = [p, p, p, p];
    else if (Array.isArray(p) && typeof p[0] === 'number') [t, b, l, r] = [p[0], p[0], p[1], p[1]] as number[];
    else if (Array.isArray(p) && Array.isArray(p[0])) [[t, b], [l, r]] = p as number[][];
    else throw new ExportError(`layer ${layer.name}: unrecognised padding ${JSON.stringify(p)}`);
    const prev = x.pad ?? [0, 0, 0, 0];
    return { tensor: x.tensor, shape: x.shape, pad: [prev[0] + t, prev[1] + l, prev[2] + b, prev[3] + r] };
  }

  /** Applies pending zero padding with an explicit Pad node (for consumers that cannot absorb it). */
  private materialize(x: Value): Value {
    if (!x.pad) return x;
    const cached = this.padded.get(x);
    if (cached) return cached;
    const out = materializePad(this.g, x);
    this.padded.set(x, out);
    return out;
  }

  private add(layer: KerasLayer): Value {
    const ins = this.inputs(layer).map((v) => this.materialize(v));
    if (ins.length < 2) throw new ExportError(`layer ${layer.name}: Add needs at least 2 inputs`);
    const key = JSON.stringify(ins[0].shape);
    if (ins.some((v) => JSON.stringify(v.shape) !== key)) throw new ExportError(`layer ${layer.name}: Add inputs differ in shape`);
    let acc = ins[0].tensor;
    for (let i = 1; i < ins.length; i++) [acc] = this.g.node('Add', [acc, ins[i].tensor], layer.name);
    return { tensor: acc, shape: ins[0].shape };
  }

  private pool(layer: KerasLayer): Value {
    const cfg = layer.config;
    const x = this.materialize(this.one(layer, 4));
    if (x.shape.rank !== 4) throw new ExportError(`layer ${layer.name}: expected a 4-D input`);
    const [kh, kw] = pair(cfg.pool_size ?? 2, layer.name, 'pool_size');
    const [sh, sw] = pair(cfg.strides ?? cfg.pool_size ?? 2, layer.name, 'strides');
    let pads = [0, 0, 0, 0];
    if (cfg.padding === 'same') {
      const [a, b] = samePads(x.shape.h, kh, sh, 1);
      const [c, d] = samePads(x.shape.w, kw, sw, 1);
      pads = [a, c, b, d];
    }
    const h = Math.floor((x.shape.h + pads[0] + pads[2] - kh) / sh) + 1;
    const w = Math.floor((x.shape.w + pads[1] + pads[3] - kw) / sw) + 1;
    const op = layer.class_name === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
    // TF's 'same' average pooling divides by the number of real pixels: count_include_pad = 0 (ONNX default).
    const [y] = this.g.node(op, [x.tensor], layer.name, { kernel_shape: [kh, kw], strides: [sh, sw], pads });
    return { tensor: y, shape: { rank: 4, c: x.shape.c, h, w } };
  }

  private dense(layer: KerasLayer): Value {
    const x = this.materialize(this.one(layer));
    if (x.shape.rank !== 2) throw new ExportError(`layer ${layer.name}: Dense on a 4-D tensor is not supported (add Flatten or pooling)`);
    const k = this.weight(layer, 'kernel');
    if (k.shape.length !== 2 || k.shape[0] !== x.shape.f) throw new ExportError(`layer ${layer.name}: kernel [${k.shape.join(',')}] does not take ${x.shape.f} inputs`);
    const [inputs, units] = k.shape as [number, number];
    const bias = layer.config.use_bias === false ? new Float32Array(units) : this.weight(layer, 'bias').data;
    // Stored [out, in] with transB = 1, as PyTorch and tf2onnx write a dense layer: OpenCV's importer (4.6)
    // takes only that form as a fully connected layer.
    const wt = new Float32Array(k.data.length);
    for (let i = 0; i < inputs; i++) for (let o = 0; o < units; o++) wt[o * inputs + i] = k.data[i * units + o]!;
    const wName = this.g.floatTensor(`${layer.name}/kernel`, [units, inputs], wt);
    const bName = this.g.floatTensor(`${layer.name}/bias`, [units], bias);
    const [y] = this.g.node('Gemm', [x.tensor, wName, bName], layer.name, { transB: 1 });
    return this.activation({ tensor: y, shape: { rank: 2, f: units } }, String(layer.config.activation ?? 'linear'), layer.name);
  }
}
