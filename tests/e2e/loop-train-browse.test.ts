// The loop, in real Chromium against the real web host on real rice photos with one tiny real run: Start is in
// view without scrolling, the run's live view takes the focus and its curves move within an epoch; then Browse
// shows the default model's predictions (preselected) on every split, a wrong tile names the predicted class, sort
// by loss starts with the worst; images the run did not predict stay in the grid. At 1440×900 and 1024×700.
// Screenshots: test-artifacts/loop-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { riceSubset } from '../helpers/rice-subset';
import { tempDir } from '../helpers/tmp';
import { openStudio, shot, type Studio, hostApi, testId } from './harness';
import type { Page } from 'playwright-core';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const MutationObserver: any;

let studio: Studio;
let page: Page;
let runId = '';
let libraryDir = '';

const api = <T>(name: string, input: unknown): Promise<T> => hostApi(studio)<T>(name, input);

before(async () => {
  libraryDir = tempDir('paddy-e2e-loop-');
  studio = await openStudio(libraryDir, { width: 1024, height: 700 });
  page = studio.page;
  await api('import.folder', { folder: riceSubset(12) });
  await page.reload();
  await page.waitForSelector(testId('class-row-Basmati'));
});

after(async () => {
  await studio?.close();
});

const inViewport = (sel: string) =>
  page.$eval(sel, (el: any) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
  });

describe('the loop: train, then browse every prediction', { concurrency: false }, () => {
  it('Train: Start is visible without scrolling; the live view takes the focus; curves move within epochs', async () => {
    await page.click(testId('nav-train'));
    await page.waitForSelector(testId('param-epochs'));
    assert.equal(await inViewport(testId('train-start')), true, 'Start training is in view at 1024×700');
    assert.equal(await page.isVisible(testId('param-imageSize')), false, 'advanced settings start collapsed');
    await shot(page, 'loop-train-1024');
    await page.fill(testId('param-epochs'), '3');
    await page.fill(testId('param-batchSize'), '4');
    await (await page.waitForSelector(testId('train-advanced'), { state: 'attached' })).evaluate((d: any) => (d.open = true));
    for (const [k, v] of Object.entries({ imageSize: '24', filters: '4', dense: '8', seed: '3' })) await page.fill(testId(`param-${k}`), v);
    if (await page.isChecked(testId('param-augment'))) await page.click(testId('param-augment'));
    if (await page.isChecked(testId('param-earlyStopping'))) await page.click(testId('param-earlyStopping'));
    // Count the loss curve's points each time the chart redraws before the first epoch ends.
    await page.evaluate(() => {
      window.pointsBeforeEpoch1 = 0;
      window.batchLabel = '';
      new MutationObserver(() => {
        // The batch bar only lives while the run is active: a tiny run can finish between two polls, so the
        // observer keeps the first label it showed rather than the test racing the run for it.
        const bar = document.querySelector('[data-testid="train-batch"]');
        if (bar && !window.batchLabel) window.batchLabel = bar.textContent ?? '';
        const epochs = document.querySelector('[data-testid="train-epochs"]')?.textContent?.trim() ?? '';
        const n = document.querySelectorAll('[data-testid="chart-loss"] circle').length;
        if (epochs.startsWith('0')) window.pointsBeforeEpoch1 = Math.max(window.pointsBeforeEpoch1, n);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.click(testId('train-start'));
    await page.waitForFunction(() => document.querySelector('[data-testid="train-live"] .mono')?.textContent?.trim());
    runId = (await page.textContent(`${testId('train-live')} .mono`))!.trim();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'train-live', 'the live view has the focus');
    await page.waitForFunction(() => window.batchLabel || document.querySelector('[data-testid="train-live"][data-status="completed"]'), undefined, { timeout: 120_000 });
    assert.match(await page.evaluate(() => window.batchLabel), /ETA/, 'the batch bar showed an ETA while the run was going');
    await shot(page, 'loop-train-running-1024');
    const top = await page.$eval(testId('train-live'), (el: any) => el.getBoundingClientRect().top);
    assert.ok(top > -2 && top < 700 / 2, `the live view is in sight (its top at ${top}px)`);
    await page.waitForSelector(`${testId('train-live')}[data-status="completed"]`, { timeout: 120_000 });
    assert.ok((await page.evaluate(() => window.pointsBeforeEpoch1)) >= 2, 'the loss curve had points before the first epoch ended');
    await shot(page, 'loop-train-done-1024');
  });

  it('Browse: every split predicted, the count names the split, a wrong tile names the class, loss sorts worst first', async () => {
    const runsList = await api<Array<{ id: string }>>('runs.list', {});
    assert.ok(runsList.some((r) => r.id === runId));
    for (const viewport of [{ width: 1440, height: 900 }, { width: 1024, height: 700 }]) {
      await page.setViewportSize(viewport);
      await page.click(testId('nav-browse'));
      // The default model (the only run: best val accuracy) is preselected: its predictions are on the tiles.
      await page.waitForFunction((id: string) => document.querySelector('[data-testid="filter-run"]')?.value === id, runId);
      await page.waitForSelector(`${testId('cell')} ${testId('cell-pred')}`);
      await page.selectOption(testId('filter-run'), runId);
      await page.waitForFunction(() => document.querySelector('[data-testid="grid"]')?.getAttribute('data-total') === '60', undefined, { timeout: 30_000 });
      assert.match((await page.textContent(testId('match-split'))) ?? '', /all splits · train in-sample/);
      await page.click(testId('filter-split-train'));
      await page.waitForFunction(() => /train split · in-sample/.test(document.querySelector('[data-testid="match-split"]')?.textContent ?? ''));
      await page.click(testId('filter-split-all'));
      await page.selectOption(testId('sort-by'), 'loss');
      await page.waitForFunction(() => document.querySelector('[aria-label="Sort direction"]')?.textContent === '↓');
      await page.waitForSelector(`${testId('cell')} ${testId('cell-pred')}`);
      const tiles = await page.$$eval(testId('cell'), (cells: any[]) =>
        cells.map((c) => ({ id: Number(c.getAttribute('data-id')), index: Number(c.getAttribute('data-index')), cls: c.getAttribute('data-class'), pred: c.querySelector('[data-testid="cell-pred"]')?.textContent ?? '' })));
      tiles.sort((a, b) => a.index - b.index);
      const page1 = await api<{ items: Array<{ id: number; loss: number; classId: number; predictedClassId: number }> }>('images.query',
        { filter: { runId }, sort: 'loss', desc: true, offset: 0, limit: tiles.length });
      assert.deepEqual(tiles.map((t) => t.id), page1.items.map((i) => i.id), 'the grid shows the run\'s images by loss, worst first');
      const losses = page1.items.map((i) => i.loss);
      assert.deepEqual(losses, [...losses].sort((a, b) => b - a));
      const wrong = tiles.filter((t) => t.pred.startsWith('→'));
      assert.ok(wrong.length > 0, 'a tiny run gets some wrong (worst first)');
      for (const t of wrong) {
        assert.match(t.pred, /^→ (Arborio|Basmati|Ipsala|Jasmine|Karacadag) \d+%/);
        assert.ok(!t.pred.startsWith(`→ ${t.cls} `), 'the predicted class, not the label');
      }
      await shot(page, `loop-browse-loss-${viewport.width}`);
    }
  });

  it('Browse: images imported after the run are counted as unpredicted and predicted on demand', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await api('import.folder', { folder: riceSubset(2, { from: 12 }) });
    await page.click(testId('nav-library'));
    await page.click(testId('nav-browse'));
    await page.selectOption(testId('filter-run'), '');
    await page.selectOption(testId('filter-run'), runId);
    await page.waitForSelector(testId('predict-rest-count'), { timeout: 30_000 });
    assert.match((await page.textContent(testId('predict-rest-count'))) ?? '', /^10 images have no prediction from this run/);
    // Nothing is hidden: the 10 new images are in the grid (last by loss), without a prediction on their tiles;
    // "predicted only" is the explicit filter that leaves them out.
    await page.waitForFunction(() => document.querySelector('[data-testid="grid"]')?.getAttribute('data-total') === '70', undefined, { timeout: 30_000 });
    const fresh = await api<{ items: Array<{ predictedClassId: number | null }> }>('images.query', { filter: { runId }, sort: 'loss', desc: true, offset: 60, limit: 10 });
    assert.deepEqual(fresh.items.map((i) => i.predictedClassId ?? null), Array(10).fill(null), 'the unpredicted images come last by loss, undecorated');
    await page.check(testId('filter-run-only'));
    await page.waitForFunction(() => document.querySelector('[data-testid="grid"]')?.getAttribute('data-total') === '60', undefined, { timeout: 30_000 });
    await page.uncheck(testId('filter-run-only'));
    await page.waitForFunction(() => document.querySelector('[data-testid="grid"]')?.getAttribute('data-total') === '70', undefined, { timeout: 30_000 });
    // The detail panel of an image: no Show in folder in a browser (only the desktop shell has it).
    await page.click(`${testId('cell')}[data-index="0"]`);
    await page.waitForSelector(`${testId('detail-panel')} h3`);
    assert.equal(await page.locator(testId('show-in-folder')).count(), 0, 'Show in folder is absent in the browser studio');
    await shot(page, 'loop-browse-predict-rest-1024');
    await page.click(testId('predict-rest-start'));
    await page.waitForFunction(() => document.querySelector('[data-testid="grid"]')?.getAttribute('data-total') === '70', undefined, { timeout: 60_000 });
    await page.waitForSelector(testId('predict-rest'), { state: 'detached' });
    const counts = await api<{ bySplit: Record<string, number> }>('runs.predictAll', { runId });
    assert.equal(Object.values(counts.bySplit).reduce((a, b) => a + b, 0), 70, 'the run now holds a prediction for every image');
  });
});
