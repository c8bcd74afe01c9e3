// The learning-rate schedule and smoothed targets shared by the CNN and head trainers.

export interface ScheduleOptions {
  learningRate: number;
  /** Default true: cosine decay to 5% of the rate over the steps after the warm-up. */
  cosineDecay?: boolean;
  /** Fraction of all steps (0–0.5) over which the rate rises linearly from a tenth of `learningRate`. Default 0. */
  warmup?: number;
}

/**
 * The rate at `step` (from 0) of `total`: an optional linear warm-up (a one-cycle start: a fresh network's first,
 * large gradients get small steps), then cosine decay to 5% of the rate, so the last epochs settle instead of
 * bouncing.
 */
export function learningRateAt(opts: ScheduleOptions, step: number, total: number): number {
  const base = opts.learningRate;
  const warm = Math.floor(Math.min(0.5, Math.max(0, opts.warmup ?? 0)) * total);
  if (step < warm) return base * (0.1 + (0.9 * step) / warm);
  if (opts.cosineDecay === false) return base;
  const t = total - warm > 0 ? (step - warm) / (total - warm) : 0;
  return base * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/** Label smoothing's targets, rows × k: (1 − ε)·one-hot + ε/k. */
export function smoothedTargets(labels: ArrayLike<number>, k: number, eps: number): Float32Array {
  const y = new Float32Array(labels.length * k).fill(eps / k);
  for (let i = 0; i < labels.length; i++) y[i * k + labels[i]!] = 1 - eps + eps / k;
  return y;
}
