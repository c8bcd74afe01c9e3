// Which images a run trains, validates and tests on: every labeled image with a split whose source file is
// still the imported bytes (optionally capped per class, seeded), its classes in library order, and a hash
// that identifies exactly that set. Images whose source is missing or changed are left out and counted.
import type Database from 'better-sqlite3';
import crypto from 'node:crypto';
import type { Split } from '../../shared/types';
import type { Library } from '../library';
import { allClasses, trainableImages, type RunClass, type TrainableImage } from '../repos/runs.repo';
import { checkSources } from './data/source-check';
import { rng, shuffled } from './random';

export interface Snapshot {
  classes: RunClass[];
  /** class id → index into `classes` (the model's output order). */
  index: Map<number, number>;
  images: TrainableImage[];
  bySplit: Record<Split, TrainableImage[]>;
  hash: string;
  /** Labeled images with a split left out because their source file is missing or changed. */
  excluded: number;
}

/** `exclude`: image ids to leave out (sources found missing or changed), counted in `excluded`. */
export function takeSnapshot(db: Database.Database, opts: { maxPerClass?: number; seed: number; exclude?: ReadonlySet<number> }): Snapshot {
  let images = trainableImages(db);
  const before = images.length;
  if (opts.exclude?.size) images = images.filter((im) => !opts.exclude!.has(im.imageId));
  const excluded = before - images.length;
  if (opts.maxPerClass) {
    // Cap each class *within each split*, so a small experiment still has val and test images.
    const groups = new Map<string, TrainableImage[]>();
    for (const im of images) {
      const k = `${im.classId}|${im.split}`;
      (groups.get(k) ?? groups.set(k, []).get(k)!).push(im);
    }
    const rand = rng(opts.seed);
    const kept: TrainableImage[] = [];
    for (const [k, list] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const split = k.split('|')[1] as Split;
      const cap = split === 'train' ? opts.maxPerClass : Math.max(1, Math.round(opts.maxPerClass * 0.25));
      kept.push(...shuffled(list, rand).slice(0, cap));
    }
    images = kept.sort((a, b) => a.imageId - b.imageId);
  }
  const used = new Set(images.map((i) => i.classId));
  const classes = allClasses(db).filter((c) => used.has(c.id));
  const index = new Map(classes.map((c, i) => [c.id, i]));
  const bySplit: Record<Split, TrainableImage[]> = { train: [], val: [], test: [] };
  for (const im of images) bySplit[im.split].push(im);
  const h = crypto.createHash('sha256');
  for (const im of images) h.update(`${im.imageId}:${im.sha256}:${im.classId}:${im.split}\n`);
  return { classes, index, images, bySplit, hash: h.digest('hex'), excluded };
}

/** takeSnapshot after checking every trainable image's source (recording what was found). */
export async function takeCheckedSnapshot(lib: Library, opts: { maxPerClass?: number; seed: number; signal?: AbortSignal }): Promise<Snapshot> {
  const { rows, checks } = await checkSources(lib, trainableImages(lib.db).map((im) => im.imageId), { signal: opts.signal });
  const exclude = new Set(rows.filter((_, i) => checks[i]!.state !== 'ok').map((r) => r.id));
  return takeSnapshot(lib.db, { ...opts, exclude });
}

/** Refuse to start a run that cannot mean anything, naming what is missing. */
export function checkSnapshot(s: Snapshot): void {
  if (s.images.length === 0) throw new Error('no labeled images with a split in this library: import a folder first');
  if (s.classes.length < 2) throw new Error(`need at least 2 classes with labeled images to train (found ${s.classes.length})`);
  if (s.bySplit.train.length === 0) throw new Error('the train split is empty');
  if (s.bySplit.test.length === 0) throw new Error('the test split is empty');
}
