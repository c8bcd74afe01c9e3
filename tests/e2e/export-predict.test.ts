// Export and Predict in real Chromium against the real web host, on one library of real rice photos with one
// tiny real training run: the corrected dataset exported from the Library view with progress and its
// location; the run's model exported as an .onnx that onnxruntime-node loads; Predict with a preview per
// file, "already in the library as <label>" for bytes the library holds, results kept newest first, Clear.
// At 1440×900 and 1024×700; screenshots go to test-artifacts/export-*.png and predict-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { riceFiles, riceSubset } from '../helpers/rice-subset';
import { MOBILENET_DIR, RICE_DIR, tempDir } from '../helpers/tmp';
import { openStudio, shot, type Studio, hostApi, testId } from './harness';

// Code passed to page.evaluate runs in the page (the node tsconfig has no DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const MutationObserver: any;

const PER_CLASS = 12;
let studio: Studio;
let page: Page;
let dataset: string;
let runId: string;
const out = tempDir('paddy-e2e-export-');

const text = async (sel: string) => ((await page.textContent(sel)) ?? '').trim();
const api = <T>(name: string, input: unknown): Promise<T> => hostApi(studio)<T>(name, input);
/** Nothing in the view is wider than the window (no sideways scrolling at this size). */
const overflowX = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

before(async () => {
  dataset = riceSubset(PER_CLASS);
  studio = await openStudio(tempDir('paddy-e2e-exp-lib-'));
  page = studio.page;
  await api('import.folder', { folder: dataset });
  // Test-time views on: Predict and the export go through the eight-view average (#12).
  const config = { model: 'cnn', imageSize: 32, filters: [4], dense: [8], epochs: 1, batchSize: 16, augment: false, earlyStopping: false, seed: 3, testViews: true };
  runId = (await api<{ runId: string }>('train.start', { config })).runId;
  for (let i = 0; i < 240; i++) {
    const r = await api<{ status: string; error: string | null }>('runs.get', { runId });
    if (r.status === 'completed') break;
    if (r.status === 'failed' || r.status === 'cancelled') throw new Error(`the tiny run ${r.status}: ${r.error}`);
    await new Promise((res) => setTimeout(res, 500));
  }
  await page.reload();
  await page.waitForSelector(testId('export-card'));
});

after(async () => {
  await studio?.close();
});

describe('export and predict in Chromium', { concurrency: false }, () => {
  it('exports the corrected dataset from the Library view with progress, then says where it is', async () => {
    // Every progress count the bar shows is recorded (the copy may be quick: watch from before the click).
    await page.evaluate(() => {
      const w = window as { exportCounts: string[] };
      w.exportCounts = [];
      new MutationObserver(() => {
        const c = document.querySelector('[data-testid="export-progress"] .progress-label span:last-child')?.textContent;
        if (c && w.exportCounts.at(-1) !== c) w.exportCounts.push(c);
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    const folder = path.join(out, 'rice-corrected');
    await page.fill(testId('export-folder'), folder);
    assert.equal(await page.isChecked(testId('export-csv')), true);
    await page.click(testId('export-dataset'));
    await page.waitForSelector(testId('export-done'), { timeout: 30_000 });
    assert.equal(await text(testId('export-location')), folder);
    assert.equal(await text(testId('export-csv-location')), `${folder}.csv`);
    assert.match(await text(testId('export-done')), new RegExp(`Exported ${5 * PER_CLASS} images`));
    assert.equal(await page.locator(testId('export-show-in-folder')).count(), 0, 'Show in folder is desktop-only (#11)');
    assert.deepEqual(fs.readdirSync(folder).sort(), ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag']);
    assert.equal(fs.readFileSync(`${folder}.csv`, 'utf8').trim().split('\n').length, 1 + 5 * PER_CLASS);
    const counts = (await page.evaluate(() => (window as { exportCounts: string[] }).exportCounts)) as string[];
    assert.ok(counts.length > 0, 'the progress bar was shown');
    assert.ok(counts.every((c) => / \/ 60$/.test(c) || c === '0 / 0'), counts.join(' | '));
    await page.locator(testId('export-card')).scrollIntoViewIfNeeded();
    await shot(page, 'export-dataset-1440');

    await page.click(testId('export-dataset'));
    await page.waitForSelector(testId('export-error'));
    assert.match(await text(testId('export-error')), /is not empty/);
  });

  it("exports the run's model as an .onnx that onnxruntime loads, and says where it is", async () => {
    assert.equal(await page.inputValue(testId('export-onnx-run')), runId);
    const file = path.join(out, 'models', 'rice.onnx');
    await page.fill(testId('export-onnx-file'), file);
    await page.click(testId('export-onnx'));
    await page.waitForSelector(testId('export-onnx-done'), { timeout: 60_000 });
    assert.equal(await text(testId('export-onnx-location')), file);
    const session = await ort.InferenceSession.create(file);
    // The CNN weighs in its shape classifier (the default): the graph takes the shape numbers as a second input.
    assert.deepEqual(session.inputNames, ['input', 'object_shape']);
    const res = await session.run({
      input: new ort.Tensor('float32', new Float32Array(32 * 32 * 3).fill(120), [1, 32, 32, 3]),
      object_shape: new ort.Tensor('float32', new Float32Array(13), [1, 13, 1, 1]),
    });
    assert.equal((res.output!.data as Float32Array).length, 5);
    await session.release();
    assert.match(await text(testId('export-onnx-views')), /averages each image’s 8 flips and quarter turns; the file scores one image as given/);
    await page.locator(testId('export-card')).scrollIntoViewIfNeeded();
    await shot(page, 'export-onnx-1440');
  });

  it('predicts with a preview per file, names a library match, keeps results newest first, and clears', async () => {
    const known = path.join(dataset, 'Jasmine', riceFiles('Jasmine')[0]!);
    // A grain the library has not seen, under a name of its own.
    const unseen = path.join(tempDir(), 'new-grain.jpg');
    fs.copyFileSync(path.join(RICE_DIR, 'Ipsala', riceFiles('Ipsala')[PER_CLASS + 5]!), unseen);
    await page.click(testId('nav-predict'));
    await page.waitForSelector(testId('predict-upload'), { state: 'attached' });
    await page.setInputFiles(testId('predict-upload'), [known, unseen]);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="predict-result"]').length === 2, null, { timeout: 30_000 });
    const cards = page.locator(testId('predict-result'));
    assert.match(await cards.nth(0).innerText(), /Already in the library as Jasmine/);
    assert.equal(await cards.nth(1).locator(testId('predict-match')).count(), 0, 'a new file has no match');
    // Both previews are the uploaded bytes, decoded by the browser.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="predict-preview"]')].every((i: any) => i.complete && i.naturalWidth > 0));
    assert.equal(await page.locator(testId('predict-preview')).count(), 2);

    // A typed path of a library file: its preview is the library's thumbnail, served by the host.
    await page.fill(testId('predict-paths'), known);
    await page.click(testId('predict-go'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="predict-result"]').length === 3, null, { timeout: 30_000 });
    assert.match(await cards.nth(0).innerText(), new RegExp(`${path.basename(known)}[\\s\\S]*Already in the library as Jasmine`));
    const src = await cards.nth(0).locator(testId('predict-preview')).getAttribute('src');
    assert.match(src ?? '', /\/api\/img\/thumb\/\d+/);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="predict-preview"]')].every((i: any) => i.complete && i.naturalWidth > 0));
    assert.match(await text(testId('predict-count')), /^3 this session/);
    assert.ok((await overflowX()) <= 0);
    await shot(page, 'predict-1440');

    // Leaving Predict and coming back keeps the session's results.
    await page.click(testId('nav-library'));
    await page.waitForSelector(testId('export-card'));
    await page.click(testId('nav-predict'));
    await page.waitForSelector(testId('predict-results'));
    assert.equal(await cards.count(), 3);

    await page.setViewportSize({ width: 1024, height: 700 });
    assert.ok((await overflowX()) <= 0, 'no sideways scrolling at 1024×700');
    await shot(page, 'predict-1024');
    await page.click(testId('predict-clear'));
    assert.equal(await cards.count(), 0);

    await page.click(testId('nav-library'));
    await page.waitForSelector(testId('export-card'));
    await page.locator(testId('export-card')).scrollIntoViewIfNeeded();
    assert.ok((await overflowX()) <= 0, 'the export card fits at 1024×700');
    await shot(page, 'export-1024');
    assert.deepEqual(studio.errors, []);
  });

  it("exports a MobileNetV2 run whose head takes the object's shape numbers, and says how to feed them", async () => {
    const config = { model: 'mobilenetv2', alpha: 0.35, weightsDir: MOBILENET_DIR, dense: [8], epochs: 1, maxPerClass: 4, seed: 3 };
    const mnv2 = (await api<{ runId: string }>('train.start', { config })).runId;
    for (let i = 0; i < 240; i++) {
      const r = await api<{ status: string; error: string | null }>('runs.get', { runId: mnv2 });
      if (r.status === 'completed') break;
      if (r.status === 'failed' || r.status === 'cancelled') throw new Error(`the MobileNetV2 run ${r.status}: ${r.error}`);
      await new Promise((res) => setTimeout(res, 500));
    }
    await page.reload();
    await page.waitForSelector(testId('export-card'));
    await page.selectOption(testId('export-onnx-run'), mnv2);
    const file = path.join(out, 'models', 'rice-mnv2.onnx');
    await page.fill(testId('export-onnx-file'), file);
    await page.click(testId('export-onnx'));
    await page.waitForSelector(testId('export-onnx-done'), { timeout: 60_000 });
    assert.match(await text(testId('export-onnx-shape')), /second input “object_shape” \[N, 13, 1, 1\] takes the object's shape numbers Paddy computes from the image at 224 px/);
    const session = await ort.InferenceSession.create(file);
    assert.deepEqual(session.inputNames, ['input', 'object_shape']);
    await session.release();
    for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.locator(testId('export-onnx-shape')).scrollIntoViewIfNeeded();
      assert.ok(await page.isVisible(testId('export-onnx-shape')));
      assert.ok((await overflowX()) <= 0, `no sideways scrolling at ${w}×${h}`);
      await shot(page, `export-onnx-shape-${w}`);
    }
    assert.deepEqual(studio.errors, []);
  });
});
