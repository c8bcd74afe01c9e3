// Accepting suggestions as labels: one image (`A`), a selection, or every suggestion at or above a confidence
// threshold. One label-journal batch per accept with origin 'suggestion', so undo takes the whole accept back
// like any other label change; the newly labeled images then get their splits (label-splits.ts).
import type { Emit } from '../../../shared/contract';
import type { AcceptPreview, AcceptResult } from '../../../shared/types';
import type { Library } from '../../library';
import { getCalibration } from '../../repos/calibration.repo';
import { discardUndoneBatches, insertJournalRow, nextJournalBatch, writeLabel } from '../../repos/labels.repo';
import { getRunRow, type RunClass } from '../../repos/runs.repo';
import { writeTx } from '../../repos/statements';
import {
  countUnlabeledImages,
  suggestionCounts,
  suggestionsAtLeast,
  suggestionsOf,
  validationPredictions,
  type PoolRow,
} from '../../repos/suggestions.repo';
import { requireLiveClass } from '../labels';
import { assignLabeledSplits } from './label-splits';
import { errorRateAtThreshold } from './scores';

export class AcceptError extends Error {}

/** The threshold the studio and `paddy prelabel` start from (BENCHMARKS.md "Active learning" measures it). */
export const DEFAULT_ACCEPT_THRESHOLD = 0.95;

/** How many suggestions reach `threshold` and, from the run's validation images, the error rate expected there. */
export function previewAccept(lib: Library, threshold: number): AcceptPreview {
  const { suggested, runId } = suggestionCounts(lib.db);
  const count = suggestionsAtLeast(lib.db, threshold).length;
  const base = { runId, threshold, count, unlabeled: countUnlabeledImages(lib.db), suggested };
  const run = runId ? getRunRow(lib.db, runId) : undefined;
  if (!run) return { ...base, expectedErrorRate: null, valCount: 0 };
  const index = new Map((JSON.parse(run.classes) as RunClass[]).map((c, i) => [c.id, i]));
  const rows = validationPredictions(lib.db, run.id)
    .filter((r) => index.has(r.trueClassId))
    .map((r) => ({ probs: r.probs, truth: index.get(r.trueClassId)! }));
  // The suggestions' confidences were calibrated with the run's stored temperature, if it had one: the same here.
  const { rate, n } = errorRateAtThreshold(rows, threshold, getCalibration(lib.db, run.id)?.temperature ?? null);
  return { ...base, expectedErrorRate: rate, valCount: n };
}

export async function acceptSuggestions(
  lib: Library,
  which: { imageIds?: readonly number[]; minConfidence?: number },
  emit?: Emit,
): Promise<AcceptResult> {
  if ((which.imageIds === undefined) === (which.minConfidence === undefined)) {
    throw new AcceptError('accept: give either imageIds or minConfidence');
  }
  let rows: PoolRow[];
  if (which.imageIds) {
    const ids = [...new Set(which.imageIds)];
    rows = suggestionsOf(lib.db, ids);
    const have = new Set(rows.map((r) => r.imageId));
    const without = ids.filter((id) => !have.has(id));
    if (without.length) {
      const shown = without.slice(0, 5).join(', ') + (without.length > 5 ? ` and ${without.length - 5} more` : '');
      throw new AcceptError(`no suggestion to accept for image ${shown}: it is labeled already or was never pre-labeled`);
    }
  } else rows = suggestionsAtLeast(lib.db, which.minConfidence!);
  if (!rows.length) return { batchId: null, changed: 0, splitsAssigned: 0, nearDuplicateSplits: 0 };
  const batchId = writeTx(lib.db, () => {
    for (const cls of new Set(rows.map((r) => r.classId))) requireLiveClass(lib.db, cls);
    discardUndoneBatches(lib.db);
    const batch = nextJournalBatch(lib.db);
    const at = new Date().toISOString();
    for (const r of rows) {
      writeLabel(lib.db, r.imageId, r.classId, 'suggestion', at);
      insertJournalRow(lib.db, batch, r.imageId, null, r.classId, 'suggestion', at);
    }
    return batch;
  });
  const splits = await assignLabeledSplits(lib, rows.map((r) => r.imageId));
  emit?.('library.changed', { reason: 'labels' });
  return { batchId, changed: rows.length, splitsAssigned: splits.assigned, nearDuplicateSplits: splits.nearDuplicates };
}
