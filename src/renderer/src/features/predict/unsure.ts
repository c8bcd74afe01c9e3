// Predict's "unsure" band: an answer whose (calibrated) top probability is below the line is shown as unsure, with
// its two likeliest classes. The line is the user's, else the run's default from its val set (runs.calibration's
// unsureThreshold: the lowest calibrated confidence above which val answers were ≥ 99% right), else 50%.
/** The line before a run's calibration has answered (and for a run with no val images). */
export const DEFAULT_UNSURE_LINE = 0.5;

export interface Unsure {
  first: { name: string; p: number };
  second: { name: string; p: number } | null;
}

/** The two likeliest classes, highest first. */
export function topTwo(probabilities: Record<string, number>): Unsure | null {
  const sorted = Object.entries(probabilities).sort((a, b) => b[1] - a[1]);
  if (!sorted.length) return null;
  const [a, b] = sorted;
  return { first: { name: a![0], p: a![1] }, second: b ? { name: b[0], p: b[1] } : null };
}

/** The answer's top two when it falls below the line, else null (a sure answer). */
export function unsureAnswer(probabilities: Record<string, number>, line: number): Unsure | null {
  const top = topTwo(probabilities);
  return top && top.first.p < line ? top : null;
}

/** The line in force: what the user set, else the run's val default, else 50%. */
export function unsureLine(userLine: number | null, runDefault: number | undefined): number {
  return userLine ?? runDefault ?? DEFAULT_UNSURE_LINE;
}
