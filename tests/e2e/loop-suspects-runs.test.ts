// The review loop and the runs table as a user drives them, in Chromium at 1440×900 and 1024×700, on a real
// library of rice photos whose scan and two finished runs are stored as the scan and training would store
// them (rows in its SQLite file; no training here, so the test stays fast): Suspects says "not scanned yet"
// before a scan, shows "N of M", a result after each decision, puts an undone image back and accepts a class
// pair at once; a run's name survives a reload, the default mark shows, and the confusion toggle changes cells.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openLibrary } from '../../src/main/library';
import { saveScan, type SuspectRow } from '../../src/main/repos/suspects.repo';
import { makeTrainLibrary } from '../helpers/train-lib';
import { openStudio, shot, type Studio, atBothSizes, testId } from './harness';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

let studio: Studio;
let page: Page;
let dir = '';
const classIds: Record<string, number> = {};
const byClass: Record<string, number[]> = {};
const text = async (sel: string) => ((await page.textContent(sel)) ?? '').trim();

function storeRuns(): void {
  const lib = openLibrary(dir);
  const db = lib.db;
  const names = ['Arborio', 'Basmati', 'Ipsala'];
  const test = db.prepare(`SELECT s.image_id AS id, l.class_id AS cls FROM splits s JOIN labels l ON l.image_id = s.image_id WHERE s.split = 'test'`).all() as Array<{ id: number; cls: number }>;
  const runs: Array<[string, string, number, number[][]]> = [
    ['cnn-20260101-000000-aaaaaa', '2026-01-01T00:00:00Z', 0.9, [[1, 0, 0], [0, 1, 0], [0, 0, 1]]],
    ['cnn-20260102-000000-bbbbbb', '2026-01-02T00:00:00Z', 0.6, [[1, 0, 0], [1, 0, 0], [0, 0, 1]]],
  ];
  for (const [id, at, val, confusion] of runs) {
    const right = confusion.reduce((a, r, i) => a + r[i]!, 0);
    const perClass = Object.fromEntries(names.map((n, i) => [n, { precision: 1, recall: confusion[i]![i]!, f1: confusion[i]![i]!, support: 1 }]));
    const metrics = { accuracy: right / 3, macroF1: right / 3, n: 3, classes: names, perClass, confusion };
    db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at, finished_at, classes, test_metrics, test_accuracy, macro_f1, seconds)
      VALUES (?, 'cnn', 'completed', ?, 1, ?, ?, ?, ?, ?, ?, '{"total": 12}')`).run(
      id, JSON.stringify({ model: 'cnn', imageSize: 32, filters: [4], dense: [8], epochs: 2, batchSize: 4, learningRate: 0.001 }), at, at,
      JSON.stringify(names.map((n) => ({ id: classIds[n], name: n }))), JSON.stringify(metrics), right / 3, right / 3);
    db.prepare(`INSERT INTO run_epochs (run_id, epoch, loss, accuracy, val_loss, val_accuracy, seconds) VALUES (?, 1, 1.1, 0.4, 1.0, ?, 1), (?, 2, 0.7, 0.7, 0.8, ?, 1)`)
      .run(id, val - 0.2, id, val);
    for (const t of test) {
      const i = names.findIndex((n) => classIds[n] === t.cls);
      const predicted = classIds[names[confusion[i]!.findIndex((c) => c > 0)]!]!;
      db.prepare(`INSERT INTO run_predictions (run_id, image_id, true_class_id, predicted_class_id, confidence, loss, probs, split) VALUES (?, ?, ?, ?, 0.8, 0.2, '[0.8,0.1,0.1]', 'test')`)
        .run(id, t.id, t.cls, predicted);
    }
  }
  lib.close();
}

function storeScan(): void {
  const lib = openLibrary(dir);
  const rows: SuspectRow[] = [
    ...byClass.Arborio!.slice(0, 3).map((id) => [id, classIds.Arborio!, classIds.Basmati!] as const),
    [byClass.Ipsala![0]!, classIds.Ipsala!, classIds.Arborio!] as const,
  ].map(([imageId, l, s], rank) => ({
    imageId, kind: 'label', rank, labelClassId: l, suggestedClassId: s, score: 0.9 - rank / 10,
    probs: JSON.stringify({ Arborio: 0.2, Basmati: 0.7, Ipsala: 0.1 }), partnerImageId: null, similarity: null,
  }));
  saveScan(lib.db, { startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), folds: 3, extractor: 'test', scanned: 15, seconds: 1, classes: [] }, rows);
  lib.close();
}

before(async () => {
  const lib = makeTrainLibrary(5, { classes: 3 });
  dir = lib.dir;
  for (const r of lib.db.prepare(`SELECT c.name, c.id, l.image_id AS imageId FROM classes c JOIN labels l ON l.class_id = c.id ORDER BY l.image_id`).all() as Array<{ name: string; id: number; imageId: number }>) {
    classIds[r.name] = r.id;
    (byClass[r.name] ??= []).push(r.imageId);
  }
  lib.close();
  storeRuns();
  studio = await openStudio(dir);
  page = studio.page;
});

after(async () => {
  await studio?.close();
});

describe('the loop: Suspects, Runs and Compare', { concurrency: false }, () => {
  it('Suspects before any scan says "not scanned yet", not a ✓', async () => {
    await page.click(testId('nav-suspects'));
    await page.waitForSelector(testId('suspects-not-scanned'));
    assert.match(await text(testId('suspects-not-scanned')), /Not scanned yet/);
    assert.equal(await page.$(testId('suspects-empty')), null);
    await shot(page, 'loop-suspects-not-scanned');
  });

  it('a position, a result after each decision, undo puts the image back, a class pair accepted at once', async () => {
    storeScan();
    await page.reload();
    await page.click(testId('nav-suspects'));
    await page.waitForSelector(testId('suspect-position'));
    assert.equal(await text(testId('suspect-position')), '1 of 4');
    const first = await page.getAttribute(testId('suspect-current'), 'data-image');
    await page.click(testId('suspect-accept'));
    await page.waitForSelector(testId('suspect-result'));
    assert.match(await text(testId('suspect-result')), /Arborio → Basmati/);
    assert.equal(await text(testId('suspect-position')), '1 of 3');
    assert.notEqual(await page.getAttribute(testId('suspect-current'), 'data-image'), first);
    await atBothSizes(page, 'loop-suspects-after-accept', async () => {
      assert.ok(await page.isVisible(testId('suspect-undo')), 'Undo is in view');
    });

    await page.click(testId('suspect-undo'));
    await page.waitForFunction(() => /Undid|failed/.test(document.body.textContent ?? ''), null, { timeout: 10_000 }).catch(() => undefined);
    assert.match(await text(testId('suspect-result')), /Undid the accept of 1 image/, await text('body'));
    await page.waitForFunction(() => document.querySelector('[data-testid="suspect-position"]')?.textContent === '1 of 4', null, { timeout: 5000 })
      .catch(async () => assert.fail(`position: ${await text(testId('suspect-position'))}; page: ${await text('body')}`));
    assert.equal(await page.getAttribute(testId('suspect-current'), 'data-image'), first, 'the undone image is back under the cursor');
    assert.match(await text(testId('suspect-result')), /Undid the accept of 1 image/);

    await page.keyboard.press('k');
    await page.waitForFunction(() => /Kept /.test(document.querySelector('[data-testid="suspect-result"]')?.textContent ?? ''));
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => /Undid the keep/.test(document.querySelector('[data-testid="suspect-result"]')?.textContent ?? ''));
    assert.equal(await text(testId('suspect-position')), '1 of 4');

    await page.selectOption(testId('suspect-pair'), 'Arborio → Basmati');
    assert.equal(await text(testId('suspect-position')), '1 of 3');
    await atBothSizes(page, 'loop-suspects-pair', async () => {
      assert.ok(await page.isVisible(testId('suspect-accept-shown')));
    });
    await page.click(testId('suspect-accept-shown'));
    await page.waitForFunction(() => /Accepted 3 suggestions/.test(document.querySelector('[data-testid="suspect-result"]')?.textContent ?? ''));
    assert.equal(await text(testId('suspect-position')), '1 of 1');
  });

  it('a run renamed keeps its name after a reload; the default mark shows in the table', async () => {
    await page.click(testId('nav-runs'));
    await page.waitForSelector(testId('runs-table'));
    // No mark yet: the default is the best val accuracy (the older run), not the newest.
    const defaultRow = await page.$$eval('[data-testid="run-row"]', (rows: any[]) => rows.filter((r) => r.querySelector('[data-testid="run-row-default"]')).map((r) => r.getAttribute('data-run')));
    assert.deepEqual(defaultRow, ['cnn-20260101-000000-aaaaaa']);
    await page.click('[data-run="cnn-20260102-000000-bbbbbb"]');
    await page.waitForSelector(testId('run-name'));
    await page.fill(testId('run-name'), 'small and quick');
    await page.press(testId('run-name'), 'Enter');
    await page.fill(testId('run-note'), 'lr too high?');
    await page.click(testId('run-default'));
    await page.waitForFunction(() => /★ default/.test(document.querySelector('[data-run="cnn-20260102-000000-bbbbbb"]')?.textContent ?? ''));
    await page.reload();
    await page.click(testId('nav-runs'));
    await page.waitForSelector(testId('run-row-name'));
    const row = await text('[data-run="cnn-20260102-000000-bbbbbb"]');
    assert.match(row, /small and quick/);
    assert.match(row, /lr too high\?/);
    assert.match(row, /★ default/);
    await atBothSizes(page, 'loop-runs-table', async () => {
      const [table, room] = await page.$eval(testId('runs-table'), (t: any) => [t.parentElement.scrollWidth, t.parentElement.clientWidth]);
      assert.ok(table <= room + 1, `the runs table fits without scrolling sideways: ${table} > ${room}`);
    });
  });

  it('compare: a per-class table, and the normalised toggle changes the confusion cells', async () => {
    await page.click('[data-run="cnn-20260101-000000-aaaaaa"]');
    await page.click('[data-run="cnn-20260102-000000-bbbbbb"]');
    await page.waitForSelector(testId('compare-per-class'));
    assert.match(await text(testId('compare-per-class')), /Basmati\s*1\s*1\s*0\s*−?-?1/);
    const cell = `${testId('cm-b')} ${testId('cm-cell-1-0')} text`;
    assert.equal(await text(cell), '100%');
    assert.match(await text(`${testId('cm-b')} ${testId('cm-legend')}`), /true ↓ \/ predicted →/);
    await page.click(`${testId('cm-mode')} button:has-text("counts")`);
    assert.equal(await text(cell), '1');
    assert.match(await text(testId('compare-bars-axis')), /Axis from/);
    await page.click(`${testId('cm-mode')} button:has-text("% of true class")`);
    await page.locator(testId('compare-per-class')).scrollIntoViewIfNeeded();
    await atBothSizes(page, 'loop-compare', async () => {
      assert.ok(await page.isVisible(testId('compare-per-class')));
    });
    await page.locator(testId('cm-a')).scrollIntoViewIfNeeded();
    await atBothSizes(page, 'loop-compare-confusion', async () => {
      // Headers inside the drawing: the longest column header's box ends within the svg.
      const inside = await page.$eval(`${testId('cm-a')} svg`, (svg: any) => {
        const box = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].every((t: any) => {
          const r = t.getBoundingClientRect();
          return r.top >= box.top - 1 && r.right <= box.right + 1 && r.left >= box.left - 1;
        });
      });
      assert.ok(inside, 'no confusion-matrix label is clipped');
    });
    assert.deepEqual(studio.errors, []);
  });
});
