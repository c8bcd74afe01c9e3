// Grad-CAM overlays in real Chromium against the real web host, on a library of real rice photos (imported) with a
// saved run's model: the heat map over the Browse detail image (switch, opacity, class picker), the "heat" toggle on
// the grid tiles, a Predict result's heat map for uploaded bytes, and the current suspect's heat map. At 1440×900
// and 1024×700; screenshots go to test-artifacts/explain-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openLibrary } from '../../src/main/library';
import { saveScan, type SuspectRow } from '../../src/main/repos/suspects.repo';
import { riceFiles, riceSubset } from '../helpers/rice-subset';
import { RICE_DIR, tempDir } from '../helpers/tmp';
import { savedCnnRun } from '../helpers/saved-run';
import { openStudio, shot, type Studio, atBothSizes, testId } from './harness';
import path from 'node:path';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

const RUN = 'cnn-20260301-000000-explai';
const CLASSES = ['Arborio', 'Basmati', 'Ipsala'];
let studio: Studio;
let page: Page;
const text = async (sel: string) => ((await page.textContent(sel)) ?? '').trim();
/** The canvas has pixels drawn (some alpha) — the heat layer is really there. */
const painted = (sel: string) =>
  page.$eval(sel, (c: any) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let a = 0;
    for (let i = 3; i < d.length; i += 4) a += d[i];
    return c.width > 0 && a > 0;
  });

before(async () => {
  const dataset = riceSubset(3, { classes: CLASSES });
  const dir = tempDir('paddy-e2e-explain-lib-');
  studio = await openStudio(dir);
  page = studio.page;
  const res = await fetch(`http://127.0.0.1:${studio.host.port}/api/import.folder`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${studio.host.token}` },
    body: JSON.stringify({ folder: dataset }),
  });
  assert.ok(((await res.json()) as { ok: boolean }).ok);
  // A completed run with a saved (small, untrained) CNN, its classes recorded with their ids, and a stored scan.
  const lib = openLibrary(dir);
  await savedCnnRun(lib, RUN, CLASSES, 32);
  const ids = Object.fromEntries((lib.db.prepare('SELECT id, name FROM classes').all() as Array<{ id: number; name: string }>).map((c) => [c.name, c.id]));
  lib.db.prepare('UPDATE runs SET classes = ? WHERE id = ?').run(JSON.stringify(CLASSES.map((n) => ({ id: ids[n], name: n }))), RUN);
  const arborio = (lib.db.prepare('SELECT image_id AS id FROM labels WHERE class_id = ? ORDER BY image_id').all(ids.Arborio) as Array<{ id: number }>).map((r) => r.id);
  const rows: SuspectRow[] = arborio.slice(0, 2).map((imageId, rank) => ({
    imageId, kind: 'label', rank, labelClassId: ids.Arborio!, suggestedClassId: ids.Basmati!, score: 0.9 - rank / 10,
    probs: JSON.stringify({ Arborio: 0.2, Basmati: 0.7, Ipsala: 0.1 }), partnerImageId: null, similarity: null,
  }));
  saveScan(lib.db, { startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), folds: 3, extractor: 'test', scanned: 9, seconds: 1, classes: [] }, rows);
  lib.close();
  await page.reload();
});

after(async () => {
  await studio?.close();
});

describe('Grad-CAM overlays', { concurrency: false }, () => {
  it('Browse detail: the heat map over the image, its opacity and a picked class', async () => {
    await page.click(testId('nav-browse'));
    await page.waitForSelector(testId('cell'));
    await page.click(`${testId('cell')} >> nth=0`);
    const canvas = `${testId('detail-panel')} ${testId('heat-canvas')}`;
    await page.waitForSelector(canvas, { timeout: 60_000 });
    assert.ok(await painted(canvas), 'heat drawn on the canvas');
    assert.match(await text(`${testId('detail-panel')} ${testId('heat-status')}`), new RegExp(`Where ${RUN} looked to say (Arborio|Basmati|Ipsala)`));
    // The canvas lies exactly over the square image (rice photos are square; the box is too).
    const [img, can] = await Promise.all([page.$eval(`${testId('detail-panel')} img.detail-img`, (e: any) => e.getBoundingClientRect().toJSON()), page.$eval(canvas, (e: any) => e.getBoundingClientRect().toJSON())]);
    for (const k of ['x', 'y', 'width', 'height']) assert.ok(Math.abs(img[k] - can[k]) < 1.5, `${k}: image ${img[k]} vs heat ${can[k]}`);

    await shot(page, 'explain-browse-detail-predicted-1440x900');
    await page.selectOption(`${testId('detail-panel')} ${testId('heat-class')}`, 'Ipsala');
    await page.waitForSelector(`${testId('detail-panel')} ${testId('heat-canvas')}[data-class="Ipsala"]`, { timeout: 60_000 });
    assert.match(await text(`${testId('detail-panel')} ${testId('heat-status')}`), /Evidence for Ipsala \(predicted \w+\)/);
    await page.fill(`${testId('detail-panel')} ${testId('heat-opacity')}`, '90');
    await atBothSizes(page, 'explain-browse-detail', async () => {
      assert.ok(await page.isVisible(canvas));
      assert.ok(await page.isVisible(`${testId('detail-panel')} ${testId('heat-opacity')}`), 'the opacity slider is in view');
    });
    await page.uncheck(`${testId('detail-panel')} ${testId('heat-toggle')}`);
    assert.equal(await page.$(canvas), null, 'switched off: no heat');
    await page.check(`${testId('detail-panel')} ${testId('heat-toggle')}`);
    await page.waitForSelector(canvas);
  });

  it('the grid\'s "heat" toggle draws the heat on the visible tiles', async () => {
    await page.click(testId('grid-heat-toggle'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="tile-heat"]').length >= 9, null, { timeout: 60_000 });
    await atBothSizes(page, 'explain-grid-tiles', async () => {
      assert.ok((await page.$$(testId('tile-heat'))).length >= 9);
    });
    await page.click(testId('grid-heat-toggle'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="tile-heat"]').length === 0);
  });

  it('Predict: a result\'s heat map for uploaded bytes', async () => {
    await page.click(testId('nav-predict'));
    const file = path.join(RICE_DIR, 'Ipsala', riceFiles('Ipsala')[40]!);
    await page.setInputFiles(testId('predict-upload'), [file]);
    await page.waitForSelector(testId('predict-result'), { timeout: 60_000 });
    await page.click(testId('predict-heat-open'));
    const canvas = `${testId('predict-heat')} ${testId('heat-canvas')}`;
    await page.waitForSelector(canvas, { timeout: 60_000 });
    assert.ok(await painted(canvas));
    await atBothSizes(page, 'explain-predict', async () => {
      await page.locator(testId('predict-heat')).scrollIntoViewIfNeeded();
      assert.ok(await page.isVisible(canvas));
    });
  });

  it('Suspects: the current suspect with its heat map', async () => {
    await page.click(testId('nav-suspects'));
    const canvas = `${testId('suspect-heat')} ${testId('heat-canvas')}`;
    await page.waitForSelector(canvas, { timeout: 60_000 });
    assert.ok(await painted(canvas));
    await atBothSizes(page, 'explain-suspects', async () => {
      assert.ok(await page.isVisible(canvas));
    });
    assert.deepEqual(studio.errors, []);
  });
});
