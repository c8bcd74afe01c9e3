// Images per class and per split, read from the library (labels decide the class, `splits` the split).
import type Database from 'better-sqlite3';
import type { ClassInfo, Split, Stats } from '../../shared/types';
import type { Library } from '../library';
import { classSplitCounts, countUnlabeled } from '../repos/splits.repo';

/** Every class with its image count and per-split counts, in class order. */
export function classInfos(db: Database.Database): ClassInfo[] {
  const byId = new Map<number, ClassInfo>();
  for (const r of classSplitCounts(db)) {
    let c = byId.get(r.classId);
    if (!c) {
      c = { id: r.classId, name: r.name, count: 0, perSplit: { train: 0, val: 0, test: 0 } };
      byId.set(r.classId, c);
    }
    c.count += r.n;
    if (r.split) c.perSplit[r.split] += r.n;
  }
  return [...byId.values()];
}

/** Images per class name (the `classes` field of an import report). */
export function classCounts(db: Database.Database): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of classInfos(db)) out[c.name] = c.count;
  return out;
}

export function stats(lib: Library): Stats {
  const classes = classInfos(lib.db);
  const splits: Record<Split, number> = { train: 0, val: 0, test: 0 };
  let labeled = 0;
  for (const c of classes) {
    labeled += c.count;
    for (const s of ['train', 'val', 'test'] as const) splits[s] += c.perSplit[s];
  }
  const unlabeled = countUnlabeled(lib.db);
  return {
    total: labeled + unlabeled,
    classes: classes.map((c) => ({ name: c.name, total: c.count, ...c.perSplit })),
    splits,
    unlabeled,
  };
}
