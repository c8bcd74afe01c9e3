// Classification metrics and McNemar's test: pure functions, no I/O.
import type { PerClassMetrics, TestMetrics } from '../../shared/types';

/** `truth`/`pred` are class indices into `classes`. */
export function testMetrics(classes: readonly string[], truth: ArrayLike<number>, pred: ArrayLike<number>): TestMetrics {
  const k = classes.length;
  if (truth.length !== pred.length) throw new Error(`metrics: ${truth.length} labels but ${pred.length} predictions`);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let right = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = pred[i]!;
    if (t < 0 || t >= k || p < 0 || p >= k) throw new Error(`metrics: class index out of range at row ${i}`);
    confusion[t]![p]!++;
    if (t === p) right++;
  }
  const perClass: Record<string, PerClassMetrics> = {};
  let f1Sum = 0;
  let present = 0;
  classes.forEach((name, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c]!, 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[name] = { precision, recall, f1, support };
    // Macro-F1 over classes that occur in the truth (a class absent from the test set says nothing).
    if (support) {
      f1Sum += f1;
      present++;
    }
  });
  return { accuracy: truth.length ? right / truth.length : 0, macroF1: present ? f1Sum / present : 0, n: truth.length, classes: [...classes], perClass, confusion };
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/** Summed cross-entropy (probabilities clipped at 1e-7) and the number of rows whose argmax is the label. */
export function crossEntropySum(probs: Float32Array, y: ArrayLike<number>): { lossSum: number; correct: number } {
  const k = probs.length / Math.max(1, y.length);
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    const row = probs.subarray(i * k, (i + 1) * k);
    lossSum -= Math.log(Math.max(row[y[i]!]!, 1e-7));
    if (argmax(row) === y[i]) correct++;
  }
  return { lossSum, correct };
}

/** Mean cross-entropy and accuracy of n × k probabilities against labels (0 and 0 for no rows). */
export function lossAndAccuracy(probs: Float32Array, y: ArrayLike<number>): { loss: number; accuracy: number } {
  const { lossSum, correct } = crossEntropySum(probs, y);
  return { loss: y.length ? lossSum / y.length : 0, accuracy: y.length ? correct / y.length : 0 };
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/**
 * McNemar's test on the discordant counts b (A right, B wrong) and c (A wrong, B right).
 * Exact two-sided binomial p-value (p = 0.5) when b + c < 25, otherwise the chi-square with continuity
 * correction, as commonly recommended. Returns 1 when there is no disagreement.
 */
export function mcnemarP(b: number, c: number, method: 'auto' | 'exact' | 'corrected' = 'auto'): number {
  const n = b + c;
  if (n === 0) return 1;
  const useExact = method === 'exact' || (method === 'auto' && n < 25);
  if (useExact) {
    const k = Math.min(b, c);
    let tail = 0;
    for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
    return Math.min(1, 2 * tail);
  }
  const chi = (Math.abs(b - c) - 1) ** 2 / n;
  return chiSquare1Sf(Math.max(0, chi));
}

/** Survival function of chi-square with 1 degree of freedom: erfc(sqrt(x/2)). */
function chiSquare1Sf(x: number): number {
  return erfc(Math.sqrt(x / 2));
}

/** erfc with ~1e-7 relative accuracy (Numerical Recipes erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
