// Unlabeled images: pre-labels, accepting them, the review queue and the learning curve (issue #14).
// Pure data: no imports from Node, Electron or the DOM, so any side can use them (src/shared/types.ts re-exports all).
import type { SkippedFile } from './library';
import type { ModelKind } from './runs';

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
