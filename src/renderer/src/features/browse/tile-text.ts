// What a tile and the count say about a run's predictions: derived from the page's rows, never stored.
import type { ImageFilter, ImageSummary, SortKey } from '../../../../shared/types';
import { pct } from '../../app/format';

export interface PredictionFlag {
  wrong: boolean;
  text: string;
  title: string;
}

const SPLIT_TITLE = {
  train: 'train split: in-sample, the model learned this image',
  val: 'val split',
  test: 'test split',
} as const;

/**
 * A wrong tile names the class the run predicted ("→ Basmati 58%"), not only that it is wrong; an in-sample
 * (train) prediction says so, since it flatters the model. An unlabeled image shows just the prediction.
 */
export function predictionFlag(item: ImageSummary, classNames: ReadonlyMap<number, string>): PredictionFlag | null {
  if (item.predictedClassId === undefined || item.predictedClassId === null) return null;
  const name = classNames.get(item.predictedClassId) ?? `class ${item.predictedClassId}`;
  const labeled = item.classId !== null;
  const wrong = labeled && item.predictedClassId !== item.classId;
  const conf = pct(item.confidence ?? null, 0);
  const inSample = item.predictionSplit === 'train';
  const text = `${wrong || !labeled ? `→ ${name}` : '✓'} ${conf}${inSample ? ' · in-sample' : ''}`;
  const where = item.predictionSplit ? SPLIT_TITLE[item.predictionSplit] : "outside the run's splits";
  return { wrong, text, title: `Predicted ${name} with ${pct(item.confidence ?? null)} confidence (${where})` };
}

/**
 * An unlabeled image's suggestion (#14), written so it never reads as a label: "? Jasmine 87%". Null for a
 * labeled image or one without a suggestion.
 */
export function suggestionText(item: ImageSummary): { text: string; title: string } | null {
  if (item.classId !== null || item.suggestedClassId == null) return null;
  const name = item.suggestedClassName ?? `class ${item.suggestedClassId}`;
  return {
    text: `? ${name} ${pct(item.suggestionConfidence ?? null, 0)}`,
    title: `Suggested ${name} with ${pct(item.suggestionConfidence ?? null)} confidence — not a label until accepted (A)`,
  };
}

/** The direction a sort starts in when chosen: loss starts with the worst, everything else ascending. */
export function sortDirectionFor(sort: SortKey): boolean {
  return sort === 'loss';
}

/** Which split the count's images (and so their numbers) come from; null without a run or split filter. */
export function splitNote(filter: ImageFilter): string | null {
  const one = filter.splits?.length === 1 ? filter.splits[0]! : null;
  if (one) return `${one} split${one === 'train' && filter.runId ? ' · in-sample' : ''}`;
  return filter.runId ? 'all splits · train in-sample' : null;
}

/**
 * Whether the filter is about the run's predictions (only what it predicted, a predicted class, right/wrong, a
 * confidence range): then only the images it predicted are listed, under the class and split it scored them by.
 * The host decides the same way (scoresRun in src/main/repos/browse.repo.ts).
 */
export function isScored(filter: ImageFilter): boolean {
  return (
    filter.runId !== undefined &&
    (!!filter.runOnly || filter.predictedClassIds !== undefined || filter.correctness !== undefined || filter.confidenceMin !== undefined || filter.confidenceMax !== undefined)
  );
}
