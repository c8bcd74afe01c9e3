// Calibration in real Chromium against the real web host, on real rice photos with two tiny real training runs:
// the run detail shows the test reliability diagram before/after temperature scaling, ECE/NLL/Brier on val and
// test, the per-class table (support, precision, recall, F1, AP) and PR curves; Compare shows both runs' side by
// side; Predict's unsure band shows an answer below the line as "unsure" with its two likeliest classes, the
// line defaulting to the run's val value. At 1440×900 and 1024×700; screenshots in test-artifacts/calibration-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { RunCalibration } from '../../src/shared/types';
import { riceFiles, riceSubset } from '../helpers/rice-subset';
import { tempDir } from '../helpers/tmp';
import { openStudio, shot, type Studio, hostApi, atBothSizes, testId } from './harness';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

// Enough for ≥ 20 val images, so each run's temperature is fitted (fewer and T stays 1).
const PER_CLASS = 30;
let studio: Studio;
let page: Page;
let dataset: string;
const runIds: string[] = [];

const text = async (sel: string) => ((await page.textContent(sel)) ?? '').trim();
const api = <T>(name: string, input: unknown): Promise<T> => hostApi(studio)<T>(name, input);

async function trainTiny(seed: number, epochs: number): Promise<string> {
  const config = { model: 'cnn', imageSize: 24, filters: [4], dense: [8], epochs, batchSize: 16, augment: false, earlyStopping: false, seed };
  const { runId } = await api<{ runId: string }>('train.start', { config });
  for (let i = 0; i < 480; i++) {
    const r = await api<{ status: string; error: string | null }>('runs.get', { runId });
    if (r.status === 'completed') return runId;
    if (r.status === 'failed' || r.status === 'cancelled') throw new Error(`the tiny run ${r.status}: ${r.error}`);
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`run ${runId} did not finish`);
}

before(async () => {
  dataset = riceSubset(PER_CLASS);
  studio = await openStudio(tempDir('paddy-e2e-cal-lib-'));
  page = studio.page;
  await api('import.folder', { folder: dataset });
  runIds.push(await trainTiny(3, 1));
  runIds.push(await trainTiny(4, 2));
  await page.reload();
});

after(async () => {
  await studio?.close();
});

describe('calibration in Chromium', { concurrency: false }, () => {
  it('the run detail shows the reliability diagram before/after, ECE/NLL/Brier, the per-class table and PR curves', async () => {
    const [a] = runIds;
    await page.click(testId('nav-runs'));
    await page.waitForSelector(testId('runs-table'));
    await page.click(`[data-run="${a}"]`);
    await page.waitForSelector(testId('calibration'), { timeout: 30_000 });
    const c = await api<RunCalibration>('runs.calibration', { runId: a });
    // The table shows the stored numbers.
    assert.equal(Number(await page.getAttribute(testId('calibration-scores'), 'data-temperature')), c.temperature);
    assert.equal(await page.locator(testId('calibration-unfitted')).count(), c.fittedOn ? 0 : 1);
    const after = await text(testId('calibration-scores-test-after'));
    assert.ok(after.includes(c.test!.after.ece.toFixed(3)) && after.includes(c.test!.after.brier.toFixed(3)), after);
    // Bars for the non-empty bins, before and after; the diagonal.
    const bars = await page.$$eval(`${testId('reliability')} rect`, (rs: any[]) => rs.map((r) => r.getAttribute('data-series')));
    const nonEmpty = (s: 'before' | 'after') => c.test![s].bins.filter((b) => b.count).length;
    assert.equal(bars.filter((s) => s === 'before').length, nonEmpty('before'));
    assert.equal(bars.length, nonEmpty('before') + nonEmpty('after'));
    // One PR curve and one table row per class, AP shown.
    assert.equal(await page.locator(`${testId('pr-curves')} path[data-series]`).count(), 5);
    const rows = await page.$$eval(`${testId('per-class-table')} tbody tr`, (trs: any[]) => trs.map((t) => t.textContent));
    assert.equal(rows.length, 5);
    assert.ok(rows[0].startsWith('Arborio') && rows[0].includes(c.perClass[0]!.ap.toFixed(3)), rows[0]);
    await atBothSizes(page, 'calibration-run-detail', async () => {
      await page.locator(testId('calibration')).scrollIntoViewIfNeeded();
    });
  });

  it('Compare shows both runs\u2019 diagrams, numbers and per-class tables side by side', async () => {
    const [, b] = runIds;
    await page.click(`[data-run="${b}"]`);
    await page.waitForSelector(testId('compare-calibration'), { timeout: 30_000 });
    await page.waitForSelector(testId('calibration-a'));
    await page.waitForSelector(testId('calibration-b'));
    for (const tag of ['a', 'b']) {
      assert.ok((await page.locator(`${testId(`reliability-${tag}`)} rect`).count()) > 0, `diagram ${tag}`);
      assert.equal(await page.locator(`${testId(`per-class-table-${tag}`)} tbody tr`).count(), 5);
    }
    const [ta, tb] = await Promise.all(['a', 'b'].map((t) => page.getAttribute(testId(`calibration-scores-${t}`), 'data-temperature')));
    const cb = await api<RunCalibration>('runs.calibration', { runId: b });
    assert.equal(Number(tb), cb.temperature);
    assert.ok(ta !== null);
    await atBothSizes(page, 'calibration-compare', async () => {
      await page.locator(testId('compare-calibration')).scrollIntoViewIfNeeded();
    });
  });

  it('Predict: below the unsure line an answer shows as unsure with its two likeliest classes', async () => {
    const c = await api<RunCalibration>('runs.calibration', { runId: runIds[1]! });
    await page.click(testId('nav-predict'));
    await page.selectOption(testId('predict-run'), runIds[1]!);
    // The line defaults to the run's val value.
    await page.waitForFunction(() => /on this run's val images/.test(document.querySelector('[data-testid="predict-unsure-help"]')?.textContent ?? ''));
    assert.equal(Number(await page.inputValue(testId('predict-unsure'))), Math.round(c.unsureThreshold * 1000) / 10);
    // A line of 100%: every answer is unsure.
    await page.fill(testId('predict-unsure'), '100');
    const files = ['Jasmine', 'Basmati'].map((cls) => path.join(dataset, cls, riceFiles(cls)[0]!));
    await page.setInputFiles(testId('predict-upload'), files);
    // A prediction starts a worker (slow on a busy machine); a failure shows as an error banner instead.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="predict-result"]').length === 2 || document.querySelector('.banner.error'), null, { timeout: 120_000 });
    assert.equal(await page.locator('.banner.error').count(), 0, await page.locator('.banner.error').allInnerTexts().then((t) => t.join(' ')));
    assert.equal(await page.locator(testId('predict-unsure-answer')).count(), 2);
    const answer = await text(testId('predict-unsure-answer'));
    assert.match(answer, /^unsure \S+ [\d.]+% or \S+ [\d.]+%/);
    await atBothSizes(page, 'calibration-predict-unsure', async () => {
      await page.locator(testId('predict-results')).scrollIntoViewIfNeeded();
    });
    // A line of 0: nothing is unsure; back to the val default.
    await page.fill(testId('predict-unsure'), '0');
    assert.equal(await page.locator(testId('predict-unsure-answer')).count(), 0);
    await page.click(testId('predict-unsure-reset'));
    assert.equal(Number(await page.inputValue(testId('predict-unsure'))), Math.round(c.unsureThreshold * 1000) / 10);
    assert.deepEqual(studio.errors, []);
  });
});
