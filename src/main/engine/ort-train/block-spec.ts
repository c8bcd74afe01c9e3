// Which fine-tuned MobileNetV2 tops the block step graph (block-step-graph.ts) can train, as its node list: the
// base's layers from the cut on (1×1 convs, depthwise convs, frozen BatchNorm, ReLU6, zero padding, residual
// adds), a global average pool, then the head's dense and dropout layers. Anything else is named in the reason
// and fine-tuning runs on tfjs instead.
import type * as tf from '@tensorflow/tfjs';
import type { BlockNet, BlockNode, Pads4 } from './block-step-graph';

type Cfg = Record<string, unknown>;
const pair = (v: unknown): number[] => (Array.isArray(v) ? (v as number[]) : [v as number, v as number]);

/** tfjs 'same' padding for a k×k window with stride s over an h×w map: the extra row/column goes bottom/right. */
export function samePads(h: number, w: number, k: number, s: number): Pads4 {
  const total = (n: number) => Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  const th = total(h), tw = total(w);
  return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
}

export interface BlockModel {
  net: BlockNet;
  /** The trainable variables, in `net.params` order: the tuned layers' kernels, then the head's. */
  vars: tf.LayerVariable[];
}

/** Frozen BatchNorm (inference statistics) as x·scale + shift, in float32 like tfjs's (x − mean)·γ/√(var + ε) + β. */
function affineOf(layer: tf.layers.Layer, cfg: Cfg): { scale: Float32Array; shift: Float32Array } {
  const ws = layer.getWeights().map((t) => t.dataSync() as Float32Array);
  const names = layer.weights.map((v) => v.originalName.split('/').pop());
  const get = (n: string) => ws[names.indexOf(n)];
  const mean = get('moving_mean')!, variance = get('moving_variance')!;
  const c = mean.length;
  const gamma = cfg.scale === false ? new Float32Array(c).fill(1) : get('gamma')!;
  const beta = cfg.center === false ? new Float32Array(c) : get('beta')!;
  const eps = (cfg.epsilon as number) ?? 1e-3;
  const scale = new Float32Array(c), shift = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    scale[i] = Math.fround(gamma[i]! / Math.sqrt(variance[i]! + eps));
    shift[i] = beta[i]! - mean[i]! * scale[i]!;
  }
  return { scale, shift };
}

/**
 * The net from `cut` (a tensor of `base`) to `head`'s softmax, or the reason it cannot be expressed. Walks base's
 * layers in topological order from the cut, as splitBase does, so parameters come in base.layers order — the
 * order fineTuneLayers lists the tuned layers.
 */
export function blockModelOf(base: tf.LayersModel, cut: tf.SymbolicTensor, head: tf.LayersModel): BlockModel | { reason: string } {
  const cutShape = cut.shape.slice(1);
  if (cutShape.length !== 3 || cutShape.some((d) => typeof d !== 'number')) return { reason: `cut shape [${cutShape.join(',')}] is not [h, w, c]` };
  const names = new Map<tf.SymbolicTensor, string>([[cut, 'x']]);
  const nodes: BlockNode[] = [];
  const params: number[][] = [];
  const vars: tf.LayerVariable[] = [];
  const addParam = (v: tf.LayerVariable) => {
    vars.push(v);
    return params.push(v.shape as number[]) - 1;
  };
  const cutIndex = base.layers.indexOf(cut.sourceLayer as tf.layers.Layer);
  for (const layer of base.layers.slice(cutIndex + 1)) {
    const node = layer.inboundNodes[0]!;
    const ins = node.inputTensors.map((t) => names.get(t));
    if (ins.every((t) => t === undefined)) continue;
    const why = (what: string) => ({ reason: `layer ${layer.name} (${layer.getClassName()}): ${what}` });
    if (ins.some((t) => t === undefined)) return why('also reads a tensor from below the cut');
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as Cfg;
    const input = ins[0]!, output = layer.name;
    const inShape = node.inputTensors[0]!.shape;
    if (cfg.dataFormat !== undefined && cfg.dataFormat !== 'channelsLast') return why('channels-first');
    if ((cls === 'Conv2D' || cls === 'DepthwiseConv2D') && (cfg.useBias !== false || cfg.activation !== 'linear')) return why('a bias or an activation');
    if (cls === 'Conv2D') {
      if (pair(cfg.kernelSize).some((k) => k !== 1) || pair(cfg.strides).some((s) => s !== 1)) return why('only 1×1 convolutions with stride 1');
      nodes.push({ op: 'pointwise', input, output, param: addParam(layer.trainableWeights[0]!) });
    } else if (cls === 'DepthwiseConv2D') {
      const [k, k2] = pair(cfg.kernelSize), [s, s2] = pair(cfg.strides);
      if (k !== k2 || k! % 2 !== 1 || s !== s2 || (s !== 1 && s !== 2) || (cfg.depthMultiplier ?? 1) !== 1) return why('kernel not square and odd, stride not 1 or 2, or a depth multiplier');
      if (pair(cfg.dilationRate ?? 1).some((d) => d !== 1)) return why('dilation');
      const pads = cfg.padding === 'same' ? samePads(inShape[1] as number, inShape[2] as number, k!, s!) : cfg.padding === 'valid' ? [0, 0, 0, 0] as const : null;
      if (!pads) return why(`padding ${String(cfg.padding)}`);
      nodes.push({ op: 'depthwise', input, output, param: addParam(layer.trainableWeights[0]!), kernel: k!, stride: s!, pads: [...pads] as [number, number, number, number] });
    } else if (cls === 'BatchNormalization') {
      if (cfg.axis !== -1 && cfg.axis !== 3) return why('not over the channels');
      nodes.push({ op: 'affine', input, output, ...affineOf(layer, cfg) });
    } else if (cls === 'ReLU') {
      if (cfg.maxValue !== 6 || (cfg.negativeSlope ?? 0) !== 0 || (cfg.threshold ?? 0) !== 0) return why('only ReLU6');
      nodes.push({ op: 'relu6', input, output });
    } else if (cls === 'ZeroPadding2D') {
      const [[t, b], [l, r]] = cfg.padding as [[number, number], [number, number]];
      nodes.push({ op: 'pad', input, output, pads: [t, l, b, r] });
    } else if (cls === 'Add' && ins.length === 2) {
      nodes.push({ op: 'add', inputs: [ins[0]!, ins[1]!], output });
    } else {
      return why('not supported by the block training step');
    }
    names.set(node.outputTensors[0]!, output);
  }
  let a = names.get(base.outputs[0]!);
  if (!a) return { reason: 'the base output does not depend on the cut' };
  nodes.push({ op: 'pool', input: a, output: 'pooled' });
  a = 'pooled';
  for (const layer of head.layers) {
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as Cfg;
    const why = (what: string) => ({ reason: `head layer ${layer.name} (${cls}): ${what}` });
    const output = `head_${layer.name}`;
    if (cls === 'InputLayer') continue;
    if (cls === 'Dense') {
      const act = cfg.activation;
      if (cfg.useBias === false || (act !== 'relu' && act !== 'linear' && act !== 'softmax')) return why(`no bias or activation ${String(act)}`);
      const param = addParam(layer.trainableWeights[0]!);
      addParam(layer.trainableWeights[1]!);
      nodes.push({ op: 'dense', input: a, output, param, activation: act });
    } else if (cls === 'Dropout') {
      if ((cfg.rate as number) <= 0) continue;
      nodes.push({ op: 'dropout', input: a, output, rate: cfg.rate as number });
    } else {
      return why('not supported by the block training step');
    }
    a = output;
  }
  const last = nodes.at(-1);
  if (last?.op !== 'dense' || last.activation !== 'softmax') return { reason: 'the head does not end in a softmax dense layer' };
  return { net: { input: cutShape as [number, number, number], nodes, params }, vars };
}
