import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellPosition, gridGeometry, moveIndex, pagesFor, scrollToReveal, totalHeight, visibleRange } from '../../../../src/renderer/src/features/browse/grid-math';
import { PageCache } from '../../../../src/renderer/src/features/browse/page-cache';

test('grid geometry fits whole cells into the width and never fewer than one column', () => {
  // 16px padding each side, 148px cells, 8px gap: (1000 - 32 + 8) / 156 = 6.25 → 6 columns
  assert.equal(gridGeometry(1000, 148, 8, 16).columns, 6);
  assert.equal(gridGeometry(50, 148, 8, 16).columns, 1);
  const g = gridGeometry(1000, 148, 8, 16);
  assert.equal(totalHeight(g, 0), 0);
  assert.equal(totalHeight(g, 7), 2 * 156 - 8 + 32);
  // 40 px left over are split either side of the columns
  assert.deepEqual(cellPosition(g, 7), { x: 16 + 20 + 156, y: 16 + 156 });
  assert.equal(gridGeometry(16 * 2 + 156 * 3 - 8, 148, 8, 16).left, 16, 'an exact fit starts at the padding');
});

test('only the visible rows plus overscan are rendered, even at 75,000 images', () => {
  const g = gridGeometry(1000, 148, 8, 16);
  const total = 75_000;
  const r = visibleRange(g, 500_000, 800, total, 2);
  const rows = (r.end - r.start) / g.columns;
  assert.ok(rows <= Math.ceil(800 / 156) + 1 + 4, `rendered ${rows} rows`);
  assert.ok(r.start <= Math.floor((500_000 - 16) / 156) * 6, 'starts at or above the first visible row');
  // the bottom of the list clamps to the total
  const end = visibleRange(g, totalHeight(g, total) - 800, 800, total, 2);
  assert.equal(end.end, total);
  assert.deepEqual(visibleRange(g, 0, 800, 0, 2), { start: 0, end: 0 });
  assert.deepEqual(pagesFor({ start: 190, end: 410 }, 200), [0, 1, 2]);
  assert.deepEqual(pagesFor({ start: 0, end: 0 }, 200), []);
});

test('arrow keys move within the grid and clamp at its edges', () => {
  assert.equal(moveIndex(0, 'ArrowLeft', 6, 20), 0);
  assert.equal(moveIndex(5, 'ArrowRight', 6, 20), 6);
  assert.equal(moveIndex(19, 'ArrowRight', 6, 20), 19);
  assert.equal(moveIndex(3, 'ArrowUp', 6, 20), 3);
  assert.equal(moveIndex(9, 'ArrowUp', 6, 20), 3);
  assert.equal(moveIndex(15, 'ArrowDown', 6, 20), 15, 'no cell below in the last partial row');
  assert.equal(moveIndex(13, 'ArrowDown', 6, 20), 19);
  assert.equal(moveIndex(7, 'End', 6, 20), 19);
  assert.equal(moveIndex(7, 'PageDown', 6, 100, 3), 25);
});

test('scrolling reveals the focused cell only when it is out of view', () => {
  const g = gridGeometry(1000, 148, 8, 16);
  assert.equal(scrollToReveal(g, 0, 0, 800), null);
  const below = scrollToReveal(g, 60, 0, 800); // row 10
  assert.ok(below !== null && below > 0);
  assert.equal(scrollToReveal(g, 0, 5000, 800), 0);
});

test('the page cache evicts least recently used pages and patches items in place', () => {
  const c = new PageCache<{ id: number; cls: string }>(10, 2);
  assert.deepEqual(c.claimMissing([0, 1]), [0, 1]);
  assert.deepEqual(c.claimMissing([0, 1]), [], 'in-flight pages are not asked for twice');
  c.set(0, Array.from({ length: 10 }, (_, i) => ({ id: i, cls: 'a' })));
  c.set(1, Array.from({ length: 10 }, (_, i) => ({ id: 10 + i, cls: 'a' })));
  assert.equal(c.item(13)?.id, 13);
  c.claimMissing([0]); // touch page 0 so page 1 is the oldest
  c.set(2, [{ id: 20, cls: 'a' }]);
  assert.equal(c.has(1), false);
  assert.equal(c.has(0), true);
  assert.equal(c.update((x) => x.id === 3 || x.id === 20, (x) => ({ ...x, cls: 'b' })), 2);
  assert.equal(c.item(3)?.cls, 'b');
  c.release(5);
  assert.deepEqual(c.claimMissing([5]), [5]);
  c.clear();
  assert.equal(c.size, 0);
});
