// The review queue as the Suspects view uses it, on a real SQLite library with a saved scan: the status tells
// "not scanned yet" from "nothing left", undoing a decision puts its image back (keep, accept and relabel
// alike, a batch accept as a whole), and a batch accept is one label change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { saveScan, type SuspectRow } from '../../../../src/main/repos/suspects.repo';
import { acceptSuspects, decideSuspect, listSuspects, suspectsStatus, undoDecision } from '../../../../src/main/services/suspects/review';
import { setLabels, undo } from '../../../../src/main/services/labels';
import { fixtureLibrary, labelMap } from '../../../helpers/fixture-library';

function scanned() {
  const fx = fixtureLibrary({ classes: ['Arborio', 'Basmati', 'Jasmine'], perClass: 3, journalFolderLabels: true });
  const { Arborio: A, Basmati: B, Jasmine: J } = fx.classIds;
  const label = new Map([...labelMap(fx.lib.db)].map(([id, l]) => [id, l.classId]));
  // Every Arborio image suspected of being Basmati, one Jasmine suspected of being Arborio.
  const arborio = fx.imageIds.filter((id) => label.get(id) === A);
  const jasmine = fx.imageIds.filter((id) => label.get(id) === J);
  const rows: SuspectRow[] = [...arborio.map((id) => [id, A, B] as const), [jasmine[0]!, J, A] as const].map(([imageId, l, s], rank) => ({
    imageId, kind: 'label', rank, labelClassId: l, suggestedClassId: s, score: 1 - rank / 10, probs: '{}', partnerImageId: null, similarity: null,
  }));
  return { fx, A, B, J, arborio, jasmine, rows };
}

test('status: no scan → scan null; after a scan, open and decided counts follow the decisions', () => {
  const { fx, rows } = scanned();
  assert.deepEqual(suspectsStatus(fx.lib.db), { scan: null, open: 0, decided: 0 });
  saveScan(fx.lib.db, { startedAt: 't0', finishedAt: '2026-02-01T00:00:00Z', folds: 3, extractor: 'x', scanned: 9, seconds: 2, classes: [] }, rows);
  assert.deepEqual(suspectsStatus(fx.lib.db), { scan: { finishedAt: '2026-02-01T00:00:00Z', scanned: 9, seconds: 2 }, open: 4, decided: 0 });
  decideSuspect(fx.lib.db, null, { imageId: rows[0]!.imageId, decision: 'keep' });
  assert.deepEqual({ ...suspectsStatus(fx.lib.db), scan: null }, { scan: null, open: 3, decided: 1 });
  fx.lib.close();
});

test('undo puts the latest decision back in the queue: keep, accept, relabel, newest first', () => {
  const { fx, A, B, J, arborio, jasmine, rows } = scanned();
  saveScan(fx.lib.db, { startedAt: 't0', finishedAt: 't1', folds: 3, extractor: 'x', scanned: 9, seconds: 2, classes: [] }, rows);
  const before = labelMap(fx.lib.db);
  assert.deepEqual(undoDecision(fx.lib.db, null), { imageIds: [], decision: null, changed: 0 }, 'nothing decided yet');
  decideSuspect(fx.lib.db, null, { imageId: arborio[0]!, decision: 'accept' });
  decideSuspect(fx.lib.db, null, { imageId: arborio[1]!, decision: 'keep' });
  decideSuspect(fx.lib.db, null, { imageId: jasmine[0]!, decision: 'relabel', classId: B });
  assert.deepEqual(listSuspects(fx.lib.db).map((s) => s.imageId), [arborio[2]!]);

  assert.deepEqual(undoDecision(fx.lib.db, null), { imageIds: [jasmine[0]!], decision: 'relabel', changed: 1 });
  assert.equal(labelMap(fx.lib.db).get(jasmine[0]!)?.classId, J);
  assert.deepEqual(undoDecision(fx.lib.db, null), { imageIds: [arborio[1]!], decision: 'keep', changed: 0 });
  assert.deepEqual(undoDecision(fx.lib.db, null), { imageIds: [arborio[0]!], decision: 'accept', changed: 1 });
  assert.deepEqual(listSuspects(fx.lib.db).map((s) => s.imageId), rows.map((r) => r.imageId), 'the whole queue again, in rank order');
  assert.deepEqual(labelMap(fx.lib.db), before, 'labels as before the decisions');
  assert.equal(labelMap(fx.lib.db).get(arborio[0]!)?.classId, A);
  fx.lib.close();
});

test('a decision whose label change was undone elsewhere (Ctrl+Z in Browse) just reopens; one followed by other changes is refused', () => {
  const { fx, A, J, arborio, rows } = scanned();
  saveScan(fx.lib.db, { startedAt: 't0', finishedAt: 't1', folds: 3, extractor: 'x', scanned: 9, seconds: 2, classes: [] }, rows);
  decideSuspect(fx.lib.db, null, { imageId: arborio[0]!, decision: 'accept' });
  undo(fx.lib.db);
  assert.deepEqual(undoDecision(fx.lib.db, null), { imageIds: [arborio[0]!], decision: 'accept', changed: 0 });
  assert.equal(labelMap(fx.lib.db).get(arborio[0]!)?.classId, A);

  decideSuspect(fx.lib.db, null, { imageId: arborio[1]!, decision: 'accept' });
  setLabels(fx.lib.db, [arborio[2]!], J, 'manual');
  assert.throws(() => undoDecision(fx.lib.db, null), /label changes made after it/);
  fx.lib.close();
});

test('batch accept: one label change for the shown pair; undo takes it back as a whole; mixed suggestions are refused', () => {
  const { fx, B, arborio, jasmine, rows } = scanned();
  saveScan(fx.lib.db, { startedAt: 't0', finishedAt: 't1', folds: 3, extractor: 'x', scanned: 9, seconds: 2, classes: [] }, rows);
  assert.throws(() => acceptSuspects(fx.lib.db, null, [arborio[0]!, jasmine[0]!]), /one suggested class/);
  const res = acceptSuspects(fx.lib.db, null, arborio);
  assert.equal(res.changed, 3);
  assert.ok(res.batchId !== null);
  const labels = labelMap(fx.lib.db);
  for (const id of arborio) assert.deepEqual(labels.get(id), { classId: B, origin: 'suggestion' });
  assert.deepEqual(listSuspects(fx.lib.db).map((s) => s.imageId), [jasmine[0]!]);
  assert.deepEqual(suspectsStatus(fx.lib.db).decided, 3);
  const back = undoDecision(fx.lib.db, null);
  assert.deepEqual([back.imageIds.sort((a, b) => a - b), back.decision, back.changed], [[...arborio].sort((a, b) => a - b), 'accept', 3]);
  assert.equal(listSuspects(fx.lib.db).length, 4);
  assert.throws(() => acceptSuspects(fx.lib.db, null, [99999]), /not in the review queue/);
  fx.lib.close();
});
