// The numbers a suggestion carries and the queue ranks by, from one probability vector: the class, its
// confidence, the margin between the two most likely classes, and the entropy; plus the run's temperature (the
// calibration work, services/calibration.ts) and the validation error rate above a confidence threshold.
import type { Library } from '../../library';
import { calibrate, runTemperature as calibratedTemperature } from '../calibration';

export interface Uncertainty {
  best: number;
  confidence: number;
  /** p(top) − p(second): small = the model hesitates between two classes. */
  margin: number;
  /** −Σ p log p, natural log. */
  entropy: number;
  /** The probabilities the numbers came from (calibrated when a temperature was given). */
  probs: number[];
}

export function uncertainty(raw: readonly number[], temperature: number | null): Uncertainty {
  const probs = temperature === null ? [...raw] : calibrate(raw, temperature);
  let best = 0;
  let second = -1;
  probs.forEach((p, j) => {
    if (p > probs[best]!) {
      second = best;
      best = j;
    } else if (j !== best && (second < 0 || p > probs[second]!)) second = j;
  });
  const top = probs[best]!;
  const margin = top - (second < 0 ? 0 : probs[second]!);
  const entropy = -probs.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0);
  return { best, confidence: top, margin, entropy, probs };
}

/**
 * The run's temperature, or null (softmax) when it has none to give: a run the calibration cannot be computed
 * for must still pre-label.
 */
export async function runTemperature(lib: Library, runId: string, signal?: AbortSignal): Promise<number | null> {
  try {
    return await calibratedTemperature(lib, runId, signal);
  } catch (e) {
    if (signal?.aborted) throw e;
    return null;
  }
}

/**
 * Among validation predictions (probabilities in the run's class order, true class index), the share of those
 * at or above `threshold` that are wrong, and how many that is; null rate when none reach it.
 */
export function errorRateAtThreshold(
  rows: ReadonlyArray<{ probs: readonly number[]; truth: number }>,
  threshold: number,
  temperature: number | null,
): { rate: number | null; n: number } {
  let n = 0;
  let wrong = 0;
  for (const r of rows) {
    const u = uncertainty(r.probs, temperature);
    if (u.confidence < threshold) continue;
    n++;
    if (u.best !== r.truth) wrong++;
  }
  return { rate: n ? wrong / n : null, n };
}
