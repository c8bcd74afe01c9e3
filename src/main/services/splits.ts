// Stratified, seeded, stored train/val/test assignment that stays stable as images are added: an assigned image
// never moves; each new image of a class goes to the split furthest below its target share, new images taken in
// the order of a seeded hash of their content, so the result depends only on the set of images and the seed.
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Split } from '../../shared/types';
import { insertSplit, splitCountsForClass, unassignedImages } from '../repos/splits.repo';
import { writeTx } from '../repos/statements';
import { getSettings } from './settings';

export const SPLIT_TARGETS: Readonly<Record<Split, number>> = { train: 0.7, val: 0.15, test: 0.15 };
const ORDER: readonly Split[] = ['train', 'val', 'test'];

export interface SplitCandidate {
  imageId: number;
  sha256: string;
  classId: number;
}

export function seededRank(seed: number, sha256: string): string {
  return crypto.createHash('sha256').update(`${seed}:${sha256}`).digest('hex');
}

/** The split furthest below its target share once one more image is added (ties: train, val, test). */
export function pickSplit(counts: Record<Split, number>): Split {
  const total = counts.train + counts.val + counts.test + 1;
  let best: Split = 'train';
  let bestDeficit = -Infinity;
  for (const s of ORDER) {
    const deficit = SPLIT_TARGETS[s] * total - counts[s];
    if (deficit > bestDeficit + 1e-9) {
      best = s;
      bestDeficit = deficit;
    }
  }
  return best;
}

/** Assigns splits to `items` (new images with their class); call inside the transaction that inserts them. */
export function assignSplits(db: Database.Database, items: SplitCandidate[], seed = getSettings(db).splitSeed): Map<number, Split> {
  const out = new Map<number, Split>();
  const byClass = new Map<number, SplitCandidate[]>();
  for (const it of items) {
    const list = byClass.get(it.classId);
    if (list) list.push(it);
    else byClass.set(it.classId, [it]);
  }
  const at = new Date().toISOString();
  for (const [classId, list] of byClass) {
    const counts = splitCountsForClass(db, classId);
    const ranked = list.map((it) => ({ it, rank: seededRank(seed, it.sha256) })).sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    for (const { it } of ranked) {
      const split = pickSplit(counts);
      counts[split] += 1;
      insertSplit(db, it.imageId, split, at);
      out.set(it.imageId, split);
    }
  }
  return out;
}

/** Gives a split to every labeled image that lacks one (images labeled after their import); returns how many. */
export function assignMissingSplits(db: Database.Database): number {
  return writeTx(db, () => {
    const missing = unassignedImages(db);
    if (missing.length) assignSplits(db, missing.map((m) => ({ imageId: m.id, sha256: m.sha256, classId: m.classId })));
    return missing.length;
  });
}
