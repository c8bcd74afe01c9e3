// The detail panel of one image: file facts, every source path, label history, and the latest runs' predictions.
import type Database from 'better-sqlite3';
import type { ImageDetail, ImagePrediction } from '../../shared/types';
import { imageDetailRow, imagePredictions, imageSources, type PredictionRow } from '../repos/image-detail.repo';
import { labelHistory } from '../repos/labels.repo';

/** How many runs' predictions the panel shows, newest first. */
export const DETAIL_RUNS = 5;

/** A run stores its class list as JSON: names, or objects with a name (and id). */
function runClassNames(json: string): string[] {
  try {
    const list = JSON.parse(json) as unknown;
    if (!Array.isArray(list)) return [];
    return list.map((c, i) =>
      typeof c === 'string' ? c : c && typeof c === 'object' && 'name' in c ? String((c as { name: unknown }).name) : `class ${i}`,
    );
  } catch {
    return [];
  }
}

function toPrediction(row: PredictionRow): ImagePrediction {
  const names = runClassNames(row.runClasses);
  let probs: unknown = [];
  try {
    probs = JSON.parse(row.probs);
  } catch {
    // a damaged row shows no probabilities rather than breaking the panel
  }
  const probabilities: Record<string, number> = {};
  if (Array.isArray(probs)) probs.forEach((p, i) => (probabilities[names[i] ?? `class ${i}`] = Number(p)));
  else if (probs && typeof probs === 'object') Object.assign(probabilities, probs);
  return {
    runId: row.runId,
    model: row.model,
    predictedClass: row.predictedName ?? `class ${row.predictedClassId}`,
    probabilities,
  };
}

export function imageDetail(db: Database.Database, imageId: number): ImageDetail {
  const row = imageDetailRow(db, imageId);
  if (!row) throw new Error(`no image with id ${imageId} in this library`);
  const { conflict, ...rest } = row;
  return {
    ...rest,
    conflict: conflict === 1,
    sources: imageSources(db, imageId),
    history: labelHistory(db, imageId),
    predictions: imagePredictions(db, imageId, DETAIL_RUNS).map(toPrediction),
  };
}
