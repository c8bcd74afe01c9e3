// Splits for images labeled after an unlabeled import. Such an image has no split until it is labeled; then it
// gets one the usual way (services/splits.ts: stratified, seeded, nothing assigned ever moves) — except that a
// near-duplicate of an image already in val or test joins that split, so a retrain cannot see one copy in train
// and be scored on the other. Near-duplicates are found on the cached MobileNetV2 features (cosine ≥ 0.98 after
// centring, as suspects/near-duplicates.ts does); an image without cached features gets the usual split.
import type { Split } from '../../../shared/types';
import type { Library } from '../../library';
import { cachedFeatures, featureExtractors } from '../../repos/features.repo';
import { insertSplit } from '../../repos/splits.repo';
import { writeTx } from '../../repos/statements';
import { heldOutImages, labeledWithoutSplit } from '../../repos/suggestions.repo';
import { assignSplits } from '../splits';
import { centeredUnitRows, nearDuplicatePairs } from '../suspects/near-duplicates';

export const NEAR_DUPLICATE_COSINE = 0.98;
/** Up to this many new images are compared exactly with every held-out one; more go through LSH. */
const EXACT_MAX = 256;

export interface SplitsAssigned {
  assigned: number;
  nearDuplicates: number;
}

/** The cached-feature key that covers most of these hashes (MobileNetV2 of any width), or null when none does. */
export function bestFeatureKey(lib: Library, shas: readonly string[]): string | null {
  let best: { key: string; n: number } | null = null;
  for (const key of featureExtractors(lib.db, 'mnv2-')) {
    const n = cachedFeatures(lib.db, key, shas.slice(0, 64)).size;
    if (n > 0 && (!best || n > best.n)) best = { key, n };
  }
  return best?.key ?? null;
}

/** Which of `fresh` (image id + sha) are near-duplicates of a held-out image, and of which split. */
export async function nearDuplicateHoldouts(lib: Library, fresh: ReadonlyArray<{ imageId: number; sha256: string }>): Promise<Map<number, Split>> {
  const out = new Map<number, Split>();
  const held = heldOutImages(lib.db);
  if (!fresh.length || !held.length) return out;
  const key = bestFeatureKey(lib, fresh.map((f) => f.sha256));
  if (!key) return out;
  const feats = cachedFeatures(lib.db, key, [...fresh.map((f) => f.sha256), ...held.map((h) => h.sha256)]);
  const a = fresh.filter((f) => feats.has(f.sha256));
  const b = held.filter((h) => feats.has(h.sha256));
  if (!a.length || !b.length) return out;
  const dims = feats.get(a[0]!.sha256)!.length;
  const x = new Float32Array((a.length + b.length) * dims);
  [...a, ...b].forEach((r, i) => x.set(feats.get(r.sha256)!, i * dims));
  const bestSim = new Map<number, number>();
  const take = (i: number, j: number, sim: number): void => {
    const id = a[i]!.imageId;
    if (sim > (bestSim.get(id) ?? -Infinity)) {
      bestSim.set(id, sim);
      out.set(id, b[j]!.split);
    }
  };
  if (a.length <= EXACT_MAX) {
    const unit = centeredUnitRows(x, dims);
    for (let i = 0; i < a.length; i++) {
      for (let j = 0; j < b.length; j++) {
        let dot = 0;
        for (let d = 0, oa = i * dims, ob = (a.length + j) * dims; d < dims; d++) dot += unit[oa + d]! * unit[ob + d]!;
        if (dot >= NEAR_DUPLICATE_COSINE) take(i, j, dot);
      }
    }
    return out;
  }
  const groups = [...a.map(() => 0), ...b.map(() => 1)];
  for (const p of await nearDuplicatePairs(x, dims, groups, { threshold: NEAR_DUPLICATE_COSINE })) {
    // a < b and the groups differ, so p.a is a new image and p.b a held-out one.
    take(p.a, p.b - a.length, p.similarity);
  }
  return out;
}

/** Gives a split to each of these images that is labeled and has none yet. */
export async function assignLabeledSplits(lib: Library, imageIds: readonly number[]): Promise<SplitsAssigned> {
  const fresh = labeledWithoutSplit(lib.db, imageIds);
  if (!fresh.length) return { assigned: 0, nearDuplicates: 0 };
  const follow = await nearDuplicateHoldouts(lib, fresh);
  return writeTx(lib.db, () => {
    // Read again under the write lock: another writer may have assigned or unlabeled some meanwhile.
    const still = labeledWithoutSplit(lib.db, fresh.map((f) => f.imageId));
    const at = new Date().toISOString();
    let nearDuplicates = 0;
    for (const f of still) {
      const split = follow.get(f.imageId);
      if (!split) continue;
      insertSplit(lib.db, f.imageId, split, at);
      nearDuplicates++;
    }
    // The rest after the forced ones, so the stratification counts them.
    assignSplits(lib.db, still.filter((f) => !follow.has(f.imageId)));
    return { assigned: still.length, nearDuplicates };
  });
}
