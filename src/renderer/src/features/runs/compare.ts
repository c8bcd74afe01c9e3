// Pure helpers of the runs and compare views.
import type { ClassInfo, CompareResult, ImageFilter, RunSummary } from '../../../../shared/types';

/**
 * The Browse filter behind a confusion-matrix cell: the run's test predictions whose true class is row `t` and
 * predicted class is column `p`. Run metrics name classes as they were called then; `classIds` (the run's class
 * ids in the same order) keep a renamed class found. Without them (an older host), classes are looked up by name.
 */
export function confusionCellFilter(runId: string, classes: string[], t: number, p: number, library: ClassInfo[], classIds?: number[]): ImageFilter {
  const idOf = (i: number) => (classIds ? library.find((c) => c.id === classIds[i])?.id : library.find((c) => c.name === classes[i])?.id);
  const trueId = idOf(t);
  const predId = idOf(p);
  if (trueId === undefined || predId === undefined) throw new Error(`class "${trueId === undefined ? classes[t] : classes[p]}" is no longer in the library`);
  // The matrix counts the test split only; since every image now has the run's prediction, say so in the filter.
  return { runId, classIds: [trueId], predictedClassIds: [predId], splits: ['test'] };
}

/** The chip naming a confusion cell's images in Browse, with the classes' current names. */
export function confusionCellLabel(filter: ImageFilter, library: ClassInfo[]): string {
  const name = (id: number | undefined) => library.find((c) => c.id === id)?.name ?? '?';
  const t = filter.classIds?.[0];
  const p = filter.predictedClassIds?.[0];
  return `${name(t)} ${t === p ? 'predicted right' : `predicted as ${name(p)}`} · ${filter.runId}`;
}

/** Picking runs to compare: at most two, the oldest pick drops out when a third is added. */
export function togglePick(picked: string[], runId: string): string[] {
  if (picked.includes(runId)) return picked.filter((r) => r !== runId);
  return [...picked, runId].slice(-2);
}

/** A one-line description of a run's configuration for tables. */
export function configSummary(run: RunSummary): string {
  const c = run.config as unknown as Record<string, unknown>;
  const parts: string[] = [];
  if (run.model === 'cnn') parts.push(`${c.imageSize}px`, `conv ${(c.filters as number[] | undefined)?.join('/') ?? '?'}`);
  else parts.push(`α ${c.alpha}`, `fine-tune ${c.fineTuneBlocks}`);
  parts.push(`${c.epochs} ep`, `bs ${c.batchSize}`, `lr ${c.learningRate}`);
  if (c.maxPerClass) parts.push(`≤${c.maxPerClass}/class`);
  if (c.testViews) parts.push('8 views');
  if (c.shapeFeatures && !(run.model === 'mobilenetv2' && c.fineTuneBlocks)) parts.push('+ shape');
  return parts.join(' · ');
}

export function modelLabel(model: string): string {
  return model === 'cnn' ? 'Custom CNN' : model === 'mobilenetv2' ? 'MobileNetV2' : model;
}

/** The compare view's per-class rows: test images of the class and how many each run got right (recall × n). */
export function perClassRows(c: CompareResult): Array<{ name: string; support: number; rightA: number; rightB: number; f1A: number; f1B: number }> {
  return c.classes.flatMap((name) => {
    const m = c.perClass[name];
    if (!m) return [];
    return [{ name, support: m.a.support, rightA: Math.round(m.a.recall * m.a.support), rightB: Math.round(m.b.recall * m.b.support), f1A: m.a.f1, f1B: m.b.f1 }];
  });
}

/** How a run is called in tables and pickers: its name when it has one, else model and id. */
export function runTitle(run: Pick<RunSummary, 'id' | 'model' | 'name'>): string {
  return run.name ? run.name : `${modelLabel(run.model)} · ${run.id}`;
}
