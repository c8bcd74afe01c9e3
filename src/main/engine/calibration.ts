// Calibration and per-class curves: pure functions over n × k probability rows (row-major) and class indices.
// Temperature scaling works on log-probabilities (p_T ∝ exp(log p / T)) because saved runs keep probabilities,
// not logits; for a softmax output this is the same as dividing the logits by T (up to a per-row constant).
import type { CalibrationScores, ClassCurve, PrPoint, ReliabilityBin } from '../../shared/types';
import { argmax } from './metrics';

type Probs = ArrayLike<number>;

/** The smallest probability a log is taken of: a confident wrong answer costs -log(1e-7) ≈ 16, as in training. */
const EPS = 1e-7;
/** log p of an exact 0 (a softmax underflow): far below any real value, yet finite so a row never becomes NaN. */
const LOG_FLOOR = Math.log(1e-30);

function rows(probs: Probs, labels: ArrayLike<number>, k: number): number {
  const n = labels.length;
  if (k < 1) throw new Error('calibration: no classes');
  if (probs.length !== n * k) throw new Error(`calibration: expected ${n}×${k} = ${n * k} probabilities, got ${probs.length}`);
  for (let i = 0; i < n; i++) if (labels[i]! < 0 || labels[i]! >= k) throw new Error(`calibration: class index out of range at row ${i}`);
  return n;
}

/** One probability vector with temperature T applied (T = 1 gives it back, renormalised). */
export function calibrate(probs: ArrayLike<number>, temperature: number): Float64Array {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`calibration: temperature must be a positive number, got ${temperature}`);
  const k = probs.length;
  const out = new Float64Array(k);
  let max = -Infinity;
  for (let j = 0; j < k; j++) {
    const p = probs[j]!;
    out[j] = (p > 0 ? Math.log(p) : LOG_FLOOR) / temperature;
    if (out[j]! > max) max = out[j]!;
  }
  let sum = 0;
  for (let j = 0; j < k; j++) sum += out[j] = Math.exp(out[j]! - max);
  for (let j = 0; j < k; j++) out[j]! /= sum;
  return out;
}

/** Every row of an n × k matrix with temperature T applied. */
export function applyTemperature(probs: Probs, k: number, temperature: number): Float64Array {
  const n = probs.length / k;
  const out = new Float64Array(probs.length);
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) row[j] = probs[i * k + j]!;
    out.set(calibrate(row, temperature), i * k);
  }
  return out;
}

/** Mean negative log-likelihood of the true class (probabilities clipped at 1e-7). 0 for no rows. */
export function nll(probs: Probs, labels: ArrayLike<number>, k: number): number {
  const n = rows(probs, labels, k);
  let s = 0;
  for (let i = 0; i < n; i++) s -= Math.log(Math.max(probs[i * k + labels[i]!]!, EPS));
  return n ? s / n : 0;
}

/** Multi-class Brier score: mean over rows of Σ_j (p_j − [j = y])². 0 for no rows. */
export function brier(probs: Probs, labels: ArrayLike<number>, k: number): number {
  const n = rows(probs, labels, k);
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) s += (probs[i * k + j]! - (j === labels[i] ? 1 : 0)) ** 2;
  return n ? s / n : 0;
}

/**
 * Reliability diagram: each answer (its top class) goes to the bin of its confidence, bin b holding
 * [b/10, (b+1)/10) and the last one also 1. Empty bins are kept (count 0) so every diagram has the same 10 bars.
 */
export function reliabilityBins(probs: Probs, labels: ArrayLike<number>, k: number, bins = 10): ReliabilityBin[] {
  const n = rows(probs, labels, k);
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const right = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const row = Array.prototype.slice.call(probs, i * k, (i + 1) * k) as number[];
    const top = argmax(row);
    const c = row[top]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(c * bins)));
    count[b]!++;
    conf[b]! += c;
    if (top === labels[i]) right[b]!++;
  }
  return count.map((m, b) => ({ lo: b / bins, hi: (b + 1) / bins, count: m, confidence: m ? conf[b]! / m : 0, accuracy: m ? right[b]! / m : 0 }));
}

/** Expected calibration error: Σ_b (n_b / n) · |accuracy_b − confidence_b|. */
export function eceOf(bins: readonly ReliabilityBin[]): number {
  const n = bins.reduce((a, b) => a + b.count, 0);
  return n ? bins.reduce((a, b) => a + (b.count / n) * Math.abs(b.accuracy - b.confidence), 0) : 0;
}

export function calibrationScores(probs: Probs, labels: ArrayLike<number>, k: number): CalibrationScores {
  const n = rows(probs, labels, k);
  const bins = reliabilityBins(probs, labels, k);
  let right = 0;
  for (let i = 0; i < n; i++) if (argmax(Array.prototype.slice.call(probs, i * k, (i + 1) * k) as number[]) === labels[i]) right++;
  return { n, accuracy: n ? right / n : 0, ece: eceOf(bins), nll: nll(probs, labels, k), brier: brier(probs, labels, k), bins };
}

/** The search range of T: beyond it the answers are all but one-hot or all but uniform. */
const T_MIN = 0.05;
const T_MAX = 20;

/**
 * The temperature minimising val NLL: golden-section search on log T over [0.05, 20] (NLL is unimodal in T for
 * temperature scaling). 1 for no rows. Precomputes the log-probabilities once, so each step is one pass.
 */
export function fitTemperature(probs: Probs, labels: ArrayLike<number>, k: number): number {
  const n = rows(probs, labels, k);
  if (!n) return 1;
  const logs = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) logs[i] = probs[i]! > 0 ? Math.log(probs[i]!) : LOG_FLOOR;
  const loss = (logT: number): number => {
    const inv = Math.exp(-logT);
    let s = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, logs[i * k + j]! * inv);
      let z = 0;
      for (let j = 0; j < k; j++) z += Math.exp(logs[i * k + j]! * inv - max);
      // -log p_T(y) without clipping: the fit needs the true slope even for confident mistakes.
      s += max + Math.log(z) - logs[i * k + labels[i]!]! * inv;
    }
    return s / n;
  };
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(T_MIN);
  let b = Math.log(T_MAX);
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = loss(c);
  let fd = loss(d);
  for (let it = 0; it < 60 && b - a > 1e-6; it++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = loss(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = loss(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/**
 * One-vs-rest precision–recall curve of one class: images sorted by that class's probability, a point at each
 * distinct score (tied scores enter together). AP is Σ (R_i − R_{i−1}) · P_i over those points, the step-wise
 * area without interpolation (as scikit-learn's average_precision_score). No positives: an empty curve, AP 0.
 */
export function prCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>): { curve: PrPoint[]; ap: number } {
  const n = scores.length;
  let total = 0;
  for (let i = 0; i < n; i++) if (positive[i]) total++;
  if (!total) return { curve: [], ap: 0 };
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => scores[y]! - scores[x]! || x - y);
  const curve: PrPoint[] = [];
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let lastRecall = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    seen++;
    if (positive[i]) tp++;
    const next = order[r + 1];
    if (next !== undefined && scores[next] === scores[i]) continue;
    const recall = tp / total;
    const precision = tp / seen;
    ap += (recall - lastRecall) * precision;
    lastRecall = recall;
    curve.push({ recall, precision, threshold: scores[i]! });
  }
  return { curve, ap };
}

/** At most `max` points of a curve: the first, the last and evenly spaced ones between (order kept). */
export function downsample<T>(points: readonly T[], max = 100): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  for (let s = 0; s < max; s++) out.push(points[Math.round((s * (points.length - 1)) / (max - 1))]!);
  return out;
}

/**
 * The per-class table and curves: support, precision, recall and F1 of the top-class answers (as testMetrics
 * counts them), AP and the precision–recall curve (≤ 100 points) from each class's own probability.
 */
export function perClassCurves(classes: readonly string[], probs: Probs, labels: ArrayLike<number>): ClassCurve[] {
  const k = classes.length;
  const n = rows(probs, labels, k);
  const pred = Array.from({ length: n }, (_, i) => argmax(Array.prototype.slice.call(probs, i * k, (i + 1) * k) as number[]));
  return classes.map((name, c) => {
    let tp = 0;
    let support = 0;
    let predicted = 0;
    for (let i = 0; i < n; i++) {
      if (labels[i] === c) support++;
      if (pred[i] === c) predicted++;
      if (labels[i] === c && pred[i] === c) tp++;
    }
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    const scores = Array.from({ length: n }, (_, i) => probs[i * k + c]!);
    const { curve, ap } = prCurve(scores, Array.from({ length: n }, (_, i) => labels[i] === c));
    return { name, support, precision, recall, f1, ap, curve: downsample(curve) };
  });
}

/** The default unsure line when val says nothing (no val images). */
export const DEFAULT_UNSURE = 0.5;

/**
 * Predict's default "unsure" line: answers sorted by confidence (highest first); the lowest confidence at which
 * the answers at or above it are still ≥ `target` right. So everything shown as sure was right ≥ 99% of the time
 * on val. If even the most confident val answer misses the target, the top val confidence (nearly all unsure).
 */
export function unsureThreshold(probs: Probs, labels: ArrayLike<number>, k: number, target = 0.99): number {
  const n = rows(probs, labels, k);
  if (!n) return DEFAULT_UNSURE;
  const answers = Array.from({ length: n }, (_, i) => {
    const row = Array.prototype.slice.call(probs, i * k, (i + 1) * k) as number[];
    const top = argmax(row);
    return { conf: row[top]!, right: top === labels[i] };
  }).sort((a, b) => b.conf - a.conf);
  let right = 0;
  let line = answers[0]!.conf;
  for (let r = 0; r < n; r++) {
    if (answers[r]!.right) right++;
    const tiedNext = r + 1 < n && answers[r + 1]!.conf === answers[r]!.conf;
    if (!tiedNext && right / (r + 1) >= target) line = answers[r]!.conf;
  }
  return line;
}
