// Browsing and labeling: the grid's filter and rows, an image's detail, label changes.
// Pure data: no imports from Node, Electron or the DOM, so any side can use them (src/shared/types.ts re-exports all).
import type { LabelOrigin, Split } from './core';
import type { SourceState } from './library';
import type { ModelKind } from './runs';

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
  /** Only images with no label. */
  unlabeledOnly?: boolean;
  /** Unlabeled images whose current suggestion is one of these classes. */
  suggestedClassIds?: number[];
  /** Unlabeled images whose suggestion's confidence is in [min, max]. */
  suggestionMin?: number;
  suggestionMax?: number;
  /** With runId: only the images that run predicted, under the class and split of its snapshot (train = in-sample). */
  runOnly?: boolean;
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
  /** The current pre-label of an unlabeled image (not a label): class and confidence. */
  suggestedClassId?: number | null;
  suggestedClassName?: string | null;
  suggestionConfidence?: number | null;
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
