// The review queue: list the latest scan's open suspects and record decisions on them. A decision that
// changes a label goes through setLabels, so it is one journaled batch that labels.undo reverts; the review
// row is written in the same transaction.
import type Database from 'better-sqlite3';
import type { Emit } from '../../../shared/contract';
import type { LabelChangeResult, Suspect } from '../../../shared/types';
import { writeTx } from '../../repos/statements';
import { labelClassOf, latestScan, openSuspects, recordReview, suspectOf, type Decision } from '../../repos/suspects.repo';
import { setLabels } from '../labels';

export class ReviewError extends Error {}

/**
 * The open queue, best first: suspects of the latest scan whose label is still the one the scan judged and
 * that no review has settled. Undoing an accepted suggestion brings the image back (its label is the judged
 * one again and no longer the one the review left).
 */
export function listSuspects(db: Database.Database): Suspect[] {
  const scan = latestScan(db);
  if (!scan) return [];
  return openSuspects(db, scan.id).map((r) => ({
    imageId: r.imageId,
    path: r.path,
    label: r.label,
    suggested: r.suggested,
    score: r.score,
    probabilities: JSON.parse(r.probs) as Record<string, number>,
    kind: r.kind,
  }));
}

export interface DecideInput {
  imageId: number;
  decision: Decision;
  classId?: number;
}

export function decideSuspect(db: Database.Database, emit: Emit | null, input: DecideInput): LabelChangeResult {
  const result = writeTx(db, (): LabelChangeResult => {
    const scan = latestScan(db);
    const suspect = scan ? suspectOf(db, scan.id, input.imageId) : null;
    if (!suspect) throw new ReviewError(`image ${input.imageId} is not in the review queue (run a label review scan first)`);
    const before = labelClassOf(db, input.imageId);
    let change: LabelChangeResult = { batchId: null, changed: 0 };
    if (input.decision === 'accept') change = setLabels(db, [input.imageId], suspect.suggestedClassId, 'suggestion');
    else if (input.decision === 'relabel') {
      if (input.classId === undefined) throw new ReviewError(`relabel of image ${input.imageId} needs a classId`);
      change = setLabels(db, [input.imageId], input.classId, 'manual');
    } else if (input.classId !== undefined) {
      throw new ReviewError(`keep of image ${input.imageId} takes no classId (use relabel to pick a class)`);
    }
    recordReview(db, input.imageId, input.decision, before, labelClassOf(db, input.imageId), change.batchId);
    return change;
  });
  emit?.('library.changed', { reason: `suspects.decide:${input.decision}` });
  return result;
}
