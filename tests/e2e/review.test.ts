// The unlabeled-images loop (#14) as a user drives it, in Chromium at 1440×900 and 1024×700, on a real library of
// rice photos with one real (tiny) trained run: import a folder without labels from the Library form, pre-label it
// from Browse (a worker job), see the suggestions on the tiles (dashed, "? Class NN%"), filter the unlabeled, accept
// one with A, work the Review queue with K / A / a digit, accept the rest at a threshold, and see the learning curve.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openLibrary } from '../../src/main/library';
import { makeTrainLibrary, riceFiles, trainTinyCnn } from '../helpers/train-lib';
import { tempDir } from '../helpers/tmp';
import { openStudio, shot, type Studio, atBothSizes, testId } from './harness';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

let studio: Studio;
let page: Page;
let dir = '';
let folder = '';
const text = async (sel: string) => ((await page.textContent(sel)) ?? '').trim();
const unlabeledCount = () => page.evaluate(() => Number((document.querySelector('[data-testid="unlabeled-count"] b')?.textContent ?? '-1').replace(/,/g, '')));

before(async () => {
  const lib = makeTrainLibrary(6, { classes: 2 });
  dir = lib.dir;
  const runId = await trainTinyCnn(lib);
  // An earlier, smaller run (as rows) so the learning curve has two points.
  const old = 'cnn-20250101-000000-aaaaaa';
  lib.db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at, finished_at, classes, test_accuracy, macro_f1, seconds)
    SELECT ?, model, 'completed', config, seed, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', classes, 0.5, 0.5, seconds FROM runs WHERE id = ?`).run(old, runId);
  lib.db.prepare(`INSERT INTO run_images (run_id, image_id, class_id, split) SELECT ?, image_id, class_id, split FROM run_images WHERE run_id = ? LIMIT 6`).run(old, runId);
  lib.close();
  folder = tempDir('paddy-e2e-unl-');
  for (const cls of ['Arborio', 'Basmati']) for (const f of riceFiles(cls, 5, 50)) fs.copyFileSync(f, path.join(folder, `${cls}-${path.basename(f)}`));
  studio = await openStudio(dir);
  page = studio.page;
});

after(async () => {
  await studio?.close();
});

describe('unlabeled images: import, pre-label, accept, review', { concurrency: false }, () => {
  it('imports a folder without labels from the Library form', async () => {
    await page.click(testId('nav-library'));
    await page.fill(testId('import-path'), folder);
    await page.check(testId('import-unlabeled'));
    await page.click(testId('import-start'));
    await page.waitForSelector(testId('report-unlabeled'), { timeout: 60_000 });
    assert.equal(await text(testId('report-imported')), '10');
    await shot(page, 'review-import-unlabeled');
  });

  it('Browse pre-labels with a run and shows the suggestions on the tiles, distinct from labels', async () => {
    await page.click(testId('nav-browse'));
    await page.waitForSelector(testId('suggestions-bar'));
    assert.equal(await unlabeledCount(), 10);
    await page.click(testId('prelabel-start'));
    await page.waitForFunction(() => /10 suggested/.test(document.querySelector('[data-testid="unlabeled-count"]')?.textContent ?? ''), null, { timeout: 90_000 })
      .catch(async () => assert.fail(`bar: ${await text(testId('suggestions-bar'))}`));
    await page.click(testId('filter-unlabeled'));
    await page.waitForFunction(() => document.querySelector('[data-testid="grid"]')?.getAttribute('data-total') === '10');
    await page.waitForSelector(testId('cell-suggestion'));
    const marks = await page.$$eval(testId('cell-suggestion'), (els: any[]) => els.map((e) => e.textContent));
    assert.equal(marks.length, 10);
    for (const m of marks) assert.match(m, /^\? (Arborio|Basmati) \d+%$/);
    assert.match(await text(testId('accept-preview')), /\d+ images? · (expected error [\d.]+%|no validation images that sure)/);
    await atBothSizes(page, 'review-browse-suggestions', async () => {
      assert.ok(await page.isVisible(testId('prelabel-start')));
    });
  });

  it('A accepts the focused suggestion; Ctrl+Z takes it back', async () => {
    const first = page.locator(testId('cell')).first();
    await first.click();
    // The detail panel shows the suggestion too, with its own Accept (#14); no Show in folder in a browser (#11).
    await page.waitForSelector(testId('detail-suggestion'));
    assert.match(await text(testId('detail-suggestion')), /^Suggested (Arborio|Basmati) \d+(\.\d)?% · not a label until accepted/);
    assert.equal(await page.locator(testId('show-in-folder')).count(), 0);
    await atBothSizes(page, 'review-detail-suggestion', async () => {
      assert.ok(await page.isVisible(testId('detail-accept')), 'Accept is in view in the detail panel');
    });
    await page.keyboard.press('a');
    await page.waitForFunction(() => /Accepted 1 suggestion/.test(document.querySelector('[data-testid="toasts"]')?.textContent ?? ''));
    assert.equal(await first.locator(testId('cell-suggestion')).count(), 0, 'the tile now shows a label, not a suggestion');
    await page.waitForFunction(() => document.querySelector('[data-testid="unlabeled-count"] b')?.textContent === '9');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => document.querySelector('[data-testid="unlabeled-count"] b')?.textContent === '10');
    // The detail panel's Accept does the same for the image in the panel.
    await first.click();
    await page.click(testId('detail-accept'));
    await page.waitForFunction(() => document.querySelector('[data-testid="unlabeled-count"] b')?.textContent === '9');
    await page.waitForSelector(testId('detail-suggestion'), { state: 'detached' });
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => document.querySelector('[data-testid="unlabeled-count"] b')?.textContent === '10');
  });

  it('the Review queue: K skips, A accepts, a digit labels; each decision leaves the queue', async () => {
    await page.click(testId('nav-review'));
    await page.waitForSelector(testId('review-position'));
    const n = (await page.$$(testId('review-item'))).length;
    assert.equal(n, 10);
    assert.equal(await text(testId('review-position')), `1 of ${n}`);
    assert.match(await text(testId('review-suggested')), /^\? (Arborio|Basmati) \d+%$/);
    await page.keyboard.press('k');
    assert.equal(await text(testId('review-position')), `2 of ${n}`);
    const accepted = await page.getAttribute(testId('review-current'), 'data-image');
    await page.keyboard.press('a');
    await page.waitForFunction((k: number) => document.querySelectorAll('[data-testid="review-item"]').length === k, n - 1);
    assert.match(await text(testId('review-result')), /\(accepted\)/);
    assert.notEqual(await page.getAttribute(testId('review-current'), 'data-image'), accepted);
    await page.keyboard.press('1');
    await page.waitForFunction((k: number) => document.querySelectorAll('[data-testid="review-item"]').length === k, n - 2);
    assert.match(await text(testId('review-result')), /→ Arborio/);
    await atBothSizes(page, 'review-queue', async () => {
      assert.ok(await page.isVisible(testId('review-accept')));
    });
  });

  it('accept all at a threshold; the learning curve in Runs', async () => {
    await page.click(testId('nav-browse'));
    await page.waitForSelector(testId('accept-threshold'));
    // The count follows the library's debounced refresh after the Review decisions: wait for it, then check it.
    await page.waitForFunction(() => document.querySelector('[data-testid="unlabeled-count"] b')?.textContent === '8', null, { timeout: 5_000 }).catch(() => {});
    assert.equal(await unlabeledCount(), 8);
    await page.fill(testId('accept-threshold'), '0');
    await page.press(testId('accept-threshold'), 'Enter');
    await page.waitForFunction(() => /^Accept 8$/.test(document.querySelector('[data-testid="accept-all"]')?.textContent ?? ''));
    await page.click(testId('accept-all'));
    await page.waitForFunction(() => /Accepted 8 suggestions/.test(document.querySelector('[data-testid="toasts"]')?.textContent ?? ''));
    await page.waitForFunction(() => !document.querySelector('[data-testid="suggestions-bar"]'), null, { timeout: 10_000 });
    const lib = openLibrary(dir);
    const origins = lib.db.prepare(`SELECT origin, COUNT(*) AS n FROM labels GROUP BY origin ORDER BY origin`).all();
    const noSplit = (lib.db.prepare(`SELECT COUNT(*) AS n FROM labels l WHERE NOT EXISTS (SELECT 1 FROM splits s WHERE s.image_id = l.image_id)`).get() as { n: number }).n;
    lib.close();
    assert.deepEqual(origins, [{ origin: 'folder', n: 12 }, { origin: 'manual', n: 1 }, { origin: 'suggestion', n: 9 }]);
    assert.equal(noSplit, 0, 'every newly labeled image has a split');

    await page.click(testId('nav-runs'));
    await page.waitForSelector(testId('learning-curve'));
    assert.equal(await page.locator(testId('learning-point')).count(), 2);
    await atBothSizes(page, 'review-learning-curve', async () => {
      await page.locator(testId('learning-curve')).scrollIntoViewIfNeeded();
      assert.ok(await page.isVisible(testId('learning-curve')));
    });
    assert.deepEqual(studio.errors, []);
  });
});
