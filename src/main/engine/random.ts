// Seeded randomness for reproducible runs: shuffles, augmentation and (via Math.random) tfjs dropout masks.

/** mulberry32: small, fast, good enough for shuffling and augmentation. Returns floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * tfjs draws unseeded randomness (dropout masks, when a layer has no seed) from seedrandom seeded by
 * Math.random; a tfjs Dropout *with* a seed reuses one mask for every step. So for reproducible dropout we
 * seed Math.random itself for the duration of a training call. Training runs in its own process, so the
 * swap does not disturb anything else; it is restored even on error.
 */
export async function withSeededMathRandom<T>(seed: number, fn: () => Promise<T>): Promise<T> {
  const original = Math.random;
  Math.random = rng(seed ^ 0x9e3779b9);
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}

/**
 * tfjs awaits resolve as microtasks, so a training loop never lets the event loop run: without this, a
 * cancel message (IPC) would only be seen after training ends. Called between batches.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
