// The hyper-parameter form: which fields each model has, a one-line explanation for each, and turning what
// was typed back into a config. Defaults come from train.defaults, never from here.
import type { TrainConfig } from '../../../../shared/types';

export type FieldKind = 'int' | 'float' | 'bool' | 'list' | 'choice';

export interface ParamField {
  key: string;
  label: string;
  help: string;
  kind: FieldKind;
  models: Array<'cnn' | 'mobilenetv2'>;
  choices?: Array<{ value: string; label: string }>;
  optional?: boolean;
}

const both: Array<'cnn' | 'mobilenetv2'> = ['cnn', 'mobilenetv2'];

const PARAM_FIELDS: ParamField[] = [
  { key: 'imageSize', label: 'Image size', help: 'Images are resized to this square before training; smaller trains faster.', kind: 'int', models: ['cnn'] },
  { key: 'filters', label: 'Conv filters', help: 'Filters per convolution block, comma-separated; one block per number.', kind: 'list', models: ['cnn'] },
  {
    key: 'alpha',
    label: 'Width (alpha)',
    help: '1.0 is the full MobileNetV2; 0.35 is about 4× faster and a little less accurate.',
    kind: 'choice',
    models: ['mobilenetv2'],
    choices: [
      { value: '1', label: '1.0' },
      { value: '0.35', label: '0.35' },
    ],
  },
  { key: 'fineTuneBlocks', label: 'Fine-tune blocks', help: '0 keeps the ImageNet base frozen; N also trains its last N blocks (slower).', kind: 'int', models: ['mobilenetv2'] },
  { key: 'batchNorm', label: 'Batch norm', help: "Normalises each conv block's output over the batch: steadier, faster training.", kind: 'bool', models: ['cnn'] },
  { key: 'globalPool', label: 'Global pooling', help: 'Averages the last block over the image instead of flattening it: far fewer weights.', kind: 'bool', models: ['cnn'] },
  { key: 'dense', label: 'Dense layers', help: 'Units of the hidden layers before the output, comma-separated; empty for none.', kind: 'list', models: both },
  { key: 'dropout', label: 'Dropout', help: 'Share of units dropped during training, against over-fitting.', kind: 'float', models: both },
  { key: 'epochs', label: 'Epochs', help: 'Passes over the training images.', kind: 'int', models: both },
  { key: 'batchSize', label: 'Batch size', help: 'Images per gradient step.', kind: 'int', models: both },
  { key: 'learningRate', label: 'Learning rate', help: 'Step size of the optimizer (Adam); too high diverges, too low crawls.', kind: 'float', models: both },
  { key: 'maxPerClass', label: 'Max per class', help: 'Cap on images per class for quick experiments; empty uses all.', kind: 'int', models: both, optional: true },
  { key: 'seed', label: 'Seed', help: 'Same seed, same data order and initial weights: runs are reproducible.', kind: 'int', models: both },
  { key: 'augment', label: 'Augment', help: 'Flips and quarter turns of training images (MobileNetV2: its head also learns a second view of each image).', kind: 'bool', models: both },
  { key: 'shapeFeatures', label: 'Object shape', help: "The object's size and outline (area, length, width, roundness, colour), measured on the image, inform the prediction (MobileNetV2: frozen base only).", kind: 'bool', models: both },
  { key: 'testViews', label: 'Test-time views', help: 'Each prediction averages the 8 flips and quarter turns of the image: steadier on new photos, 8× the cost of predicting.', kind: 'bool', models: both },
  { key: 'earlyStopping', label: 'Early stopping', help: 'Stop when validation loss has not improved for "patience" epochs.', kind: 'bool', models: both },
  { key: 'patience', label: 'Patience', help: 'Epochs without improvement before early stopping.', kind: 'int', models: both },
  {
    key: 'backend',
    label: 'Backend',
    help: 'Where the maths runs; auto picks the fastest available.',
    kind: 'choice',
    models: both,
    choices: [
      { value: 'auto', label: 'auto' },
      { value: 'tensorflow', label: 'TensorFlow (native)' },
      { value: 'wasm', label: 'WebAssembly' },
      { value: 'cpu', label: 'JavaScript (slow)' },
    ],
  },
];

export function fieldsFor(model: 'cnn' | 'mobilenetv2'): ParamField[] {
  return PARAM_FIELDS.filter((f) => f.models.includes(model));
}

/** Config value → the text shown in its input. */
export function toText(field: ParamField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.kind === 'list') return (value as number[]).join(', ');
  return String(value);
}

export function parseList(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const out = parts.map((p) => Number(p));
  const bad = parts.find((_p, i) => !Number.isInteger(out[i]) || out[i] <= 0);
  if (bad !== undefined) throw new Error(`"${bad}" is not a positive whole number`);
  return out;
}

/** Typed text → config value; throws a message naming the field when it does not parse. */
function fromText(field: ParamField, text: string): unknown {
  const t = text.trim();
  try {
    switch (field.kind) {
      case 'bool':
        return t === 'true';
      case 'list':
        return parseList(t);
      case 'choice':
        return field.key === 'alpha' ? Number(t) : t;
      case 'int': {
        if (t === '' && field.optional) return undefined;
        const n = Number(t);
        if (t === '' || !Number.isInteger(n)) throw new Error(`"${t}" is not a whole number`);
        return n;
      }
      case 'float': {
        const n = Number(t);
        if (t === '' || !Number.isFinite(n)) throw new Error(`"${t}" is not a number`);
        return n;
      }
    }
  } catch (e) {
    throw new Error(`${field.label}: ${(e as Error).message}`);
  }
}

/** Merge the edited texts over the defaults into the config sent to train.start. */
export function buildConfig(defaults: TrainConfig, texts: Record<string, string>): TrainConfig {
  const out: Record<string, unknown> = { ...defaults };
  for (const field of fieldsFor(defaults.model)) {
    if (!(field.key in texts)) continue;
    const v = fromText(field, texts[field.key]);
    if (v === undefined) delete out[field.key];
    else out[field.key] = v;
  }
  return out as unknown as TrainConfig;
}

/** Shown above "Start training"; every other setting waits, collapsed, under "Advanced settings". */
export const BASIC_KEYS: readonly string[] = ['epochs', 'batchSize', 'learningRate'];
