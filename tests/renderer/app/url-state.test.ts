// The address names the view and Browse's filters: written from the stores as the person works, read back on
// load (a reload), and anything malformed in it dropped rather than sent to the host. Pure store code, no browser
// (the reload itself is in tests/e2e/session-library.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { navigate, useApp } from '../../../src/renderer/src/app/app.store';
import { fromHash, syncUrl, toHash } from '../../../src/renderer/src/app/url-state';
import { replaceFilter, setFilter, setSort, useBrowse } from '../../../src/renderer/src/features/browse/browse.store';

test('a Browse filter round-trips through the address; other views are just their name', () => {
  const state = {
    view: 'browse' as const,
    filter: { classIds: [3, 12], splits: ['test' as const], origins: ['manual' as const], conflictsOnly: true, search: 'a b&c', runId: 'r-1', correctness: 'wrong' as const, confidenceMin: 0.25 },
    sort: 'confidence' as const,
    desc: true,
  };
  const hash = toHash(state);
  assert.match(hash, /^#\/browse\?class=3%2C12&split=test/);
  assert.deepEqual(fromHash(hash), state);
  assert.equal(toHash({ view: 'train', filter: { classIds: [1] }, sort: 'name', desc: false }), '#/train');
  assert.equal(toHash({ view: 'browse', filter: {}, sort: 'name', desc: false }), '#/browse');
  // Every view comes back from its address (the review queue and the map were once dropped on reload).
  for (const view of ['library', 'suspects', 'review', 'map', 'train', 'runs', 'predict'] as const) assert.equal(fromHash(`#/${view}`)?.view, view);
  assert.equal(toHash({ view: 'browse', filter: { imageIds: [1, 2, 3] }, sort: 'name', desc: false }), '#/browse', 'image lists are not written');
});

test('a malformed or hostile address is dropped piece by piece', () => {
  assert.equal(fromHash(''), null);
  assert.equal(fromHash('#/nowhere'), null);
  assert.deepEqual(fromHash('#/browse?class=1,x,-2,3&split=test,prod&origin=folder,evil&sort=drop&cmin=7&pred=1')!, {
    view: 'browse',
    filter: { classIds: [1, 3], splits: ['test'], origins: ['folder'] },
    sort: 'name',
    desc: false,
  });
  assert.deepEqual(fromHash('#/library?class=1')!.filter, {}, 'filters belong to Browse only');
});

test('syncUrl restores the address into the stores, then writes every change back', () => {
  const written: string[] = [];
  const off = syncUrl({ hash: '#/browse?class=5&split=val' }, (h) => written.push(h));
  try {
    assert.equal(useApp.getState().view, 'browse');
    assert.deepEqual(useBrowse.getState().filter, { classIds: [5], splits: ['val'] });
    assert.equal(written.at(-1), '#/browse?class=5&split=val');
    setFilter({ splits: ['test'] });
    assert.equal(written.at(-1), '#/browse?class=5&split=test');
    setSort('date', true);
    assert.equal(written.at(-1), '#/browse?class=5&split=test&sort=date&desc=1');
    navigate('runs');
    assert.equal(written.at(-1), '#/runs');
    const n = written.length;
    navigate('runs');
    assert.equal(written.length, n, 'no write when nothing changed');
  } finally {
    off();
  }
  const count = written.length;
  replaceFilter({});
  navigate('library');
  assert.equal(written.length, count, 'nothing written after unsubscribing');
});
