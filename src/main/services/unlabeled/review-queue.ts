// The review queue (suggestions.next, `paddy next`): the N unlabeled images most worth a human look. Uncertainty
// first — the smallest margin between the two most likely classes (score = 1 − margin; entropy breaks ties) —
// then spread out: from the 3N most uncertain, k-center greedy picks N that cover the feature space (each next
// pick is the candidate farthest from every pick so far), so a batch is not fifty copies of one hard case.
// Distances are cosine distances of the cached MobileNetV2 features when every candidate has them, else
// Euclidean distances of the run's probabilities. The queue is listed most uncertain first.
import type { ReviewItem, ReviewQueue } from '../../../shared/types';
import type { Library } from '../../library';
import { cachedFeatures } from '../../repos/features.repo';
import type { RunClass } from '../../repos/runs.repo';
import { countUnlabeledImages, suggestionCounts, suggestionPool, type PoolRow } from '../../repos/suggestions.repo';
import { requireRun } from '../runs';
import { centeredUnitRows } from '../suspects/near-duplicates';
import { bestFeatureKey } from './label-splits';

export class ReviewQueueError extends Error {}

/** How many of the most uncertain images k-center greedy chooses from, per image asked for. */
export const CANDIDATES_PER_PICK = 3;

const scoreOf = (r: PoolRow): number => 1 - r.margin;

/** Most uncertain first: smallest margin, then highest entropy, then image id (stable). */
export function byUncertainty(a: PoolRow, b: PoolRow): number {
  return scoreOf(b) - scoreOf(a) || b.entropy - a.entropy || a.imageId - b.imageId;
}

/**
 * k-center greedy over `n` points (rows of `x`, `dims` wide; `dist` between two row indices): starts from point 0
 * (the most uncertain) and adds, `k − 1` times, the point whose nearest chosen point is farthest. Returns indices.
 */
export function kCenterGreedy(n: number, k: number, dist: (i: number, j: number) => number): number[] {
  if (n === 0 || k <= 0) return [];
  const chosen = [0];
  const nearest = new Float64Array(n);
  for (let i = 0; i < n; i++) nearest[i] = dist(i, 0);
  nearest[0] = -1;
  while (chosen.length < Math.min(k, n)) {
    let pick = -1;
    for (let i = 0; i < n; i++) if (nearest[i]! >= 0 && (pick < 0 || nearest[i]! > nearest[pick]!)) pick = i;
    chosen.push(pick);
    nearest[pick] = -1;
    for (let i = 0; i < n; i++) if (nearest[i]! >= 0) nearest[i] = Math.min(nearest[i]!, dist(i, pick));
  }
  return chosen;
}

function featureDistance(lib: Library, rows: readonly PoolRow[]): ((i: number, j: number) => number) | null {
  const key = bestFeatureKey(lib, rows.map((r) => r.sha256));
  if (!key) return null;
  const feats = cachedFeatures(lib.db, key, rows.map((r) => r.sha256));
  if (feats.size < new Set(rows.map((r) => r.sha256)).size) return null;
  const dims = feats.get(rows[0]!.sha256)!.length;
  const x = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => x.set(feats.get(r.sha256)!, i * dims));
  const unit = centeredUnitRows(x, dims);
  return (i, j) => {
    let dot = 0;
    for (let d = 0, oi = i * dims, oj = j * dims; d < dims; d++) dot += unit[oi + d]! * unit[oj + d]!;
    return 1 - dot;
  };
}

function probabilityDistance(rows: readonly PoolRow[]): (i: number, j: number) => number {
  return (i, j) => {
    const a = rows[i]!.probs;
    const b = rows[j]!.probs;
    let s = 0;
    for (let d = 0; d < a.length; d++) s += (a[d]! - (b[d] ?? 0)) ** 2;
    return Math.sqrt(s);
  };
}

/** The `n` unlabeled images to review next, from the suggestions of `runId` (default: the run behind most of them). */
export function nextForReview(lib: Library, runIdArg: string | undefined, n: number): ReviewQueue {
  const runId = runIdArg ?? suggestionCounts(lib.db).runId;
  if (!runId) {
    throw new ReviewQueueError(countUnlabeledImages(lib.db)
      ? 'no unlabeled image has a suggestion yet: pre-label them first (`paddy prelabel --run ID`)'
      : 'no unlabeled images in this library: import some with `paddy import DIR --unlabeled`');
  }
  const run = requireRun(lib, runId);
  const pool = suggestionPool(lib.db, runId).sort(byUncertainty);
  if (!pool.length) {
    throw new ReviewQueueError(countUnlabeledImages(lib.db)
      ? `run ${runId} has not pre-labeled the unlabeled images: run \`paddy prelabel --run ${runId}\` first`
      : 'no unlabeled images in this library: import some with `paddy import DIR --unlabeled`');
  }
  const names = (JSON.parse(run.classes) as RunClass[]).map((c) => c.name);
  const candidates = pool.slice(0, Math.min(pool.length, n * CANDIDATES_PER_PICK));
  let diversity: ReviewQueue['diversity'] = 'none';
  let picked = candidates;
  if (candidates.length > n) {
    const byFeatures = featureDistance(lib, candidates);
    diversity = byFeatures ? 'features' : 'probabilities';
    picked = kCenterGreedy(candidates.length, n, byFeatures ?? probabilityDistance(candidates)).map((i) => candidates[i]!).sort(byUncertainty);
  }
  const images: ReviewItem[] = picked.map((r) => ({
    imageId: r.imageId,
    path: r.sourcePath,
    fileName: r.fileName,
    suggested: r.className,
    suggestedClassId: r.classId,
    confidence: r.confidence,
    score: scoreOf(r),
    probabilities: Object.fromEntries(names.map((name, j) => [name, r.probs[j] ?? 0])),
  }));
  return { runId, diversity, pool: pool.length, images };
}
