// Pre-labeling (runs.prelabel, `paddy prelabel`): a completed run predicts every unlabeled image and each gets a
// suggestion — class, confidence, margin, entropy — from that run. Runs in a worker as a job (progress:
// runs.prelabelProgress; Cancel keeps the chunks already stored). Confidence is the run's calibrated probability
// when the calibration work gives the run a temperature, else the softmax (`calibrated` says which).
import type { Emit } from '../../../shared/contract';
import type { PrelabelResult, SkippedFile } from '../../../shared/types';
import type { Library } from '../../library';
import { checkSources } from '../../engine/data/source-check';
import { scoreChunk, type ViewOptions } from '../../engine/inference';
import type { RunClass } from '../../repos/runs.repo';
import { labeledLiveClasses, saveSuggestions, unlabeledImages, type SuggestionRow } from '../../repos/suggestions.repo';
import { loadCompletedRunModel } from '../run-model';
import { requireRun } from '../runs';
import { runTemperature, uncertainty } from './scores';

/** Images scored and stored per chunk: progress moves, and a cancel loses at most one chunk. */
const CHUNK = 256;

export class PrelabelError extends Error {}

/** A run may pre-label only if it knows exactly the library's labeled classes: otherwise its suggestions lie. */
export function checkRunClasses(lib: Library, runId: string, runClasses: readonly RunClass[]): void {
  const library = labeledLiveClasses(lib.db);
  const known = new Set(runClasses.map((c) => c.id));
  const missing = library.filter((c) => !known.has(c.id)).map((c) => c.name);
  const live = new Set(library.map((c) => c.id));
  const extra = runClasses.filter((c) => !live.has(c.id)).map((c) => c.name);
  if (!missing.length && !extra.length) return;
  const parts = [
    missing.length ? `the library has ${missing.join(', ')} which the run never learned` : '',
    extra.length ? `the run predicts ${extra.join(', ')} which the library no longer has (merged or emptied)` : '',
  ].filter(Boolean);
  throw new PrelabelError(`run ${runId} was trained on other classes than the library's: ${parts.join('; ')}. Train a run on the library as it is now.`);
}

export async function prelabelUnlabeled(lib: Library, runId: string, emit: Emit, signal?: AbortSignal): Promise<PrelabelResult> {
  const started = Date.now();
  const run = requireRun(lib, runId);
  if (run.status !== 'completed') throw new PrelabelError(`run ${runId} is ${run.status}: only a completed run can pre-label`);
  const classes = JSON.parse(run.classes) as RunClass[];
  checkRunClasses(lib, runId, classes);
  const pool = unlabeledImages(lib.db);
  if (!pool.length) throw new PrelabelError('no unlabeled images in this library: import some with `paddy import DIR --unlabeled` first');

  // A deleted or changed source file is reported, never scored: its pixels are not the image's any more.
  const { rows, checks } = await checkSources(lib, pool.map((p) => p.imageId), { signal });
  const skipped: SkippedFile[] = [];
  const bad = new Set<number>();
  rows.forEach((r, i) => {
    const c = checks[i]!;
    if (c.state === 'ok') return;
    bad.add(r.id);
    skipped.push({ path: r.sourcePath, reason: c.state === 'missing' ? 'source file is missing (moved or deleted since import)' : 'source file changed since import' });
  });
  const readable = pool.filter((p) => !bad.has(p.imageId));
  if (!readable.length) {
    throw new PrelabelError(`none of the ${pool.length} unlabeled images can be read: ${skipped[0]!.path}: ${skipped[0]!.reason}` +
      (skipped.length > 1 ? ` (and ${skipped.length - 1} more)` : '') + '; relink or remove them (`paddy sources`)');
  }

  const temperature = await runTemperature(lib, runId, signal);
  const { model } = await loadCompletedRunModel(lib, runId, 'only a completed run can pre-label');
  const byClass: Record<string, number> = Object.fromEntries(classes.map((c) => [c.name, 0]));
  let predicted = 0;
  // One feature extractor for all chunks (a run with test-time views extracts eight views of each image).
  const shared: NonNullable<ViewOptions['shared']> = { extractor: null };
  try {
    emit('runs.prelabelProgress', { runId, done: 0, total: readable.length });
    for (let s = 0; s < readable.length; s += CHUNK) {
      if (signal?.aborted) throw new Error('cancelled');
      const chunk = readable.slice(s, s + CHUNK);
      const probs = await scoreChunk(lib, model, chunk, signal, { shared });
      const out: SuggestionRow[] = [];
      chunk.forEach((im, i) => {
        const p = probs[i];
        if (!p) {
          skipped.push({ path: im.sourcePath, reason: 'could not be decoded' });
          return;
        }
        const u = uncertainty(Array.from(p.subarray(0, classes.length)), temperature);
        const cls = classes[u.best]!;
        byClass[cls.name] = (byClass[cls.name] ?? 0) + 1;
        out.push({ imageId: im.imageId, runId, classId: cls.id, confidence: u.confidence, margin: u.margin, entropy: u.entropy, probs: u.probs, calibrated: temperature !== null });
      });
      saveSuggestions(lib.db, out, new Date().toISOString());
      predicted += out.length;
      emit('runs.prelabelProgress', { runId, done: Math.min(s + CHUNK, readable.length), total: readable.length });
    }
  } finally {
    model.dispose();
    await shared.extractor?.dispose();
  }
  emit('library.changed', { reason: 'suggestions' });
  return { runId, predicted, skipped, calibrated: temperature !== null, byClass, seconds: (Date.now() - started) / 1000 };
}
