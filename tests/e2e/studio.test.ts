// The studio end to end in real Chromium against the real web host, services and SQLite library, with real rice
// photos: import with progress and a bad file, filter, relabel by hotkey, undo, multi-select relabel, train,
// cancel, compare, and a confusion-matrix cell that lands on its images. Screenshots go to test-artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { riceFiles, riceSubset } from '../helpers/rice-subset';
import { MOBILENET_DIR, RICE_DIR, tempDir } from '../helpers/tmp';
import { openStudio, shot, type Studio, hostApi, testId } from './harness';

// Code passed to page.evaluate runs in the page; these names exist there. Declared here (module scope, not
// global) because the node tsconfig has no DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const requestAnimationFrame: (cb: (t: number) => void) => number;
declare const MutationObserver: any;
type HTMLElement = any;
type HTMLInputElement = any;

const PER_CLASS = 20;
let studio: Studio;
let page: Page;
let dataset: string;

const text = async (sel: string) => ((await page.textContent(sel)) ?? '').trim();
const api = <T>(name: string, input: unknown): Promise<T> => hostApi(studio)<T>(name, input);
const cellClass = (index: number) => page.getAttribute(`${testId('cell')}[data-index="${index}"]`, 'data-class');

before(async () => {
  dataset = riceSubset(PER_CLASS);
  fs.writeFileSync(path.join(dataset, 'Basmati', 'corrupt.jpg'), Buffer.from('this is not a jpeg'));
  // Three mislabeled grains for the suspects queue: round Karacadag grains filed as broad Ipsala ones.
  for (const f of riceFiles('Karacadag').slice(0, 3)) fs.renameSync(path.join(dataset, 'Karacadag', f), path.join(dataset, 'Ipsala', f));
  studio = await openStudio(tempDir('paddy-e2e-lib-'));
  page = studio.page;
});

after(async () => {
  await studio?.close();
});

describe('the studio in Chromium', { concurrency: false }, () => {
  it('opens on a designed empty library and imports a folder with progress and a report naming the bad file', async () => {
    await page.waitForSelector(testId('first-run'));
    await shot(page, '01-library-empty');
    // Progress may be quick: watch for the bar from before the click.
    await page.evaluate(() => {
      const w = window as unknown as { sawProgress: boolean };
      w.sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="import-progress"]')) w.sawProgress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.fill(testId('import-path'), dataset);
    await page.click(testId('import-start'));
    await page.waitForSelector(testId('import-report'), { timeout: 60_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress), true, 'the progress bar was shown');
    assert.equal(await text(testId('report-imported')), String(5 * PER_CLASS));
    assert.equal(await text(testId('report-skipped')), '1');
    const skipped = await text(testId('skipped-row'));
    assert.match(skipped, /corrupt\.jpg/);
    await page.waitForSelector(testId('class-row-Basmati'));
    assert.equal(await text(testId('library-count')), String(5 * PER_CLASS));
    await shot(page, '02-library-imported');
  });

  it('browses the grid and filters it by class', async () => {
    await page.click(testId('nav-browse'));
    await page.waitForSelector(`${testId('cell')}[data-index="0"]`);
    assert.equal(await page.getAttribute(testId('grid'), 'data-total'), String(5 * PER_CLASS));
    await page.click(testId('filter-class-Basmati'));
    await page.waitForFunction(() => document.querySelector('[data-testid="grid"]')?.getAttribute('data-total') === '20');
    await page.waitForSelector(`${testId('cell')}[data-index="19"]`);
    const classes = await page.$$eval('[data-testid="cell"]', (els) => els.map((e) => e.getAttribute('data-class')));
    assert.equal(classes.length, PER_CLASS);
    assert.ok(classes.every((c) => c === 'Basmati'), `all Basmati: ${classes.join(',')}`);
    await page.click(`${testId('cell')}[data-index="0"]`);
    await page.waitForSelector(`${testId('detail-panel')} h3`);
    await shot(page, '03-browse-filtered');
  });

  it('relabels with a number key, moves on, and undoes with ctrl-z', async () => {
    const first = await api<{ classes: Array<{ name: string }> }>('library.info', {});
    const class0 = first.classes[0].name; // number key 1
    assert.notEqual(class0, 'Basmati');
    const id0 = Number(await page.getAttribute(`${testId('cell')}[data-index="0"]`, 'data-id'));
    await page.keyboard.press('1');
    await page.waitForFunction((c) => document.querySelector('[data-testid="cell"][data-index="0"]')?.getAttribute('data-class') === c, class0);
    // the cursor moved on to the next image
    await page.waitForSelector(`${testId('cell')}[data-index="1"].focused`);
    const detail = await api<{ className: string; origin: string }>('images.detail', { imageId: id0 });
    assert.equal(detail.className, class0, 'persisted at once');
    assert.equal(detail.origin, 'manual');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => document.querySelector('[data-testid="cell"][data-index="0"]')?.getAttribute('data-class') === 'Basmati');
    assert.equal((await api<{ className: string }>('images.detail', { imageId: id0 })).className, 'Basmati');
  });

  it('relabels a shift-click range through the "Label as" menu', async () => {
    await page.click(`${testId('cell')}[data-index="2"]`);
    await page.click(`${testId('cell')}[data-index="5"]`, { modifiers: ['Shift'] });
    await page.click(`${testId('cell')}[data-index="8"]`, { modifiers: ['Control'] });
    assert.match(await text(testId('selected-count')), /^5 selected/);
    await page.click(testId('label-as'));
    await page.click(testId('label-as-Jasmine'));
    for (const i of [2, 3, 4, 5, 8]) {
      await page.waitForFunction((i) => document.querySelector(`[data-testid="cell"][data-index="${i}"]`)?.getAttribute('data-class') === 'Jasmine', i);
    }
    assert.equal(await cellClass(6), 'Basmati');
    const info = await api<{ classes: Array<{ name: string; count: number }> }>('library.info', {});
    assert.equal(info.classes.find((c) => c.name === 'Jasmine')?.count, PER_CLASS + 5);
    await shot(page, '04-browse-relabeled');
    // Undo the batch so the library is back to its folders for training.
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => document.querySelector('[data-testid="cell"][data-index="2"]')?.getAttribute('data-class') === 'Basmati');
    await page.keyboard.press('Shift+?');
    await page.waitForSelector(testId('shortcuts'));
    await shot(page, '05-shortcuts');
    await page.keyboard.press('Escape');
  });

  const runs: string[] = [];
  // The tests after the first training one use its runs: when it failed they fail too, saying why.
  const needRuns = () => assert.ok(runs.length > 0, 'no run to work with: the training test before this one failed');
  const startRun = async (epochs: number, seed: number) => {
    await page.click(testId('nav-train'));
    // The settings beyond epochs, batch size and learning rate are collapsed under "Advanced settings".
    await (await page.waitForSelector(testId('train-advanced'), { state: 'attached' })).evaluate((d: any) => (d.open = true));
    await page.waitForSelector(testId('param-imageSize'));
    for (const [k, v] of Object.entries({ imageSize: '32', filters: '4, 8', dense: '16', epochs: String(epochs), batchSize: '16', maxPerClass: '12', seed: String(seed) })) {
      await page.fill(testId(`param-${k}`), v);
    }
    if (await page.isChecked(testId('param-augment'))) await page.click(testId('param-augment'));
    if (await page.isChecked(testId('param-earlyStopping'))) await page.click(testId('param-earlyStopping'));
    await page.click(testId('train-start'));
    await page.waitForSelector(testId('train-live'));
    const id = (await page.textContent(`${testId('train-live')} .mono`))!.trim();
    runs.push(id);
    return id;
  };

  it('trains a tiny CNN and shows its curves per epoch', async () => {
    await startRun(2, 1);
    // The chart gets a point per epoch; the run ends with a test score.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-epochs"]')?.textContent?.split('/')[0]) >= 1, null, { timeout: 120_000 });
    await page.waitForSelector(`${testId('chart-loss')} circle`);
    await page.waitForSelector(`${testId('train-live')}[data-status="completed"], ${testId('train-live')}[data-status="failed"]`, { timeout: 120_000 });
    await page.evaluate(() => document.querySelector('.view')?.scrollTo(0, 0));
    await shot(page, '06-train-finished');
    assert.equal(await page.getAttribute(testId('train-live'), 'data-status'), 'completed', await text(testId('train-live')));
    assert.ok((await page.$$(`${testId('chart-accuracy')} circle`)).length >= 2, 'train and val points');
  });

  it('cancels a run', async () => {
    needRuns();
    await startRun(200, 2);
    await page.waitForSelector(testId('train-cancel'));
    await page.waitForSelector(`${testId('train-live')}[data-status="running"]`, { timeout: 60_000 });
    await page.click(testId('train-cancel'));
    await page.waitForSelector(`${testId('train-live')}[data-status="cancelled"]`, { timeout: 60_000 });
    await page.evaluate(() => document.querySelector('.view')?.scrollTo(0, 0));
    await shot(page, '07-train-cancelled');
  });

  it('compares two runs and opens a confusion-matrix cell in Browse', async () => {
    needRuns();
    await startRun(1, 3);
    await page.waitForSelector(`${testId('train-live')}[data-status="completed"]`, { timeout: 120_000 });
    const [a, , b] = runs;
    await page.click(testId('nav-runs'));
    for (const id of [a, b]) await page.waitForSelector(`${testId('run-row')}[data-run="${id}"][data-status="completed"]`, { timeout: 30_000 });
    await page.click(`${testId('run-row')}[data-run="${a}"]`);
    await page.waitForSelector(`${testId('run-detail')} svg`);
    await shot(page, '08-run-detail');
    await page.click(`${testId('run-row')}[data-run="${b}"]`);
    await page.waitForSelector(`${testId('compare')}, ${testId('error-state')}`, { timeout: 60_000 });
    if (await page.$(testId('error-state'))) {
      await shot(page, '09-runs-compare-error');
      assert.fail(`compare failed: ${await text(testId('error-state'))}`);
    }
    await page.waitForSelector(`${testId('cm-a')} [data-testid^="cm-cell-"]`);
    // The matrices open as shares of each true class; the cell to click is found by its count.
    await page.click(`${testId('cm-mode')} button:has-text("counts")`);
    await shot(page, '09-runs-compare');
    await page.evaluate(() => document.querySelector('[data-testid="compare"]')?.scrollIntoView());
    await shot(page, '09b-runs-compare-matrices');
    // The fullest cell of run A's matrix: click it and land on exactly those images.
    const cells = await page.$$eval('[data-testid="cm-a"] [data-testid^="cm-cell-"]', (els) =>
      els.map((e) => ({ id: e.getAttribute('data-testid')!, n: Number(e.querySelector('text')?.textContent) })),
    );
    const target = cells.sort((x, y) => y.n - x.n)[0];
    assert.ok(target.n > 0);
    await page.click(`${testId('cm-a')} ${testId(target.id)}`);
    await page.waitForSelector(testId('view-browse'));
    await page.waitForFunction((n) => document.querySelector('[data-testid="grid"]')?.getAttribute('data-total') === String(n), target.n, { timeout: 20_000 });
    const [ti, pi] = target.id.replace('cm-cell-', '').split('-').map(Number);
    const detail = await api<{ test: { classes: string[] } }>('runs.get', { runId: a });
    const trueClass = detail.test.classes[ti];
    const classes = await page.$$eval('[data-testid="cell"]', (els) => els.map((e) => e.getAttribute('data-class')));
    assert.ok(classes.length > 0 && classes.every((c) => c === trueClass), `every image is labeled ${trueClass}`);
    assert.equal(pi === ti, (await page.$$('.cell-flag.pred.wrong')).length === 0);
    await shot(page, '10-browse-confusion-cell');
  });

  it('predicts the class of image files for a chosen run', async () => {
    needRuns();
    await page.click(testId('nav-predict'));
    const files = ['Ipsala', 'Karacadag'].map((c) => path.join(RICE_DIR, c, riceFiles(c)[500]!));
    await page.fill(testId('predict-paths'), files.join('\n'));
    await page.click(testId('predict-go'));
    await page.waitForSelector(testId('predict-result'), { timeout: 60_000 });
    assert.equal((await page.$$(testId('predict-result'))).length, 2);
    await shot(page, '11-predict');
  });

  it('predicts files dropped or chosen in the page (sent as bytes), naming each and the one that is not an image', async () => {
    needRuns();
    const dir = tempDir('paddy-e2e-upload-');
    const bad = path.join(dir, 'notes.jpg');
    fs.writeFileSync(bad, 'this is not a picture');
    const good = ['Arborio', 'Jasmine'].map((c) => path.join(RICE_DIR, c, riceFiles(c)[501]!));
    // Results stay for the session, newest first: these three join the earlier ones at the top.
    const before = (await page.$$(testId('predict-result'))).length;
    await page.setInputFiles(testId('predict-upload'), [...good, bad]);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="predict-result"]').length === n, before + 3, { timeout: 60_000 });
    const cards = (await page.$$eval('[data-testid="predict-result"]', (els) => els.map((e) => e.textContent ?? ''))).slice(0, 3);
    for (const f of good) assert.ok(cards.some((c) => c.includes(path.basename(f)) && /Arborio|Basmati|Ipsala|Jasmine|Karacadag/.test(c)));
    const badCard = cards.find((c) => c.includes('notes.jpg'));
    assert.ok(badCard && !badCard.includes('paddy-predict-'), `the bad file is reported under its own name: ${badCard}`);
    await shot(page, '11b-predict-upload');
    // The same view on a small laptop screen: the form and the result cards still fit side by side.
    await page.setViewportSize({ width: 1024, height: 700 });
    await shot(page, '11c-predict-1024x700');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('says clearly when MobileNetV2 cannot find its weights', async () => {
    needRuns();
    await page.click(testId('nav-train'));
    await page.click(testId('model-mobilenetv2'));
    // The settings beyond epochs, batch size and learning rate are collapsed under "Advanced settings".
    await (await page.waitForSelector(testId('train-advanced'), { state: 'attached' })).evaluate((d: any) => (d.open = true));
    await page.waitForSelector(testId('param-fineTuneBlocks'));
    // MobileNetV2's defaults learn a second view of each image and predict with all eight (#12): both switches on.
    assert.equal(await page.isChecked(testId('param-augment')), true);
    assert.equal(await page.isChecked(testId('param-testViews')), true);
    // …and its head also takes the object's shape numbers (#12), a MobileNetV2 switch only.
    assert.equal(await page.isChecked(testId('param-shapeFeatures')), true);
    await page.locator(testId('param-shapeFeatures')).scrollIntoViewIfNeeded();
    await shot(page, '12a-train-mobilenet-views');
    await page.fill(testId('param-epochs'), '1');
    await page.fill(testId('param-maxPerClass'), '4');
    const runsBefore = (await api<unknown[]>('runs.list', {})).length;
    await page.click(testId('train-start'));
    // Refused up front, before a worker starts: the form says why and how to get the weights, no run is left behind.
    await page.waitForSelector(testId('train-form-error'), { timeout: 60_000 });
    const message = await text(testId('train-form-error'));
    assert.match(message, /weights not found/i);
    assert.match(message, /--weights DIR|weightsDir/);
    assert.equal((await api<unknown[]>('runs.list', {})).length, runsBefore);
    await page.locator(testId('train-form-error')).scrollIntoViewIfNeeded();
    await shot(page, '12-train-failed');
  });

  it('finds suspects once the weights are set (a first scan cancelled), accepts a suggestion with one key, and undoes it', async (t) => {
    await page.click(testId('nav-library'));
    await page.fill(testId('settings-weights'), MOBILENET_DIR);
    await page.click(testId('settings-save'));
    await page.waitForFunction(() => document.querySelector('[data-testid="toasts"]')?.textContent?.includes('Settings saved'));
    await page.click(testId('nav-suspects'));
    // Cancel: the view returns to idle with a note, not an error, and nothing was saved.
    await page.click(testId('suspects-scan'));
    await page.waitForSelector(testId('suspects-progress'));
    await page.click(testId('suspects-cancel'));
    await page.waitForFunction(() => document.querySelector('[data-testid="toasts"]')?.textContent?.includes('Scan cancelled'), undefined, { timeout: 30_000 });
    await page.waitForSelector(testId('suspects-progress'), { state: 'detached' });
    assert.equal(await page.$(testId('error-state')), null);
    assert.equal(await page.$('[data-testid="toasts"] .toast.error'), null);
    assert.deepEqual(await api<unknown[]>('suspects.list', {}), []);
    await shot(page, '13-suspects-cancelled');
    await page.click(testId('suspects-scan'));
    await page.waitForSelector(testId('suspects-progress'));
    await shot(page, '13-suspects-scanning');
    await page.waitForSelector(testId('suspects-progress'), { state: 'detached', timeout: 150_000 });
    await page.waitForSelector(`${testId('suspect-current')}, ${testId('error-state')}, ${testId('empty-state')}`, { timeout: 150_000 });
    await shot(page, '14-suspects');
    if (await page.$(testId('error-state'))) assert.fail(await text(testId('error-state')));
    if (!(await page.$(testId('suspect-current')))) return t.skip('the scan flagged nothing on this small library');
    const before = await api<Array<{ imageId: number; label: string; suggested: string }>>('suspects.list', {});
    const first = before[0];
    await page.keyboard.press('a');
    await page.waitForFunction(
      async (n) => document.querySelectorAll('[data-testid="suspect-current"]').length === 0 || n > 0,
      before.length,
    );
    await page.waitForFunction(() => !document.querySelector('[data-testid="toasts"] .toast.error'));
    let detail = await api<{ className: string; origin: string }>('images.detail', { imageId: first.imageId });
    for (let i = 0; i < 50 && detail.className !== first.suggested; i++) {
      await page.waitForTimeout(100);
      detail = await api('images.detail', { imageId: first.imageId });
    }
    assert.equal(detail.className, first.suggested, 'the suggestion is the new label');
    assert.equal(detail.origin, 'suggestion');
    const after = await api<Array<{ imageId: number }>>('suspects.list', {});
    assert.ok(!after.some((s) => s.imageId === first.imageId), 'a reviewed image leaves the queue');
    await page.keyboard.press('Control+z');
    for (let i = 0; i < 50 && detail.className !== first.label; i++) {
      await page.waitForTimeout(100);
      detail = await api('images.detail', { imageId: first.imageId });
    }
    assert.equal(detail.className, first.label, 'undo restores the label');
  });

  it('shows every view without a page error', async () => {
    for (const v of ['library', 'browse', 'train', 'runs', 'predict']) {
      await page.click(testId(`nav-${v}`));
      await page.waitForTimeout(100);
    }
    assert.deepEqual(studio.errors, []);
  });
});
