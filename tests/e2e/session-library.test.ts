// The web host's session and the Library view's checks, in real Chromium against the real web host on one fresh
// library: the first launch imports the real rice sample; the printed URL's token leaves the address bar and a
// reload and a second tab keep the studio (the session cookie); Browse's filters survive a reload through the
// address; importing the same folder again says "nothing new" without a success toast; a weights folder is
// checked when saved. Screenshots go to test-artifacts/session-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { MOBILENET_DIR, tempDir } from '../helpers/tmp';
import { openStudio, shot, type Studio, testId } from './harness';

// Code passed to page.evaluate runs in the page (the node tsconfig has no DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

let studio: Studio;
let page: Page;
let libDir: string;
const text = async (p: Page, sel: string) => ((await p.textContent(sel)) ?? '').trim();
const waitTotal = (p: Page, n: number) =>
  p.waitForFunction((n) => document.querySelector('[data-testid="grid"]')?.getAttribute('data-total') === String(n), n, { timeout: 30_000 });

before(async () => {
  libDir = path.join(tempDir('paddy-e2e-session-'), 'lib');
  studio = await openStudio(libDir);
  page = studio.page;
});
after(async () => {
  await studio?.close();
});

describe('session, first launch, URL state and Library settings', () => {
  it('first launch: the sample is 200 real rice photos in five classes', async () => {
    await page.waitForSelector(testId('first-run'));
    await shot(page, 'session-01-first-run');
    await page.click(testId('import-demo'));
    await page.waitForSelector(testId('report-imported'), { timeout: 60_000 });
    assert.equal(await text(page, testId('report-imported')), '200');
    for (const c of ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag']) await page.waitForSelector(testId(`class-row-${c}`));
    await page.click(testId('nav-browse'));
    await waitTotal(page, 200);
    // Real photos, decoded: the first rows of thumbnails have loaded.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="grid"] img')].filter((i: any) => i.complete && i.naturalWidth > 0).length >= 15, null, { timeout: 30_000 });
    await shot(page, 'session-02-sample-browse');
  });

  it('the token leaves the address; a reload and a second tab keep the studio through the cookie', async () => {
    assert.doesNotMatch(page.url(), /token=/);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === `paddy_session_${studio.host.port}`);
    assert.ok(session, 'the session cookie is set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'page scripts cannot read it');

    await page.reload();
    await page.waitForSelector(testId('grid'));
    assert.equal(await page.$(testId('no-access')), null);

    // A second tab in the same browser: the harness's page owns its context, so open the printed URL in a
    // fresh context once, then a second page there without any token.
    const context = await studio.browser.newContext({ viewport: { width: 1024, height: 700 } });
    try {
      const first = await context.newPage();
      await first.goto(studio.host.url);
      await first.waitForSelector(testId('class-row-Basmati'), { timeout: 15_000 });
      const second = await context.newPage();
      await second.goto(`http://127.0.0.1:${studio.host.port}/`);
      await second.waitForSelector(testId('class-row-Basmati'), { timeout: 15_000 });
      // Images come through the cookie too (no token in their URLs).
      await second.click(testId('nav-browse'));
      await second.waitForFunction(() => [...document.querySelectorAll('[data-testid="grid"] img')].some((i: any) => i.complete && i.naturalWidth > 0));
      assert.doesNotMatch((await second.getAttribute(`${testId('grid')} img`, 'src')) ?? '', /token=/);
      await shot(second, 'session-03-second-tab-1024x700');
    } finally {
      await context.close();
    }
  });

  it('Browse filters survive a reload through the address', async () => {
    await page.click(testId('nav-browse'));
    await page.click(testId('filter-class-Basmati'));
    await page.click(testId('filter-split-test'));
    await page.waitForFunction(() => /class=\d+&split=test/.test(document.location.hash));
    const filtered = await page.getAttribute(testId('grid'), 'data-total');
    assert.ok(Number(filtered) > 0 && Number(filtered) < 40, `filtered total ${filtered}`);
    await page.reload();
    await waitTotal(page, Number(filtered));
    assert.match(page.url(), /#\/browse\?class=\d+&split=test$/);
    assert.match((await page.getAttribute(testId('filter-class-Basmati'), 'class')) ?? '', /\bon\b/);
    assert.match((await page.getAttribute(testId('filter-split-test'), 'class')) ?? '', /\bon\b/);
    await shot(page, 'session-04-filter-after-reload');
  });

  it('importing the same folder again says "nothing new" without a success toast', async () => {
    await page.click(testId('nav-library'));
    await page.fill(testId('import-path'), path.join(libDir, 'cache', 'demo-source'));
    await page.click(testId('import-start'));
    await page.waitForSelector(testId('report-nothing-new'), { timeout: 60_000 });
    assert.equal(await text(page, testId('report-nothing-new')), 'Nothing new: 200 already in the library.');
    const toasts = await page.$$eval(`${testId('toasts')} > *`, (els: any[]) => els.map((e) => `${e.className}|${e.textContent}`));
    assert.ok(toasts.some((t) => /Nothing new: 200 already in the library/.test(t)), toasts.join(' / '));
    assert.ok(!toasts.some((t) => /Imported/.test(t) && !/Imported 200/.test(t)), toasts.join(' / '));
    assert.ok(!toasts.some((t) => /\bok\b/.test(t.split('|')[0]!) && /Nothing new/.test(t)), 'not styled as a success');
    await shot(page, 'session-05-nothing-new');
  });

  it('the weights folder is checked when saved: which widths it holds, or why it is refused', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    assert.equal(await page.$(testId('settings-choose')), null, 'no folder picker on the web');
    await page.fill(testId('settings-weights'), path.join(libDir, 'no-such-folder'));
    await page.click(testId('settings-save'));
    await page.waitForSelector(testId('settings-error'));
    assert.match(await text(page, testId('settings-error')), /weights folder not found/);
    await page.$eval(testId('settings-card'), (el: any) => el.scrollIntoView());
    await shot(page, 'session-06-weights-refused-1024x700');

    await page.fill(testId('settings-weights'), MOBILENET_DIR);
    await page.click(testId('settings-save'));
    await page.waitForSelector(testId('settings-weights-check'));
    assert.match(await text(page, testId('settings-weights-check')), /holds MobileNetV2 1\.0 and 0\.35/);
    assert.equal(await page.$(testId('settings-error')), null);
    await page.$eval(testId('settings-card'), (el: any) => el.scrollIntoView());
    await shot(page, 'session-07-weights-ok-1024x700');
    await page.setViewportSize({ width: 1440, height: 900 });
    assert.deepEqual(studio.errors.filter((e) => !/40[14]/.test(e)), []);
  });
});
