// The review queue: list the latest scan's open suspects, record decisions on them and take the latest one
// back. A decision that changes a label goes through setLabels, so it is one journaled batch that labels.undo
// reverts; the review row (with its order, `seq`) is written in the same transaction.
import type Database from 'better-sqlite3';
import type { Emit } from '../../../shared/contract';
import type { LabelChangeResult, Suspect, SuspectsStatus, SuspectUndoResult } from '../../../shared/types';
import { journalBatchRows, newestUndoableBatch } from '../../repos/labels.repo';
import { writeTx } from '../../repos/statements';
import {
  deleteReviews, labelClassOf, latestReviews, latestScan, nextReviewSeq, openSuspects, recordReview, scanState, suspectOf, type Decision,
} from '../../repos/suspects.repo';
import { setLabels, undo } from '../labels';

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

/** "Not scanned yet" (scan null) is not "nothing to review": the view says which. */
export function suspectsStatus(db: Database.Database): SuspectsStatus {
  const { scan, decided } = scanState(db);
  return { scan, open: scan ? listSuspects(db).length : 0, decided };
}

export interface DecideInput {
  imageId: number;
  decision: Decision;
  classId?: number;
}

function requireOpen(db: Database.Database, imageId: number) {
  const scan = latestScan(db);
  const suspect = scan ? suspectOf(db, scan.id, imageId) : null;
  if (!suspect) throw new ReviewError(`image ${imageId} is not in the review queue (run a label review scan first)`);
  return suspect;
}

export function decideSuspect(db: Database.Database, emit: Emit | null, input: DecideInput): LabelChangeResult {
  const result = writeTx(db, (): LabelChangeResult => {
    const suspect = requireOpen(db, input.imageId);
    const before = labelClassOf(db, input.imageId);
    let change: LabelChangeResult = { batchId: null, changed: 0 };
    if (input.decision === 'accept') change = setLabels(db, [input.imageId], suspect.suggestedClassId, 'suggestion');
    else if (input.decision === 'relabel') {
      if (input.classId === undefined) throw new ReviewError(`relabel of image ${input.imageId} needs a classId`);
      change = setLabels(db, [input.imageId], input.classId, 'manual');
    } else if (input.classId !== undefined) {
      throw new ReviewError(`keep of image ${input.imageId} takes no classId (use relabel to pick a class)`);
    }
    recordReview(db, input.imageId, input.decision, before, labelClassOf(db, input.imageId), change.batchId, nextReviewSeq(db));
    return change;
  });
  emit?.('library.changed', { reason: `suspects.decide:${input.decision}` });
  return result;
}

/**
 * Accepts the suggestion for several suspects at once (the view's "accept all shown" under a class-pair
 * filter): one label batch, one decision. They must share their suggested class, so one undo takes it back.
 */
export function acceptSuspects(db: Database.Database, emit: Emit | null, imageIds: readonly number[]): LabelChangeResult {
  const ids = [...new Set(imageIds)];
  const result = writeTx(db, (): LabelChangeResult => {
    const suspects = ids.map((id) => requireOpen(db, id));
    const suggested = new Set(suspects.map((s) => s.suggestedClassId));
    if (suggested.size !== 1) throw new ReviewError(`a batch accept needs suspects with one suggested class (these have ${suggested.size})`);
    const before = new Map(ids.map((id) => [id, labelClassOf(db, id)]));
    const change = setLabels(db, ids, [...suggested][0]!, 'suggestion');
    const seq = nextReviewSeq(db);
    for (const id of ids) recordReview(db, id, 'accept', before.get(id) ?? null, labelClassOf(db, id), change.batchId, seq);
    return change;
  });
  emit?.('library.changed', { reason: 'suspects.decide:accept' });
  return result;
}

/**
 * Takes back the latest decision: its review rows go, so its images are open again, and the label change it
 * made (if still applied) is undone through the journal. A label change the user already undid elsewhere
 * needs nothing more; one with newer label changes on top cannot be undone out of order.
 */
export function undoDecision(db: Database.Database, emit: Emit | null): SuspectUndoResult {
  const result = writeTx(db, (): SuspectUndoResult => {
    const rows = latestReviews(db);
    if (!rows.length) return { imageIds: [], decision: null, changed: 0 };
    const batchId = rows[0]!.batchId;
    let changed = 0;
    if (batchId !== null && journalBatchRows(db, batchId)[0]?.state === 'done') {
      if (newestUndoableBatch(db) !== batchId) {
        throw new ReviewError('this decision has label changes made after it: undo those first (Ctrl+Z in Browse)');
      }
      changed = undo(db).changed;
    }
    deleteReviews(db, rows.map((r) => r.imageId));
    return { imageIds: rows.map((r) => r.imageId), decision: rows[0]!.decision, changed };
  });
  if (result.imageIds.length) emit?.('library.changed', { reason: `suspects.undo:${result.decision}` });
  return result;
}
