// Which tfjs models the ONNX Runtime training step can train, and their layer list. Anything else (strides,
// other activations, channels-first, frozen layers) is named in the reason and trains on tfjs instead.
import type * as tf from '@tensorflow/tfjs';
import type { StepInput, StepLayer } from './step-graph';

type Cfg = Record<string, unknown>;
const pair = (v: unknown): number[] => (Array.isArray(v) ? (v as number[]) : [v as number, v as number]);

/** The model's layers as step layers, or the reason it cannot be trained by the ONNX step. */
export function stepLayersOf(model: tf.LayersModel): { layers: StepLayer[]; input: StepInput } | { reason: string } {
  const shape = model.inputs[0]?.shape;
  const images = shape?.length === 4 && shape[1] === shape[2] && shape[3] === 3;
  if (!shape || !(images || (shape.length === 2 && typeof shape[1] === 'number'))) return { reason: `input shape [${shape?.join(',')}] is neither [n, s, s, 3] nor [n, d]` };
  const input: StepInput = images ? { size: shape[1] as number } : { dims: shape[1] as number };
  const layers: StepLayer[] = [];
  // Trainable parameters go through the step (model.trainableWeights order); the only others allowed are the batch
  // norms' moving statistics, which the trainer updates from the step's batch statistics.
  if (model.layers.some((l) => !l.trainable)) return { reason: 'a frozen layer (the step trains every layer)' };
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as Cfg;
    const why = (what: string) => ({ reason: `layer ${layer.name} (${cls}): ${what}` });
    if (cls === 'InputLayer') continue;
    if (cls === 'Conv2D') {
      const k = pair(cfg.kernelSize);
      if (k[0] !== k[1] || k[0]! % 2 !== 1) return why(`kernel ${k.join('×')} is not square and odd`);
      if (pair(cfg.strides).some((s) => s !== 1) || pair(cfg.dilationRate ?? 1).some((s) => s !== 1)) return why('strides or dilation other than 1');
      if (cfg.dataFormat !== 'channelsLast') return why('channels-first');
      if (cfg.activation !== 'relu' && cfg.activation !== 'linear') return why(`activation ${String(cfg.activation)}`);
      if (cfg.padding !== 'same' && cfg.padding !== 'valid') return why(`padding ${String(cfg.padding)}`);
      layers.push({ kind: 'conv', filters: cfg.filters as number, kernel: k[0]!, padding: cfg.padding, relu: cfg.activation === 'relu', ...(cfg.useBias === false ? { bias: false } : {}) });
    } else if (cls === 'BatchNormalization') {
      const prev = layers.at(-1);
      if (prev?.kind !== 'conv' || prev.relu) return why('only right after a conv without activation');
      if (cfg.axis !== -1 && cfg.axis !== 3) return why(`axis ${String(cfg.axis)} is not the channels`);
      if (cfg.center === false || cfg.scale === false) return why('without γ or β');
      layers.push({ kind: 'bn', epsilon: cfg.epsilon as number, momentum: cfg.momentum as number, relu: false });
    } else if (cls === 'ReLU' || (cls === 'Activation' && cfg.activation === 'relu')) {
      // A ReLU layer joins the layer before it (a batch norm, or a conv or dense without activation).
      const prev = layers.at(-1);
      if (cls === 'ReLU' && cfg.maxValue != null) return why('a capped ReLU');
      if ((prev?.kind === 'bn' || prev?.kind === 'conv') && !prev.relu) prev.relu = true;
      else if (prev?.kind === 'dense' && prev.activation === 'linear') prev.activation = 'relu';
      else return why('a ReLU not right after a batch norm, conv or dense without activation');
    } else if (cls === 'GlobalAveragePooling2D') {
      if (cfg.dataFormat !== 'channelsLast' || cfg.keepDims === true) return why('channels-first or keepDims');
      layers.push({ kind: 'gap' });
    } else if (cls === 'MaxPooling2D') {
      if (pair(cfg.poolSize).some((s) => s !== 2) || pair(cfg.strides ?? cfg.poolSize).some((s) => s !== 2) || cfg.padding !== 'valid') return why('only 2×2 pools with stride 2, valid');
      layers.push({ kind: 'pool' });
    } else if (cls === 'Flatten') {
      layers.push({ kind: 'flatten' });
    } else if (cls === 'Dense') {
      if (cfg.useBias === false) return why('no bias');
      const act = cfg.activation;
      if (act !== 'relu' && act !== 'linear' && act !== 'softmax') return why(`activation ${String(act)}`);
      layers.push({ kind: 'dense', units: cfg.units as number, activation: act });
    } else if (cls === 'Dropout') {
      if ((cfg.rate as number) > 0) layers.push({ kind: 'dropout', rate: cfg.rate as number });
    } else {
      return why('not supported by the ONNX training step');
    }
  }
  // Parameters: model.getWeights() = the trainable ones (this list's), then each batch norm's moving mean and variance.
  if (model.nonTrainableWeights.length !== 2 * layers.filter((l) => l.kind === 'bn').length) return { reason: 'weights that are neither trained nor moving statistics' };
  const last = layers.at(-1);
  if (last?.kind !== 'dense' || last.activation !== 'softmax') return { reason: 'the model does not end in a softmax dense layer' };
  if (layers.slice(0, -1).some((l) => l.kind === 'dense' && l.activation === 'softmax')) return { reason: 'softmax before the last layer' };
  if (!images && layers.some((l) => l.kind !== 'dense' && l.kind !== 'dropout')) return { reason: 'a vector input takes only dense and dropout layers' };
  return { layers, input };
}
