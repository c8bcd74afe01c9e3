// Six things the studio got wrong, each checked in real Chromium against the real web host on one library of
// real rice photos with three tiny real runs: an image set opened in Browse is a chip that clears; the Train
// view counts epochs from 1 and its progress moves within an epoch; a cancelled run keeps its wall time; a
// renamed class's confusion cells still open; the filter bar stays clickable at 1024×700 with details open;
// a wrong or missing token gets one clear screen. Screenshots go to test-artifacts/breaks-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { riceSubset } from '../helpers/rice-subset';
import { tempDir } from '../helpers/tmp';
import { ARTIFACTS, launchChromium, openStudio, shot, type Studio, hostApi, testId } from './harness';
import type { Page } from 'playwright-core';

// Code passed to page.evaluate runs in the page; these names exist there (the node tsconfig has no DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const MutationObserver: any;
declare const getComputedStyle: (el: any) => { overflowX: string };

const PER_CLASS = 20;
const TOTAL = 5 * PER_CLASS;
let studio: Studio;
let page: Page;

const text = async (sel: string) => ((await page.textContent(sel)) ?? '').trim();
const total = () => page.getAttribute(testId('grid'), 'data-total');
const waitTotal = (n: number) =>
  page.waitForFunction((n) => document.querySelector('[data-testid="grid"]')?.getAttribute('data-total') === String(n), n, { timeout: 30_000 });
const api = <T>(name: string, input: unknown): Promise<T> => hostApi(studio)<T>(name, input);

/** Fills the CNN form with a tiny configuration and starts it from the Train view; returns the run id. */
async function startRun(p: { epochs: number; seed: number; batchSize?: number; learningRate?: number; noShape?: boolean }): Promise<string> {
  await page.click(testId('nav-train'));
  // The settings beyond epochs, batch size and learning rate are collapsed under "Advanced settings".
  await (await page.waitForSelector(testId('train-advanced'), { state: 'attached' })).evaluate((d: any) => (d.open = true));
  await page.waitForSelector(testId('param-imageSize'));
  const values = { imageSize: '32', filters: '4, 8', dense: '16', epochs: String(p.epochs), batchSize: String(p.batchSize ?? 16), maxPerClass: '14', seed: String(p.seed), ...(p.learningRate ? { learningRate: String(p.learningRate) } : {}) };
  for (const [k, v] of Object.entries(values)) await page.fill(testId(`param-${k}`), v);
  if (await page.isChecked(testId('param-augment'))) await page.click(testId('param-augment'));
  if (await page.isChecked(testId('param-earlyStopping'))) await page.click(testId('param-earlyStopping'));
  if (p.noShape && (await page.isChecked(testId('param-shapeFeatures')))) await page.click(testId('param-shapeFeatures'));
  await page.click(testId('train-start'));
  await page.waitForFunction(() => document.querySelector('[data-testid="train-live"] .mono')?.textContent?.trim());
  return (await page.textContent(`${testId('train-live')} .mono`))!.trim();
}

const runs: { a?: string; cancelled?: string; b?: string } = {};

before(async () => {
  const dataset = riceSubset(PER_CLASS);
  studio = await openStudio(tempDir('paddy-e2e-breaks-'));
  page = studio.page;
  await api('import.folder', { folder: dataset });
  await page.reload();
  await page.waitForSelector(testId('class-row-Basmati'));
});

after(async () => {
  await studio?.close();
});

describe('the studio breaks, fixed', { concurrency: false }, () => {
  it('counts epochs from 1 and moves the train progress within an epoch', async () => {
    // Every render of the live card is recorded: epochs done, the epoch label, the run-wide train bar.
    await page.evaluate(() => {
      const w = window as { liveLog: Array<{ done: number; label: string; train: string | null }> };
      w.liveLog = [];
      new MutationObserver(() => {
        const batch = document.querySelector('[data-testid="train-batch"] .progress-label span')?.textContent ?? '';
        if (!batch) return;
        const done = Number(document.querySelector('[data-testid="train-epochs"]')?.textContent?.split('/')[0] ?? 0);
        const train = document.querySelector('[data-testid="train-phase"] .progress-label span:last-child')?.textContent ?? null;
        w.liveLog.push({ done, label: batch, train });
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    runs.a = await startRun({ epochs: 3, seed: 1, batchSize: 4 });
    await page.waitForSelector(`${testId('train-live')}[data-status="completed"], ${testId('train-live')}[data-status="failed"]`, { timeout: 240_000 });
    assert.equal(await page.getAttribute(testId('train-live'), 'data-status'), 'completed', await text(testId('train-live')));
    const log = (await page.evaluate(() => (window as { liveLog: unknown }).liveLog)) as Array<{ done: number; label: string; train: string | null }>;
    assert.ok(log.length > 0, 'the epoch label was shown');
    for (const r of log) {
      const m = /Epoch (\d+) of (\d+)/.exec(r.label);
      assert.ok(m, `label "${r.label}"`);
      const [shown, of] = [Number(m[1]), Number(m[2])];
      assert.equal(of, 3);
      assert.ok(shown >= 1 && shown <= 3, `"${r.label}" names an epoch of the run`);
      assert.ok(shown === r.done + 1 || shown === r.done, `"${r.label}" with ${r.done} epochs done`);
    }
    assert.ok(log.some((r) => r.done === 0 && /^Epoch 1 of 3/.test(r.label)), 'epoch 1 is called epoch 1 while it runs');
    const moving = log.filter((r) => r.done === 0 && r.train !== null).map((r) => Number(r.train!.split('/')[0].replace(/,/g, '')));
    assert.ok(moving.some((d) => d > 0), `the train bar moves during epoch 1: ${moving.join(',')}`);
    await page.evaluate(() => document.querySelector('.view')?.scrollTo(0, 0));
    await shot(page, 'breaks-02-train-finished');
  });

  it('records the wall time of a cancelled run', async () => {
    assert.ok(runs.a, 'the first run trained');
    const t0 = Date.now();
    runs.cancelled = await startRun({ epochs: 1000, seed: 2, batchSize: 4 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-epochs"]')?.textContent?.split('/')[0]) >= 1, null, { timeout: 120_000 });
    // From here the run is certainly training: the time it then runs until the cancel must be in its record
    // (the form, the queue and the worker's start-up before it are the test's, not the run's).
    const tRunning = Date.now();
    await page.waitForSelector(testId('train-batch'));
    await page.evaluate(() => document.querySelector('.view')?.scrollTo(0, 0));
    await shot(page, 'breaks-02-train-running');
    await page.setViewportSize({ width: 1024, height: 700 });
    await shot(page, 'breaks-02-train-running-1024x700');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.waitForTimeout(Math.max(0, 5000 - (Date.now() - tRunning)));
    await shot(page, 'breaks-03-before-cancel');
    assert.equal(await page.getAttribute(testId('train-live'), 'data-status'), 'running');
    // The live card re-renders with every batch event: click the button in the page rather than wait for it to be still.
    await page.$eval(testId('train-cancel'), (b: any) => b.click());
    await page.waitForSelector(`${testId('train-live')}[data-status="cancelled"]`, { timeout: 60_000 });
    const wall = (Date.now() - t0) / 1000;
    const running = (Date.now() - tRunning) / 1000;
    const run = (await api<Array<{ id: string; seconds: Record<string, number> }>>('runs.list', {})).find((r) => r.id === runs.cancelled)!;
    assert.ok(run.seconds.total >= running - 1 && run.seconds.total <= wall + 1, `recorded ${JSON.stringify(run.seconds)} for ~${running.toFixed(1)}–${wall.toFixed(1)} s`);
    await page.click(testId('nav-runs'));
    const row = `${testId('run-row')}[data-run="${runs.cancelled}"]`;
    await page.waitForSelector(`${row}[data-status="cancelled"]`);
    const cell = (await page.textContent(`${row} td:nth-child(7)`))!.trim();
    assert.equal(cell, `${Math.round(run.seconds.total)} s`);
  });

  it('shows an image set opened in Browse as a chip that clears it', async () => {
    assert.ok(runs.a);
    // A run that barely learned (a tiny rate), so the two disagree on some test images whatever the defaults; without
    // the shape classifier, which on its own would agree with run A on most of them.
    runs.b = await startRun({ epochs: 1, seed: 3, learningRate: 0.00001, noShape: true });
    await page.waitForSelector(`${testId('train-live')}[data-status="completed"]`, { timeout: 120_000 });
    await page.click(testId('nav-runs'));
    for (const id of [runs.a, runs.b]) await page.waitForSelector(`${testId('run-row')}[data-run="${id}"][data-status="completed"]`, { timeout: 30_000 });
    await page.click(`${testId('run-row')}[data-run="${runs.a}"]`);
    await page.click(`${testId('run-row')}[data-run="${runs.b}"]`);
    await page.waitForSelector(`${testId('cm-a')} [data-testid^="cm-cell-"]`, { timeout: 60_000 });
    const sizes = await page.$$eval('[data-testid^="gallery-"] .card-head .faint', (els) => els.map((e) => Number(e.textContent)));
    const gallery = sizes[0]! > 0 ? 'gallery-a-right' : 'gallery-b-right';
    const n = Math.max(sizes[0]!, sizes[1]!);
    assert.ok(n > 0, `the runs disagree on some test image: ${sizes.join(', ')}`);
    await page.click(`${testId(gallery)} button`);
    await page.waitForSelector(testId('view-browse'));
    await waitTotal(n);
    const chip = testId('image-set');
    assert.match(await text(chip), new RegExp(`${gallery === 'gallery-a-right' ? 'A right, B wrong' : 'B right, A wrong'}.*${n}`));
    await shot(page, 'breaks-01-browse-image-set');
    await page.setViewportSize({ width: 1024, height: 700 });
    await shot(page, 'breaks-01-browse-image-set-1024x700');
    await page.setViewportSize({ width: 1440, height: 900 });
    // Other filters narrow the set; the chip says it is still there.
    await page.click(testId('filter-split-train'));
    await page.waitForSelector(testId('empty-state'));
    assert.ok(await page.isVisible(chip), 'the chip stays while the set applies');
    await page.click(testId('filter-split-all'));
    await waitTotal(n);
    // Leaving Browse and coming back: still there, still visible.
    await page.click(testId('nav-library'));
    await page.click(testId('nav-browse'));
    await waitTotal(n);
    assert.ok(await page.isVisible(chip));
    await page.click(testId('image-set-clear'));
    await waitTotal(TOTAL);
    assert.equal(await page.$(chip), null);
    assert.equal(await total(), String(TOTAL));
  });

  it('opens a confusion-matrix cell of a class renamed since the run', async () => {
    assert.ok(runs.a && runs.b);
    const info = await api<{ classes: Array<{ id: number; name: string }> }>('library.info', {});
    const jasmine = info.classes.find((c) => c.name === 'Jasmine')!;
    await api('classes.rename', { classId: jasmine.id, name: 'Jasmine rice' });
    await page.click(testId('nav-runs'));
    await page.waitForSelector(`${testId('cm-a')} [data-testid^="cm-cell-"]`, { timeout: 60_000 });
    const detail = await api<{ test: { classes: string[]; confusion: number[][] } }>('runs.get', { runId: runs.a });
    const t = detail.test.classes.indexOf('Jasmine');
    const row = detail.test.confusion[t]!;
    const p = row.indexOf(Math.max(...row));
    await page.click(`${testId('cm-a')} ${testId(`cm-cell-${t}-${p}`)}`);
    await page.waitForSelector(testId('view-browse'));
    await waitTotal(row[p]!);
    const classes = await page.$$eval('[data-testid="cell"]', (els) => els.map((e) => e.getAttribute('data-class')));
    assert.ok(classes.length > 0 && classes.every((c) => c === 'Jasmine rice'), classes.join(','));
    assert.equal(await page.$('[data-testid="toasts"] .toast.error'), null);
    // The chip names the cell's classes as the library calls them now (the page hears of the rename by event).
    await page.waitForFunction(() => /Jasmine rice predicted/.test(document.querySelector('[data-testid="image-set"]')?.textContent ?? ''));
    await shot(page, 'breaks-04-renamed-class-cell');
    await page.click(testId('image-set-clear'));
    await page.waitForSelector(testId('image-set'), { state: 'detached' });
    await api('classes.rename', { classId: jasmine.id, name: 'Jasmine' });
  });

  it('keeps every control reachable at 1024×700 with details open', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.click(testId('nav-browse'));
    await page.waitForSelector(`${testId('cell')}[data-index="0"]`);
    await page.click(`${testId('cell')}[data-index="0"]`);
    await page.waitForSelector(`${testId('detail-panel')} .detail-img`);
    // What the pointer hits at the centre of each control must be that control.
    const blocked = await page.evaluate(() => {
      const out: string[] = [];
      const targets = [
        ...document.querySelectorAll('[data-testid="filter-bar"] button, [data-testid="filter-bar"] select, [data-testid="filter-bar"] input, [data-testid="selection-bar"] button'),
      ];
      for (const el of targets) {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        if (r.width === 0 || !hit || !(hit === el || el.contains(hit) || hit.contains(el) && hit.tagName === 'LABEL')) {
          out.push(`${el.textContent?.trim() || el.getAttribute('aria-label')} at ${Math.round(r.x)},${Math.round(r.y)} → ${hit?.className ?? 'nothing'}`);
        }
      }
      return out;
    });
    await shot(page, 'breaks-05-browse-1024x700');
    assert.deepEqual(blocked, []);
    await page.click(testId('filter-class-Karacadag'));
    await waitTotal(PER_CLASS);
    await page.click(testId('filter-class-Karacadag'));
    await waitTotal(TOTAL);
    // Every view: nothing wider than the window, nothing cut off at its right edge.
    for (const v of ['library', 'browse', 'suspects', 'train', 'runs', 'predict']) {
      await page.click(testId(`nav-${v}`));
      await page.waitForTimeout(300);
      const over = await page.evaluate(() => {
        const main = document.querySelector('.main');
        const view = document.querySelector('.view');
        // A box that clips or scrolls sideways (the runs table in its card) hides columns just the same.
        const clipped = [...main.querySelectorAll('div')]
          .filter((el: any) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
          .map((el: any) => `${el.className || el.tagName}: ${el.scrollWidth} > ${el.clientWidth}`);
        return { page: document.documentElement.scrollWidth - window.innerWidth, view: view ? view.scrollWidth - view.clientWidth : 0, main: main.scrollWidth - main.clientWidth, clipped };
      });
      await shot(page, `breaks-05-view-${v}-1024x700`);
      assert.deepEqual(over, { page: 0, view: 0, main: 0, clipped: [] }, `${v} overflows at 1024×700`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.click(testId('nav-browse'));
    await shot(page, 'breaks-05-browse-1440x900');
  });

  it('gives a wrong token and a missing one the same clear screen, without retrying the socket', async () => {
    const browser = await launchChromium();
    try {
      const seen: Record<string, { heading: string; body: string; sockets: number; library: boolean }> = {};
      for (const [name, query] of [['wrong', '?token=not-the-token'], ['missing', '']] as const) {
        const p = await browser.newPage({ viewport: { width: 1024, height: 700 } });
        let sockets = 0;
        p.on('websocket', () => sockets++);
        await p.goto(`http://127.0.0.1:${studio.host.port}/${query}`);
        await p.waitForSelector(testId('no-access'), { timeout: 15_000 });
        await p.waitForTimeout(2500);
        seen[name] = {
          heading: ((await p.textContent(`${testId('no-access')} h3`)) ?? '').trim(),
          body: ((await p.textContent(testId('no-access'))) ?? '').trim(),
          sockets,
          library: (await p.$(testId('nav-library'))) !== null,
        };
        await p.screenshot({ path: path.join(ARTIFACTS, `breaks-06-token-${name}.png`) });
        await p.close();
      }
      assert.equal(seen.wrong!.heading, seen.missing!.heading);
      assert.equal(seen.wrong!.body, seen.missing!.body);
      assert.match(seen.wrong!.body, /token/i);
      assert.doesNotMatch(seen.wrong!.body, /No library is open/);
      for (const s of Object.values(seen)) {
        assert.equal(s.library, false, 'no studio behind the screen');
        assert.equal(s.sockets, 0, 'no event socket without access');
      }
    } finally {
      await browser.close();
    }
    assert.deepEqual(studio.errors.filter((e) => !/401/.test(e)), []);
  });
});
