// The Suspects view's intents against the real handlers and a real SQLite library with a saved scan: the
// position text, "not scanned yet" before any scan, the visible result of each decision, undo putting the
// image back under the cursor, the class-pair filter and a batch accept of the shown pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { saveScan, type SuspectRow } from '../../../../src/main/repos/suspects.repo';
import { provideApi } from '../../../../src/renderer/src/app/api';
import { useApp } from '../../../../src/renderer/src/app/app.store';
import {
  acceptShown, acceptSuggestion, keepLabel, moveSuspect, setPairFilter, undoDecision,
} from '../../../../src/renderer/src/features/suspects/suspects.actions';
import { loadSuspects, positionText, shownSuspects, suspectPairs, useSuspects } from '../../../../src/renderer/src/features/suspects/suspects.store';
import { fixtureContext, fixtureLibrary, labelMap } from '../../../helpers/fixture-library';
import { dispatchApi } from '../../../helpers/studio-api';

const realApi = (ctx: ReturnType<typeof fixtureContext>): void => provideApi(dispatchApi(ctx));

const view = () => {
  const s = useSuspects.getState();
  const shown = shownSuspects(s.list, s.pair);
  return { position: positionText(s.cursor, shown.length), current: shown[s.cursor]?.imageId, result: s.lastResult?.text ?? null };
};

test('Suspects: not scanned yet, position, result after each decision, undo brings it back, pair filter, batch accept', async () => {
  const fx = fixtureLibrary({ classes: ['Arborio', 'Basmati', 'Jasmine'], perClass: 3, journalFolderLabels: true });
  const ctx = fixtureContext(fx.lib);
  realApi(ctx);
  useSuspects.setState({ list: null, status: null, cursor: 0, pair: null, lastResult: null, error: null });
  await loadSuspects();
  assert.equal(useSuspects.getState().status?.scan, null, 'no scan yet: the view says "not scanned yet"');

  const { Arborio: A, Basmati: B, Jasmine: J } = fx.classIds;
  const label = new Map([...labelMap(fx.lib.db)].map(([id, l]) => [id, l.classId]));
  const arborio = fx.imageIds.filter((id) => label.get(id) === A);
  const jasmine = fx.imageIds.filter((id) => label.get(id) === J);
  const rows: SuspectRow[] = [[jasmine[0]!, J, A] as const, ...arborio.map((id) => [id, A, B] as const)].map(([imageId, l, s], rank) => ({
    imageId, kind: 'label', rank, labelClassId: l, suggestedClassId: s, score: 1 - rank / 10, probs: '{}', partnerImageId: null, similarity: null,
  }));
  saveScan(fx.lib.db, { startedAt: 't0', finishedAt: 't1', folds: 3, extractor: 'x', scanned: 9, seconds: 1, classes: [] }, rows);
  useApp.setState({ library: { classes: [{ id: A, name: 'Arborio' }, { id: B, name: 'Basmati' }, { id: J, name: 'Jasmine' }] } as never });
  await loadSuspects();
  assert.notEqual(useSuspects.getState().status?.scan, null);
  assert.deepEqual(view(), { position: '1 of 4', current: jasmine[0], result: null });
  moveSuspect(1);
  assert.equal(view().position, '2 of 4');

  await acceptSuggestion();
  assert.deepEqual(view().position, '2 of 3', 'the next suspect moves under the cursor');
  assert.match(view().result!, /: Arborio → Basmati$/);
  assert.equal(labelMap(fx.lib.db).get(arborio[0]!)?.classId, B);
  await keepLabel();
  assert.match(view().result!, /^Kept .* as Arborio$/);
  assert.equal(useSuspects.getState().status?.decided, 2);

  await undoDecision();
  assert.deepEqual(view(), { position: '2 of 3', current: arborio[1], result: 'Undid the keep of 1 image: back in the queue' });
  await undoDecision();
  assert.deepEqual(view(), { position: '2 of 4', current: arborio[0], result: 'Undid the accept of 1 image: back in the queue' });
  assert.equal(labelMap(fx.lib.db).get(arborio[0]!)?.classId, A, 'the label is put back too');

  assert.deepEqual(suspectPairs(useSuspects.getState().list), [{ pair: 'Arborio → Basmati', count: 3 }, { pair: 'Jasmine → Arborio', count: 1 }]);
  setPairFilter('Arborio → Basmati');
  assert.deepEqual(view().position, '1 of 3');
  await acceptShown();
  assert.equal(view().result, 'Accepted 3 suggestions: Arborio → Basmati');
  assert.deepEqual(shownSuspects(useSuspects.getState().list, useSuspects.getState().pair).map((s) => s.imageId), [jasmine[0]]);
  for (const id of arborio) assert.equal(labelMap(fx.lib.db).get(id)?.classId, B);
  await undoDecision();
  assert.equal(useSuspects.getState().list?.length, 4, 'the whole batch comes back');
  fx.lib.close();
});
