// Pure helpers of the runs and compare views.
import type { ClassInfo, ImageFilter, RunSummary } from '../../../../shared/types';

/**
 * The Browse filter behind a confusion-matrix cell: the run's test predictions whose true class is row `t` and
 * predicted class is column `p`. Run metrics name classes; the filter needs ids, looked up by name.
 */
export function confusionCellFilter(runId: string, classes: string[], t: number, p: number, library: ClassInfo[]): ImageFilter {
  const idOf = (name: string) => library.find((c) => c.name === name)?.id;
  const trueId = idOf(classes[t]);
  const predId = idOf(classes[p]);
  if (trueId === undefined || predId === undefined) throw new Error(`class "${trueId === undefined ? classes[t] : classes[p]}" is no longer in the library`);
  return { runId, classIds: [trueId], predictedClassIds: [predId] };
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
  return parts.join(' · ');
}

export function modelLabel(model: string): string {
  return model === 'cnn' ? 'Custom CNN' : model === 'mobilenetv2' ? 'MobileNetV2' : model;
}
