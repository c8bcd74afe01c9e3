// The labeling intents exactly as hotkeys, menus and clicks call them, against the real handlers, services and a
// real SQLite library (in-process PaddyApi: dispatch → handler → service). No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { provideApi } from '../../../src/renderer/src/app/api';
import { refreshLibrary, useApp } from '../../../src/renderer/src/app/app.store';
import { cache, ensurePages, idAt, setFilter, useBrowse } from '../../../src/renderer/src/features/browse/browse.store';
import { assignClassAt, clickImage, moveCursor, redo, relabelSelection, selectAllInFilter, undo } from '../../../src/renderer/src/features/labels/labels.actions';
import { fixtureContext, fixtureLibrary, labelMap } from '../../helpers/fixture-library';
import { dispatchApi } from '../../helpers/studio-api';

test('relabel by number key, undo, redo, range relabel and select-all go through the real label journal', async () => {
  const fx = fixtureLibrary({ perClass: 4, journalFolderLabels: true });
  const ctx = fixtureContext(fx.lib);
  provideApi(dispatchApi(ctx));
  await refreshLibrary();
  const classes = useApp.getState().library!.classes;
  assert.deepEqual(classes.map((c) => c.name), ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag']);
  const basmati = fx.classIds.Basmati;

  setFilter({ classIds: [basmati] });
  await ensurePages([0]);
  assert.equal(useBrowse.getState().total, 4);
  const ids = [0, 1, 2, 3].map((i) => idAt(i)!);

  // "1" on the focused image: Arborio, saved at once, shown in place, cursor moves on
  clickImage(0, { shift: false, toggle: false });
  await assignClassAt(0);
  assert.deepEqual(labelMap(fx.lib.db).get(ids[0]), { classId: fx.classIds.Arborio, origin: 'manual' });
  assert.equal(cache.item(0)?.className, 'Arborio', 'the cell keeps its place and shows the new class');
  assert.equal(useBrowse.getState().selection.focus, 1);
  assert.deepEqual([...useBrowse.getState().selection.ids], [ids[1]]);

  await undo();
  assert.equal(labelMap(fx.lib.db).get(ids[0])?.classId, basmati);
  await redo();
  assert.equal(labelMap(fx.lib.db).get(ids[0])?.classId, fx.classIds.Arborio);
  await undo();
  await ensurePages([0]); // undo refetches the grid
  assert.equal(cache.item(0)?.className, 'Basmati');

  // shift-click range 1..3, then the "Label as" menu
  clickImage(1, { shift: false, toggle: false });
  clickImage(3, { shift: true, toggle: false });
  assert.equal(useBrowse.getState().selection.ids.size, 3);
  await relabelSelection(fx.classIds.Jasmine);
  for (const id of ids.slice(1)) assert.equal(labelMap(fx.lib.db).get(id)?.classId, fx.classIds.Jasmine);
  assert.equal(labelMap(fx.lib.db).get(ids[0])?.classId, basmati);
  assert.equal(useBrowse.getState().selection.ids.size, 3, 'a multi-selection stays selected');
  await undo();
  for (const id of ids.slice(1)) assert.equal(labelMap(fx.lib.db).get(id)?.classId, basmati, 'one undo reverts the whole batch');

  // arrows and select-all in the filter
  await ensurePages([0]);
  clickImage(0, { shift: false, toggle: false });
  moveCursor('ArrowRight', true);
  moveCursor('ArrowRight', true);
  assert.deepEqual([...useBrowse.getState().selection.ids].sort(), ids.slice(0, 3).sort());
  await selectAllInFilter();
  assert.deepEqual([...useBrowse.getState().selection.ids].sort(), [...ids].sort());

  // a class position that does not exist changes nothing
  await assignClassAt(8);
  assert.equal(labelMap(fx.lib.db).get(ids[0])?.classId, basmati);
  fx.lib.close();
});
