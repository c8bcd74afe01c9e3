// The Map view and "More like this" in Chromium at 1440×900 and 1024×700, on a real library of 30 rice photos
// whose map was computed by the map service with the real MobileNetV2 weights (the worker path is covered by
// tests/main/cli/map-similar.test.ts): the map renders, the colouring switches with its legend, hover shows a
// thumbnail, a lasso opens its images in Browse as a clearable image-set chip, the Browse detail panel shows
// similar images with labels — its index built by the similar.index worker job (the PCA threshold lowered to 10
// rows, so 30 images take the large-library path); a synthetic 75,000-point map is panned and zoomed while frame
// times are measured (headless Chromium's WebGL is SwiftShader, so the map draws with the CPU splat).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { computeMap } from '../../src/main/services/map';
import { dropIndex } from '../../src/main/services/similar';
import { makeTrainLibrary, trainTinyCnn } from '../helpers/train-lib';
import { openLibrary } from '../../src/main/library';
import { MOBILENET_DIR } from '../helpers/tmp';
import { openStudio, shot, type Studio, testId } from './harness';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const WheelEvent: any;
declare const requestAnimationFrame: any;

let studio: Studio;
let page: Page;
let libDir = '';

before(async () => {
  // Inherited by the host's workers: 30 images build a PCA-reduced index, as 20,000+ do.
  process.env.PADDY_SIMILAR_PCA_ABOVE = '10';
  const lib = makeTrainLibrary(6);
  await computeMap(lib, () => undefined, { weightsDir: MOBILENET_DIR, nEpochs: 200 });
  libDir = lib.paths.root;
  // The map job kept the index it built; without it the first "More like this" asks the worker job.
  fs.rmSync(path.join(lib.paths.cache, 'similar-index.bin'));
  dropIndex(lib);
  lib.close();
  studio = await openStudio(libDir);
  page = studio.page;
});

after(async () => {
  delete process.env.PADDY_SIMILAR_PCA_ABOVE;
  await studio?.close();
});

describe('the Map view', { concurrency: false }, () => {
  it('renders the cached map, switches colouring, shows a thumbnail on hover', async () => {
    await page.click(testId('nav-map'));
    await page.waitForSelector(testId('map-canvas'));
    assert.match(await page.textContent(testId('map-count')) ?? '', /30 images · umap/);
    const legend = async () => (await page.textContent(testId('map-legend'))) ?? '';
    assert.match(await legend(), /Arborio 6.*Basmati 6.*Ipsala 6.*Jasmine 6.*Karacadag 6/);
    const box = (await page.locator(testId('map-canvas')).boundingBox())!;
    // Hover: sweep the canvas until a point is under the pointer.
    let found = false;
    for (let gy = 0.1; gy < 0.95 && !found; gy += 0.04) {
      for (let gx = 0.1; gx < 0.95 && !found; gx += 0.02) {
        await page.mouse.move(box.x + gx * box.width, box.y + gy * box.height);
        found = await page.locator(testId('map-hover')).isVisible();
      }
    }
    assert.ok(found, 'a point shows its thumbnail on hover');
    assert.match((await page.textContent(testId('map-hover'))) ?? '', /Arborio|Basmati|Ipsala|Jasmine|Karacadag/);
    await shot(page, 'map-1440-label');
    await page.mouse.move(box.x + 2, box.y + 2);

    await page.selectOption(testId('map-color-by'), 'split');
    assert.match(await legend(), /test 5.*train 15.*val 10/);
    await page.selectOption(testId('map-color-by'), 'correctness');
    assert.match(await legend(), /not predicted 30/);
    await page.selectOption(testId('map-color-by'), 'label');
  });

  it('a lasso opens its images in Browse as a clearable chip; the detail panel shows similar images', async () => {
    await page.click(testId('map-lasso-mode'));
    const box = (await page.locator(testId('map-canvas')).boundingBox())!;
    // Around the whole canvas: every point is in.
    await page.mouse.move(box.x + 3, box.y + 3);
    await page.mouse.down();
    for (const [x, y] of [[box.width - 3, 3], [box.width - 3, box.height - 3], [3, box.height - 3], [3, 4]] as const) {
      await page.mouse.move(box.x + x, box.y + y, { steps: 4 });
    }
    await page.mouse.up();
    await page.waitForSelector(testId('map-selection'));
    assert.match((await page.textContent(testId('map-selection'))) ?? '', /30 images in the lasso/);
    await shot(page, 'map-1440-lasso');

    await page.click(testId('map-open-browse'));
    await page.waitForSelector(testId('image-set'));
    assert.match((await page.textContent(testId('image-set'))) ?? '', /Map lasso · 30 images/);
    await page.waitForFunction(() => document.querySelector('[data-testid="grid"]')?.getAttribute('data-total') === '30');

    await page.click(`${testId('cell')} >> nth=0`);
    await page.waitForSelector(`${testId('detail-panel')} ${testId('similar-item')}`, { timeout: 30_000 });
    const items = await page.locator(`${testId('detail-panel')} ${testId('similar-item')}`).count();
    assert.equal(items, 8);
    assert.match((await page.textContent(testId('similar-agree'))) ?? '', /of 8 are (Arborio|Basmati|Ipsala|Jasmine|Karacadag)/);
    assert.ok(fs.existsSync(path.join(libDir, 'cache', 'similar-index.bin')), 'the similar.index job built and kept the reduced index');
    await shot(page, 'map-1440-browse-similar');

    await page.click(testId('image-set-clear'));
    await page.waitForSelector(testId('image-set'), { state: 'detached' });
    assert.deepEqual(studio.errors, []);
  });

  it('75,000 synthetic points: pan and zoom frame times; the 1024×700 layout', async () => {
    await page.click(testId('nav-map'));
    await page.waitForSelector(testId('map-canvas'));
    await page.evaluate(() => window.__paddyMapSynthetic(75_000));
    await page.waitForFunction(() => /75,000 images/.test(document.querySelector('[data-testid="map-count"]')?.textContent ?? ''));
    const stats = await page.evaluate(async () => {
      const canvas = document.querySelector('[data-testid="map-canvas"]');
      const r = canvas.getBoundingClientRect();
      const frames: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 60; i++) {
        canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: i < 30 ? -40 : 40, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true }));
        await new Promise((res) => requestAnimationFrame(() => res(null)));
        const now = performance.now();
        frames.push(now - last);
        last = now;
      }
      frames.sort((a, b) => a - b);
      return { renderer: canvas.getAttribute('data-renderer'), drawMs: Number(canvas.getAttribute('data-draw-ms')), medianFrameMs: frames[30], p90FrameMs: frames[54] };
    });
    console.log(`map 75k: ${JSON.stringify(stats)}`);
    assert.ok(stats.drawMs > 0 && stats.medianFrameMs > 0);
    // No GPU here: the CPU splat, not emulated WebGL (70–110 ms a frame at 75,000 points: bench:map-fps).
    assert.equal(stats.renderer, 'cpu');
    await shot(page, 'map-1440-75k');
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.waitForTimeout(300);
    await shot(page, 'map-1024-75k');
    assert.deepEqual(studio.errors, []);
  });

  it('lays out by a trained run\'s last hidden layer too: each source has its own map', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    const lib = openLibrary(libDir);
    const runId = await trainTinyCnn(lib);
    lib.close();
    await page.reload();
    await page.waitForSelector(testId('map-source'));
    // The runs list loads after the view: wait for the run's option rather than read a half-loaded list.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="map-source"] option').length > 1, undefined, { timeout: 15_000 }).catch(() => undefined);
    const options = await page.$$eval(`${testId('map-source')} option`, (os: any[]) => os.map((o) => o.value));
    assert.deepEqual(options, ['features', `run:${runId}`]);
    await page.selectOption(testId('map-source'), `run:${runId}`);
    await page.waitForFunction(() => /No map for the library as it is now/.test(document.querySelector('[data-testid="view-map"]')?.textContent ?? ''));
    assert.equal(await page.locator(testId('map-canvas')).count(), 0, 'the run has no map yet: nothing of the features map is shown for it');
    await page.setViewportSize({ width: 1024, height: 700 });
    // A long run name must not squeeze the view's heading into a column.
    const subHeight = await page.$eval(`${testId('view-map')} .view-head .sub`, (el: any) => el.getBoundingClientRect().height);
    assert.ok(subHeight < 60, `the heading's line stays readable at 1024×700 (${subHeight}px tall)`);
    await shot(page, 'map-1024-source-run');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.selectOption(testId('map-source'), 'features');
    await page.waitForSelector(testId('map-canvas'));
    assert.match((await page.textContent(testId('map-count'))) ?? '', /30 images · umap/);
  });
});
