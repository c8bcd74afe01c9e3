// A label-review scan: cached MobileNetV2 features for every labeled image → k-fold out-of-sample
// probabilities → confident learning (label issues, ranked) + near-duplicates with different labels → the
// ranked queue, saved as the library's latest scan in one transaction.
import type { Emit } from '../../../shared/contract';
import type { Suspect, SuspectScan } from '../../../shared/types';
import type { Library } from '../../library';
import { saveScan, scanClasses, scanImages, settledImageIds, type SuspectRow } from '../../repos/suspects.repo';
import { useBackend } from '../../engine/backends';
import { checkSources } from '../../engine/data/source-check';
import { ensureFeatures } from '../../engine/features/feature-cache';
import type { Alpha } from '../../engine/weights/find';
import { getSettings } from '../settings';
import { rankLabelIssues, type FilterBy, type RankBy } from './confident-learning';
import { outOfSampleProbs, type FitPredict } from './crossval';
import { tfjsHead } from './heads';
import { nearDuplicatePairs } from './near-duplicates';

export interface ScanOptions {
  folds?: number;
  /** How many suspects the result carries (all are saved). */
  top?: number;
  seed?: number;
  alpha?: Alpha;
  weightsDir?: string | null;
  rankBy?: RankBy;
  filterBy?: FilterBy;
  /** Cosine similarity (of mean-centred features) from which two differently labeled images are flagged. */
  duplicateThreshold?: number;
  /** The fold model; the shared tfjs head trainer by default. */
  fitPredict?: FitPredict;
  signal?: AbortSignal;
}

export interface ScanResult extends SuspectScan {
  /** Seconds per phase: features, crossval, scoring, duplicates, save. */
  phases: Record<string, number>;
  /** Row order of `probs`: the scanned image ids. */
  imageIds: number[];
  probs: Float32Array;
  classes: string[];
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

export async function scanSuspects(lib: Library, emit: Emit, opts: ScanOptions = {}): Promise<ScanResult> {
  const started = new Date();
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let mark = t0;
  const lap = (name: string) => {
    const now = performance.now();
    phases[name] = (now - mark) / 1000;
    mark = now;
  };
  const settings = getSettings(lib.db);
  const folds = opts.folds ?? 5;
  const seed = opts.seed ?? 1;

  // Images whose source is missing or changed are not judged: their bytes (and cached features) are not theirs.
  const listed = scanImages(lib.db);
  const sources = await checkSources(lib, listed.map((r) => r.imageId), { signal: opts.signal });
  const bad = new Set(sources.rows.filter((_, i) => sources.checks[i]!.state !== 'ok').map((r) => r.id));
  const images = bad.size ? listed.filter((r) => !bad.has(r.imageId)) : listed;
  const liveClasses = scanClasses(lib.db);
  // Columns: the classes that have labeled images, in the library's class order.
  const used = new Set(images.map((r) => r.classId));
  const classes = liveClasses.filter((c) => used.has(c.id));
  if (classes.length < 2) {
    throw new Error(`a label review needs labeled images in at least 2 classes (this library has ${classes.length})`);
  }
  const column = new Map(classes.map((c, j) => [c.id, j]));
  const k = classes.length;
  const ids = images.map((r) => r.imageId);
  const y = Int32Array.from(images, (r) => column.get(r.classId)!);

  emit('suspects.progress', { phase: 'features', done: 0, total: ids.length });
  await useBackend(settings.backend, 'train-dense');
  const feats = await ensureFeatures(lib, ids, {
    alpha: opts.alpha ?? 1,
    weightsDir: opts.weightsDir ?? settings.weightsDir ?? undefined,
    signal: opts.signal,
    onProgress: (done, total) => emit('suspects.progress', { phase: 'features', done, total }),
  });
  lap('features');

  const probs = await outOfSampleProbs(feats.matrix, feats.dims, y, k, {
    folds,
    seed,
    signal: opts.signal,
    fitPredict: opts.fitPredict ?? tfjsHead(undefined, () => opts.signal?.aborted ?? false),
    onFold: (done, total) => emit('suspects.progress', { phase: 'cross-validation', done, total }),
  });
  if (opts.signal?.aborted) throw new Error('scan cancelled');
  lap('crossval');

  const issues = rankLabelIssues(y, probs, k, { rankBy: opts.rankBy, filterBy: opts.filterBy });
  lap('scoring');

  const pairs = await nearDuplicatePairs(feats.matrix, feats.dims, y, {
    threshold: opts.duplicateThreshold,
    signal: opts.signal,
    onProgress: (done, total) => emit('suspects.progress', { phase: 'near-duplicates', done, total }),
  });
  lap('duplicates');

  // Last checkpoint before anything is stored: a cancelled scan leaves the previous queue as it was.
  if (opts.signal?.aborted) throw new Error('scan cancelled');
  const settled = settledImageIds(lib.db);
  const probsJson = (i: number) =>
    JSON.stringify(Object.fromEntries(classes.map((c, j) => [c.name, round4(probs[i * k + j])])));
  const rows: SuspectRow[] = [];
  const taken = new Set<number>();
  for (const issue of issues) {
    const imageId = ids[issue.index];
    if (settled.has(imageId)) continue;
    taken.add(issue.index);
    rows.push({
      imageId,
      kind: 'label',
      rank: 0,
      labelClassId: classes[issue.given].id,
      suggestedClassId: classes[issue.suggested].id,
      score: issue.score,
      probs: probsJson(issue.index),
      partnerImageId: null,
      similarity: null,
    });
  }
  // Of a near-duplicate pair, the image the model believes less (lower out-of-sample p of its own label) is
  // the suspect, with its twin's label as the suggestion; it is scored like a label issue (1 − p(label)).
  for (const p of pairs) {
    const pa = probs[p.a * k + y[p.a]];
    const pb = probs[p.b * k + y[p.b]];
    const [sus, twin] = pa <= pb ? [p.a, p.b] : [p.b, p.a];
    if (taken.has(sus) || settled.has(ids[sus])) continue;
    taken.add(sus);
    rows.push({
      imageId: ids[sus],
      kind: 'near-duplicate',
      rank: 0,
      labelClassId: classes[y[sus]].id,
      suggestedClassId: classes[y[twin]].id,
      score: 1 - probs[sus * k + y[sus]],
      probs: probsJson(sus),
      partnerImageId: ids[twin],
      similarity: p.similarity,
    });
  }
  rows.sort((a, b) => b.score - a.score || a.imageId - b.imageId);
  rows.forEach((r, i) => (r.rank = i));

  const seconds = (performance.now() - t0) / 1000;
  saveScan(
    lib.db,
    {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      folds,
      extractor: feats.extractorKey,
      scanned: ids.length,
      seconds,
      classes: classes.map((c) => c.name),
    },
    rows,
  );
  lap('save');
  emit('library.changed', { reason: 'suspects.scan' });

  const pathOf = new Map(images.map((r) => [r.imageId, r.path]));
  const nameOf = new Map(classes.map((c) => [c.id, c.name]));
  const suspects: Suspect[] = rows.slice(0, opts.top ?? rows.length).map((r) => ({
    imageId: r.imageId,
    path: pathOf.get(r.imageId)!,
    label: nameOf.get(r.labelClassId)!,
    suggested: nameOf.get(r.suggestedClassId)!,
    score: r.score,
    probabilities: JSON.parse(r.probs) as Record<string, number>,
    kind: r.kind,
  }));
  return { scanned: ids.length, suspects, seconds, phases, imageIds: ids, probs, classes: classes.map((c) => c.name) };
}
