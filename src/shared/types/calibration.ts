// A run's calibration: reliability bins, scores before/after the temperature, PR curves.
// Pure data: no imports from Node, Electron or the DOM, so any side can use them (src/shared/types.ts re-exports all).

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
