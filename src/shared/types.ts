// Domain types shared by every layer (renderer, preload, main, web host, CLI, training worker).
// Pure data: no imports from Node, Electron or the DOM, so any side can use them.

export type Split = 'train' | 'val' | 'test';
export const SPLITS: readonly Split[] = ['train', 'val', 'test'];

/** Where an image's current label came from. */
export type LabelOrigin = 'folder' | 'manual' | 'suggestion';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface ClassInfo {
  id: number;
  name: string;
  count: number;
  perSplit: Record<Split, number>;
}

export interface LibraryInfo {
  path: string;
  imageCount: number;
  classes: ClassInfo[];
  conflicts: number;
  backend: BackendName | null;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ImportReport {
  importId: number;
  folder: string;
  imported: number;
  alreadyPresent: number;
  conflicts: number;
  skipped: SkippedFile[];
  /** Images per class in the library after the import. */
  classes: Record<string, number>;
  seconds: number;
}

export interface ImportSummary {
  id: number;
  folder: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'completed' | 'interrupted' | 'failed';
  imported: number;
  alreadyPresent: number;
  conflicts: number;
  skipped: number;
}

export interface Stats {
  total: number;
  classes: Array<{ name: string; total: number } & Record<Split, number>>;
  splits: Record<Split, number>;
  unlabeled: number;
}

export type SortKey = 'name' | 'date' | 'confidence' | 'loss';

export interface ImageFilter {
  classIds?: number[];
  splits?: Split[];
  origins?: LabelOrigin[];
  conflictsOnly?: boolean;
  /** Filters that need a run: its predictions (with `splits`, the split each image had in the run's snapshot). */
  runId?: string;
  predictedClassIds?: number[];
  correctness?: 'correct' | 'wrong';
  confidenceMin?: number;
  confidenceMax?: number;
  /** Confusion-matrix cell: true class + predicted class (with runId). */
  search?: string;
  imageIds?: number[];
  /** Only images whose source file was found missing or changed by the last check. */
  missingOnly?: boolean;
}

export interface ImageSummary {
  id: number;
  fileName: string;
  classId: number | null;
  className: string | null;
  origin: LabelOrigin | null;
  split: Split | null;
  conflict: boolean;
  width: number;
  height: number;
  /** What the last check found of the source file ('ok' until a check says otherwise). */
  sourceState?: SourceState;
  /** Present when the query names a run. */
  predictedClassId?: number | null;
  confidence?: number | null;
  /** Null for an image with no label (no true class to score against). */
  loss?: number | null;
  /** The image's split in the run's snapshot: 'train' means in-sample (the model learned it); null: outside it. */
  predictionSplit?: Split | null;
}

export interface ImagePage {
  total: number;
  offset: number;
  items: ImageSummary[];
}

export interface LabelEvent {
  id: number;
  at: string;
  oldClass: string | null;
  newClass: string | null;
  origin: LabelOrigin;
  state: 'done' | 'undone' | 'discarded';
}

export interface ImagePrediction {
  runId: string;
  model: ModelKind;
  predictedClass: string;
  probabilities: Record<string, number>;
}

export interface ImageDetail extends ImageSummary {
  sha256: string;
  sourcePath: string;
  format: string;
  bytes: number;
  importedAt: string;
  sources: Array<{ path: string; className: string }>;
  history: LabelEvent[];
  predictions: ImagePrediction[];
}

export interface LabelChangeResult {
  batchId: number | null;
  changed: number;
}

export interface UndoResult {
  batchId: number | null;
  changed: number;
  imageIds: number[];
}

// ---- training -------------------------------------------------------------------------------------

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
}

// ---- label review ---------------------------------------------------------------------------------

export interface Suspect {
  imageId: number;
  path: string;
  label: string;
  suggested: string;
  score: number;
  probabilities: Record<string, number>;
  kind: 'label' | 'near-duplicate';
}

/** The review queue's state: whether a scan exists yet, and how many suspects are open and decided. */
export interface SuspectsStatus {
  scan: { finishedAt: string; scanned: number; seconds: number } | null;
  open: number;
  decided: number;
}

/** A review decision taken back: its images are in the queue again, labels as before the decision. */
export interface SuspectUndoResult {
  imageIds: number[];
  decision: 'keep' | 'accept' | 'relabel' | null;
  /** Labels put back (0 for a keep). */
  changed: number;
}

export interface SuspectScan {
  scanned: number;
  suspects: Suspect[];
  seconds: number;
}

export interface Settings {
  backend: BackendChoice;
  weightsDir: string | null;
  /** Seed of the stratified train/val/test assignment (default 42); changing it affects only new images. */
  splitSeed?: number;
}

/** What a saved weights folder holds: the MobileNetV2 widths (alphas) whose model.json and shards are all there. */
export interface WeightsCheck {
  dir: string;
  alphas: Array<1 | 0.35>;
}

/** `settings.set`'s reply: the settings, and the check of a weights folder when one was given. */
export interface SavedSettings extends Settings {
  weights?: WeightsCheck;
}

export interface SystemInfo {
  version: string;
  backend: BackendName | null;
  availableBackends: BackendName[];
  host: 'electron' | 'web';
  platform: string;
}

// ---- source files ---------------------------------------------------------------------------------

/** What Paddy last found at an image's source path: its bytes ('ok'), nothing usable ('missing'), other bytes. */
export type SourceState = 'ok' | 'missing' | 'changed';

export interface SourceCheckResult {
  checked: number;
  ok: number;
  missing: number;
  changed: number;
  /** Files whose size or mtime differed (or were never recorded), so they were hashed. */
  hashed: number;
  seconds: number;
}

export interface RelinkResult {
  /** Missing or changed images under `from` whose file under `to` has their bytes: now ok at the new path. */
  relinked: number;
  /** Images under `from` with no file of the same bytes under `to` (left as they were). */
  unmatched: number;
}

/** A run's predictions for the whole library (runs.predictAll). */
export interface LibraryPredictionResult {
  runId: string;
  /** Images predicted by this call. */
  predicted: number;
  /** What the run has stored now, per split of its snapshot ('none': an image outside it). */
  bySplit: Record<Split | 'none', number>;
}

// --- Calibration and per-class curves (issue 13) ---
/** One of the 10 equal-width confidence bins of a reliability diagram (confidence = the top class's probability). */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean confidence of the answers in the bin (0 when empty). */
  confidence: number;
  /** Share of those answers that are right (0 when empty). */
  accuracy: number;
}

export interface CalibrationScores {
  n: number;
  accuracy: number;
  /** Expected calibration error over the 10 bins. */
  ece: number;
  /** Mean negative log-likelihood of the true class. */
  nll: number;
  /** Multi-class Brier score: mean over rows of the summed squared error (0 best, 2 worst). */
  brier: number;
  bins: ReliabilityBin[];
}

/** One split's scores with the raw probabilities and with the run's temperature. */
export interface SplitCalibration {
  before: CalibrationScores;
  after: CalibrationScores;
}

export interface PrPoint {
  recall: number;
  precision: number;
  /** The class probability from which an image counts as this class. */
  threshold: number;
}

/** A class's row of the per-class table and its precision–recall curve (one-vs-rest on the test split). */
export interface ClassCurve {
  name: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
  /** Average precision: the area under the step-wise precision–recall curve. */
  ap: number;
  /** At most 100 points, recall rising. */
  curve: PrPoint[];
}

/** runs.calibration: a run's temperature, what it does on val and test, and its per-class curves. */
export interface RunCalibration {
  runId: string;
  /** p_T ∝ exp(log p / T), fitted on val by minimising NLL (1 when the run has too few val images: see fittedOn). */
  temperature: number;
  /** The val images T was fitted on; 0 when there were fewer than MIN_FIT_IMAGES (20), and T is then 1. */
  fittedOn: number;
  val: SplitCalibration | null;
  test: SplitCalibration | null;
  /** On the test split with calibrated probabilities. */
  perClass: ClassCurve[];
  /** Predict's default "unsure" line: the lowest calibrated confidence above which val answers are ≥ 99% right. */
  unsureThreshold: number;
  computedAt: string;
}

/** What `runs.evaluate` (and `paddy eval --json`) adds: scores with the temperature, and without. */
export interface EvalCalibration {
  temperature: number;
  ece: number;
  nll: number;
  brier: number;
  uncalibrated: { ece: number; nll: number; brier: number };
}

// ---- unlabeled images, pre-labels and the review queue (issue #14) ---------------------------------
// Interfaces declared again here merge with the ones above: the fields below are added to them.

export interface ImportReport {
  /** The folder was imported without labels (`paddy import DIR --unlabeled`). */
  unlabeled?: boolean;
  /** Unlabeled files whose bytes were already in the library with a label: they keep it. */
  alreadyLabeled?: number;
}

export interface ImageFilter {
  /** Only images with no label. */
  unlabeledOnly?: boolean;
  /** Unlabeled images whose current suggestion is one of these classes. */
  suggestedClassIds?: number[];
  /** Unlabeled images whose suggestion's confidence is in [min, max]. */
  suggestionMin?: number;
  suggestionMax?: number;
}

export interface ImageSummary {
  /** The current pre-label of an unlabeled image (not a label): class and confidence. */
  suggestedClassId?: number | null;
  suggestedClassName?: string | null;
  suggestionConfidence?: number | null;
}

// Browse uses the default model (#11): a run alone decorates the tiles; `runOnly` is the explicit filter.
export interface ImageFilter {
  /** With runId: only the images that run predicted, under the class and split of its snapshot (train = in-sample). */
  runOnly?: boolean;
}

/** runs.prelabel: every unlabeled image's suggestion from one run. */
export interface PrelabelResult {
  runId: string;
  /** Unlabeled images that now have this run's suggestion. */
  predicted: number;
  /** Unlabeled images left out: their source file is missing, changed or unreadable. */
  skipped: SkippedFile[];
  /** Confidence is the run's calibrated probability (temperature scaling) rather than the softmax. */
  calibrated: boolean;
  byClass: Record<string, number>;
  seconds: number;
}

/** What "accept all with confidence ≥ T" would do, and what it is expected to get wrong. */
export interface AcceptPreview {
  runId: string | null;
  threshold: number;
  /** Unlabeled images whose suggestion is at or above the threshold. */
  count: number;
  unlabeled: number;
  suggested: number;
  /** Error rate among the run's validation images at or above the threshold (null: no validation predictions). */
  expectedErrorRate: number | null;
  /** Validation images at or above the threshold (what the rate is measured on). */
  valCount: number;
}

export interface AcceptResult {
  batchId: number | null;
  changed: number;
  /** Newly labeled images that got a split, and how many of those followed a near-duplicate into val/test. */
  splitsAssigned: number;
  nearDuplicateSplits: number;
}

/** One image of the review queue (`paddy next`): the least certain, spread out over the feature space. */
export interface ReviewItem {
  imageId: number;
  path: string;
  fileName: string;
  suggested: string;
  suggestedClassId: number;
  confidence: number;
  /** Uncertainty (1 − margin between the top two classes, higher = look first). */
  score: number;
  probabilities: Record<string, number>;
}

export interface ReviewQueue {
  runId: string;
  /** What the diversity rule ran over: 'features' (cached MobileNetV2), 'probabilities' or 'none'. */
  diversity: 'features' | 'probabilities' | 'none';
  /** Unlabeled images with a suggestion from this run (the pool the queue was drawn from). */
  pool: number;
  images: ReviewItem[];
}

/** One point of the learning curve: a completed run, the labeled images it used, and its accuracy. */
export interface LearningCurvePoint {
  runId: string;
  name: string | null;
  model: ModelKind;
  createdAt: string;
  /** Labeled images in the run's snapshot (train + val + test) and in its train split. */
  labeled: number;
  train: number;
  testAccuracy: number | null;
  valAccuracy: number | null;
}

// ---- Grad-CAM (issue 13, saliency) ----
/** A heat map at the model's input resolution: row-major, ≥ 0, max 1 (all 0 when nothing speaks for the class). */
export interface Heatmap {
  width: number;
  height: number;
  values: number[];
}

/** One image explained by a run (runs.explain, `paddy explain`). */
export interface ExplainResult {
  /** The file (or, for an upload, the name the user gave it). */
  path: string;
  /** The library image explained, when asked by id. */
  imageId?: number;
  predicted: string | null;
  probabilities: Record<string, number>;
  /** The class the heat map is for: the predicted one unless one was picked. */
  class: string | null;
  heatmap: Heatmap | null;
  /** What kept this image from being explained (the others still are). */
  error?: string;
  /** Served from the heat map cache (<library>/cache/heatmaps/). */
  cached?: boolean;
}

// ---- Embedding map + similar images (issue 13) ----
/** Where the map's vectors come from: the cached MobileNetV2 features or a completed run's penultimate layer. */
export type MapSource = 'features' | `run:${string}`;
export interface MapPoint {
  imageId: number;
  x: number;
  y: number;
}
/** A 2-D map of the library (map.compute / map.get, `paddy map`), cached per library state. */
export interface EmbeddingMap {
  points: MapPoint[];
  source: MapSource;
  method: string;
  params: Record<string, number | null>;
  /** Seconds per phase of the computation (features, pca, neighbours, layout). */
  seconds: Record<string, number>;
  createdAt: string;
}
/** What a map point can be coloured by (map.points); null where it does not apply. */
export interface MapPointInfo {
  imageId: number;
  label: string | null;
  predicted: string | null;
  split: 'train' | 'val' | 'test' | null;
  correct: boolean | null;
  suspectScore: number | null;
}
export interface MapPointsResult {
  points: MapPointInfo[];
  classes: string[];
  /** The run whose predictions colour "predicted" and "correctness": the one asked for, else the default run. */
  runId: string | null;
}
export interface SimilarNeighbour {
  imageId: number;
  path: string;
  label: string | null;
  /** Cosine distance (1 − cosine similarity) of the feature vectors. */
  distance: number;
}
export interface SimilarResult {
  path: string;
  /** The library image queried, when the query is one. */
  imageId: number | null;
  neighbours: SimilarNeighbour[];
  /** What kept this file from being answered (the others still are). */
  error?: string;
}
// ---- Similar images: the index built as a job (#13) ----
/** What the `similar.index` job built (or found kept): rows, their dims (128 when PCA-reduced), the seconds it took. */
export interface SimilarIndexInfo {
  rows: number;
  dims: number;
  reduced: boolean;
  /** Readable images without cached features (not in the index). */
  missing: number;
  seconds: number;
}
