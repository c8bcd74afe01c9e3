// Training configs, runs and their metrics, comparison, prediction and export results.
// Pure data: no imports from Node, Electron or the DOM, so any side can use them (src/shared/types.ts re-exports all).
import type { EvalCalibration } from './calibration';
import type { BackendChoice, BackendName, Split } from './core';

export type ModelKind = 'cnn' | 'mobilenetv2';

export interface CnnConfig {
  model: 'cnn';
  imageSize: number;
  /** Filters per conv block, e.g. [16, 32, 64]. */
  filters: number[];
  dense: number[];
  dropout: number;
  // CNN batch norm + global pooling (issue 12, accuracy of the defaults): absent = false, as in earlier runs.
  /** Conv → BatchNormalization → ReLU in each block. */
  batchNorm?: boolean;
  /** Global average pooling of the last map instead of flattening it. */
  globalPool?: boolean;
}

export interface MobileNetConfig {
  model: 'mobilenetv2';
  alpha: 1 | 0.35;
  fineTuneBlocks: number;
  dense: number[];
  dropout: number;
  weightsDir?: string;
}

export interface TrainCommon {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  augment: boolean;
  earlyStopping: boolean;
  patience: number;
  backend: BackendChoice;
  /**
   * Test-time views: each prediction averages the class probabilities of the image's eight flips/quarter turns
   * (a MobileNetV2 run with a fine-tuned base predicts the image as it is). Absent = false, as in earlier runs.
   */
  testViews?: boolean;
  /** The object's size and outline inform the prediction (main/engine/features/shape.ts): a frozen MobileNetV2 head
   * takes them beside its features, a CNN weighs in a classifier on them. */
  shapeFeatures?: boolean;
  /** Optional cap on images per class (quick experiments and tests). */
  maxPerClass?: number;
}

export type TrainConfig = (CnnConfig | MobileNetConfig) & TrainCommon;

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  seconds: number;
}

export interface PerClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface TestMetrics {
  accuracy: number;
  macroF1: number;
  n: number;
  classes: string[];
  perClass: Record<string, PerClassMetrics>;
  /** confusion[true][predicted], in `classes` order. */
  confusion: number[][];
  /** Evaluation on the library: test images left out because their source file is missing or changed. */
  excludedMissing?: number;
  // Calibration (issue 13): an evaluation's calibration scores with the run's temperature, and without it.
  calibration?: EvalCalibration;
}

export interface RunSummary {
  id: string;
  model: ModelKind;
  status: RunStatus;
  /** The tfjs backend the training process picked. */
  backend: BackendName | null;
  /** What ran the training steps ("onnxruntime-cpu, 2 worker threads", "tfjs wasm"); null for older runs. */
  engine: string | null;
  createdAt: string;
  finishedAt: string | null;
  config: TrainConfig;
  params: number | null;
  modelBytes: number | null;
  testAccuracy: number | null;
  macroF1: number | null;
  seconds: Record<string, number>;
  error: string | null;
  /** The user's name for the run and a free note (null when none was given). */
  name?: string | null;
  note?: string | null;
  /** The user marked this run as the default model. */
  marked?: boolean;
  /** The run Predict and Browse start from: the marked run, else the completed run with the best val accuracy. */
  isDefault?: boolean;
  /** The best validation accuracy over its epochs (null without validation). */
  bestValAccuracy?: number | null;
}

export interface RunDetail extends RunSummary {
  epochs: EpochMetrics[];
  test: TestMetrics | null;
  snapshotHash: string | null;
  imageCount: number;
  /** Labeled images the run left out because their source file was missing or changed when it started. */
  excludedMissing: number;
  /** The ids of the run's classes, in the order of `test.classes` (names may have changed since; ids do not). */
  classIds: number[];
}

export interface CompareResult {
  a: string;
  b: string;
  n: number;
  classes: string[];
  accuracyA: number;
  accuracyB: number;
  perClass: Record<string, { a: PerClassMetrics; b: PerClassMetrics }>;
  /** [[both right, A right B wrong], [A wrong B right, both wrong]] */
  table: [[number, number], [number, number]];
  mcnemarP: number;
  aRightBWrong: number[];
  bRightAWrong: number[];
}

export interface PredictResult {
  path: string;
  predicted: string | null;
  probabilities: Record<string, number>;
  error?: string;
  /** The library image with the same bytes (sha256) and its current label; null when the file is new. */
  match?: PredictMatch | null;
}

export interface PredictMatch {
  imageId: number;
  /** The image's current class (null when it is unlabeled). */
  label: string | null;
}

/** A run's model written as a standalone .onnx (export.onnx). */
export interface OnnxExportResult {
  file: string;
  bytes: number;
  model: ModelKind;
  classes: string[];
  input: { name: string; shape: [string, number, number, number]; format: string };
  output: { name: string; shape: [string, number] };
  /** onnxruntime-node loaded the written file and ran it. */
  verified: boolean;
  /** 8: the run averages each image's eight flips/quarter turns; the file scores one image as given. */
  views: number;
  /** A second input: the object's shape numbers the head also takes (Paddy's features/shape.ts), with how to compute them. */
  shapeInput?: { name: string; shape: [string, number, number, number]; note: string };
}

/** A run's predictions for the whole library (runs.predictAll). */
export interface LibraryPredictionResult {
  runId: string;
  /** Images predicted by this call. */
  predicted: number;
  /** What the run has stored now, per split of its snapshot ('none': an image outside it). */
  bySplit: Record<Split | 'none', number>;
}
