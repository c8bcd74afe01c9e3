// The Map view in real Chromium with 75,000 points: a library of synthetic rows and a cached map (clusters, as a
// UMAP of a few classes looks), opened through the studio like a user would. Then, for each renderer, the page
// drives input once per animation frame — a continuous pan (pointer drag in a circle), wheel zoom in and out, a
// hover sweep — and records requestAnimationFrame intervals: p50/p95/max and the frames dropped (an interval of
// 2 × 16.7 ms is one dropped). Then the cost of emulated WebGL by point count (same wheel zoom).
// --similar N (0 = skip): a second library of N images with synthetic cached features (clustered 1280-d
// vectors), whose first "More like this" in the Browse detail panel builds the PCA index in the similar.index
// worker job: time to the first progress, a Cancel, then the first answer and a second one (host-side index).
// Usage: node --import tsx bench/map-fps.bench.ts [--points N] [--frames N] [--renderers auto,webgl-software]
//   [--sweep 0,5000,20000,75000] [--similar N] [--keep]
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openLibrary } from '../src/main/library';
import { cacheMap } from '../src/main/services/map';
import { extractorKey, weightsFor } from '../src/main/engine/features/feature-cache';
import { storeFeatures } from '../src/main/repos/features.repo';
import { CHROMIUM_ARGS, openStudio, shot, testId } from '../tests/e2e/harness';
import { CLASSES, insertSyntheticImages } from './synthetic-library';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const localStorage: any;
declare const requestAnimationFrame: (cb: (t: number) => void) => number;
declare const PointerEvent: any;
declare const WheelEvent: any;

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '75000' },
    frames: { type: 'string', default: '240' },
    renderers: { type: 'string', default: 'auto,webgl-software' },
    sweep: { type: 'string', default: '0,5000,20000,75000' },
    similar: { type: 'string', default: '0' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(values.points);
const FRAMES = Number(values.frames);

let seed = 7;
const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
type Scenario = 'idle' | 'pan' | 'zoom' | 'hover';
/** Runs in the page: one input per animation frame for `frames` frames; returns the rAF intervals. */
const drive = ({ scenario, frames }: { scenario: Scenario; frames: number }) =>
  new Promise<number[]>((resolve) => {
    const canvas = document.querySelector('[data-testid="map-canvas"]');
    const r = canvas.getBoundingClientRect();
    const cx = r.left + r.width / 2;
    const cy = r.top + r.height / 2;
    const at = (i: number, rad: number) => ({ clientX: cx + rad * Math.cos(i / 15), clientY: cy + rad * Math.sin(i / 15) });
    const ptr = (type: string, i: number, rad: number, buttons: number) =>
      canvas.dispatchEvent(new PointerEvent(type, { ...at(i, rad), pointerId: 1, pointerType: 'mouse', isPrimary: true, buttons, bubbles: true }));
    if (scenario === 'pan') ptr('pointerdown', 0, 120, 1);
    const deltas: number[] = [];
    let last = 0;
    let i = 0;
    const step = (t: number) => {
      if (last) deltas.push(t - last);
      last = t;
      if (scenario === 'pan') ptr('pointermove', i, 120, 1);
      else if (scenario === 'hover') ptr('pointermove', i, (r.height / 2 - 20) * ((i % 60) / 60), 0);
      else if (scenario === 'zoom') {
        // In for a second, out for a second, around points that move over the clusters.
        const p = at(i, 100);
        canvas.dispatchEvent(new WheelEvent('wheel', { ...p, deltaY: Math.floor(i / 60) % 2 ? 60 : -60, bubbles: true }));
      }
      if (++i >= frames) {
        if (scenario === 'pan') ptr('pointerup', i, 120, 0);
        return resolve(deltas);
      }
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });

const stats = (d: number[]) => {
  const s = [...d].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  const dropped = d.reduce((n, x) => n + Math.max(0, Math.round(x / (1000 / 60)) - 1), 0);
  return { frames: s.length, p50: q(0.5), p95: q(0.95), max: s[s.length - 1]!, dropped };
};
const fmt = (x: number) => x.toFixed(1);
const line = (name: string, s: ReturnType<typeof stats>, drawMs: number) =>
  `${name.padEnd(34)} ${String(s.frames).padStart(4)} frames  p50 ${fmt(s.p50).padStart(6)} ms  p95 ${fmt(s.p95).padStart(6)} ms  max ${fmt(s.max).padStart(7)} ms  dropped ${String(s.dropped).padStart(4)}  JS/draw ${drawMs.toFixed(2)} ms`;

// ---- frame times with N points (--points 0 skips)
if (N > 0) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-bench-mapfps-'));
  const t0 = performance.now();
  const lib = openLibrary(path.join(dir, 'library'), { create: true });
  const { ids } = insertSyntheticImages(lib.db, N, { tag: 'map-fps', format: 'jpeg', source: (n) => path.join(dir, `${n}.jpg`), name: (n) => `${n}.jpg` });
  // Five gaussian clusters on a ring, a few stragglers between them (what the rice map looks like).
  const points = ids.map((imageId, n) => {
    const c = n % CLASSES.length;
    const r = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * (n % 50 === 0 ? 4 : 1.3);
    const a = 2 * Math.PI * rand();
    const round = (v: number) => Math.round(v * 1e4) / 1e4;
    return { imageId, x: round(8 * Math.cos((2 * Math.PI * c) / 5) + r * Math.cos(a)), y: round(8 * Math.sin((2 * Math.PI * c) / 5) + r * Math.sin(a)) };
  });
  cacheMap(lib, { points, source: 'features', method: 'umap', params: { seed: 1 }, seconds: {}, createdAt: new Date().toISOString() });
  lib.close();
  console.log(`library: ${N.toLocaleString('en-US')} images and a cached map, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`chromium flags: ${CHROMIUM_ARGS.join(' ')}`);

  const results: string[] = [];
  const studio = await openStudio(path.join(dir, 'library'), { width: 1440, height: 900 });
  const page = studio.page;
  try {
    for (const renderer of values.renderers.split(',').filter(Boolean)) {
      await page.evaluate((r: string) => (r === 'auto' ? localStorage.removeItem('paddy.map.renderer') : localStorage.setItem('paddy.map.renderer', r)), renderer);
      await page.reload();
      await page.waitForSelector(testId('nav-map'));
      const opened = performance.now();
      await page.click(testId('nav-map'));
      await page.waitForFunction((n: string) => (document.querySelector('[data-testid="map-count"]')?.textContent ?? '').includes(`${n} images`), N.toLocaleString('en-US'), { timeout: 60_000 });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="map-canvas"]')?.getAttribute('data-draw-ms')) > 0);
      const openMs = performance.now() - opened;
      const kind = await page.getAttribute(testId('map-canvas'), 'data-renderer');
      const size = await page.evaluate(() => {
        const c = document.querySelector('[data-testid="map-canvas"]');
        return `${c.width}×${c.height} px (CSS ${Math.round(c.clientWidth)}×${Math.round(c.clientHeight)}, dpr ${window.devicePixelRatio})`;
      });
      console.log(`\nrenderer ${renderer} → ${kind}; canvas ${size}; Map view open with ${N.toLocaleString('en-US')} points in ${fmt(openMs)} ms`);
      for (const scenario of ['idle', 'pan', 'zoom', 'hover'] as const) {
        const d = await page.evaluate(drive, { scenario, frames: FRAMES });
        const drawMs = Number(await page.getAttribute(testId('map-canvas'), 'data-draw-ms'));
        const l = line(`${kind} ${scenario}`, stats(d), drawMs);
        console.log(l);
        results.push(l);
      }
      await page.mouse.move(5, 5);
      await shot(page, `map-fps-${kind}`);
    }

    // What emulated GL costs by point count: synthetic maps of n points in the same view (wheel zoom).
    const sweep = values.sweep.split(',').filter(Boolean).map(Number);
    if (sweep.length) {
      console.log('\nWebGL on SwiftShader by point count (wheel zoom):');
      for (const kind of ['webgl-software', 'cpu']) {
        await page.evaluate((r: string) => localStorage.setItem('paddy.map.renderer', r), kind);
        await page.reload();
        await page.click(testId('nav-map'));
        await page.waitForSelector(testId('map-canvas'));
        for (const n of sweep) {
          await page.evaluate((k: number) => window.__paddyMapSynthetic(k), n);
          await page.waitForFunction((s: string) => (document.querySelector('[data-testid="map-count"]')?.textContent ?? '').startsWith(`${s} images`), n.toLocaleString('en-US'));
          await page.waitForTimeout(300);
          const d = await page.evaluate(drive, { scenario: 'zoom' as const, frames: Math.min(FRAMES, 120) });
          const drawMs = Number(await page.getAttribute(testId('map-canvas'), 'data-draw-ms'));
          const l = line(`${kind} zoom, ${n.toLocaleString('en-US')} points`, stats(d), drawMs);
          console.log(l);
          results.push(l);
        }
      }
      await page.evaluate(() => localStorage.removeItem('paddy.map.renderer'));
    }
    if (studio.errors.length) console.log('page errors:', studio.errors.slice(0, 5));
  } finally {
    await studio.close();
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

// ---- "More like this" on a library above the PCA threshold: the index built by the worker job
const M = Number(values.similar);
if (M > 0) {
  const sdir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-bench-similar-'));
  const slib = openLibrary(path.join(sdir, 'library'), { create: true });
  let key = 'mnv2-100-bench00000000000000000000';
  try {
    key = extractorKey(weightsFor(slib, 1, null), 1);
  } catch {
    // No weights here: the service then uses the α 1.0 key with the most rows, this one.
  }
  const shas: string[] = [];
  slib.db.transaction(() => {
    const now = new Date().toISOString();
    const classIds = CLASSES.map((c, i) => Number(slib.db.prepare(`INSERT INTO classes (name, position, created_at) VALUES (?, ?, ?)`).run(c, i, now).lastInsertRowid));
    const img = slib.db.prepare(`INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at, conflict) VALUES (?, ?, ?, 250, 250, 'jpeg', ?, ?, 0)`);
    const lab = slib.db.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, 'folder', ?)`);
    for (let n = 0; n < M; n++) {
      // A source file whose bytes match the row, so opening the image's detail finds it unchanged (not a JPEG:
      // the bench needs its features, not its pixels).
      const bytes = `similar-${n}`;
      const file = path.join(sdir, `${n}.jpg`);
      fs.writeFileSync(file, bytes);
      const sha = crypto.createHash('sha256').update(bytes).digest('hex');
      lab.run(Number(img.run(sha, file, `${n}.jpg`, bytes.length, now).lastInsertRowid), classIds[n % 5], now);
      shas.push(sha);
    }
  })();
  // Pooled-ReLU-like features: non-negative, a class centre plus noise.
  const centres = CLASSES.map(() => Float32Array.from({ length: 1280 }, () => Math.max(0, rand() * 2 - 0.8)));
  for (let s0 = 0; s0 < M; s0 += 2000) {
    storeFeatures(slib.db, key, shas.slice(s0, s0 + 2000).map((sha, j) => ({ sha256: sha, vec: centres[(s0 + j) % 5]!.map((c) => Math.max(0, c + (rand() - 0.5) * 0.6)) })));
  }
  slib.close();
  const st = await openStudio(path.join(sdir, 'library'), { width: 1440, height: 900 });
  const p = st.page;
  try {
    await p.click(testId('nav-browse'));
    await p.waitForSelector(testId('cell'));
    const t1 = performance.now();
    await p.click(`${testId('cell')} >> nth=0`);
    await p.waitForSelector(testId('similar-progress'), { timeout: 120_000 });
    const toProgress = performance.now() - t1;
    await p.waitForTimeout(1500);
    await shot(p, 'similar-index-progress');
    const phase = await p.textContent(testId('similar-progress'));
    const tc = performance.now();
    await p.click(testId('similar-cancel'));
    await p.waitForFunction(() => /Cancelled/.test(document.querySelector('[data-testid="similar-load"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const cancelMs = performance.now() - tc;
    await shot(p, 'similar-index-cancelled');
    const t2 = performance.now();
    await p.click(testId('similar-load'));
    await p.waitForSelector(`${testId('detail-panel')} ${testId('similar-item')}`, { timeout: 1_800_000 });
    const firstMs = performance.now() - t2;
    await shot(p, 'similar-index-done');
    const t3 = performance.now();
    await p.click(`${testId('cell')} >> nth=7`);
    await p.waitForFunction(() => document.querySelectorAll('[data-testid="detail-panel"] [data-testid="similar-item"]').length > 0, undefined, { timeout: 60_000 });
    const secondMs = performance.now() - t3;
    const l = [
      `\n"More like this" on ${M.toLocaleString('en-US')} images with cached features (PCA index as the similar.index job):`,
      `  progress shown ${fmt(toProgress)} ms after the click ("${phase?.replace(/\s+/g, ' ').trim()}")`,
      `  Cancel → cancelled in ${fmt(cancelMs)} ms`,
      `  first answer (build in the worker + host reads the kept index) ${fmt(firstMs / 1000)} s`,
      `  next image's answer ${fmt(secondMs)} ms (in the host's memory)`,
    ].join('\n');
    console.log(l);
    if (st.errors.length) console.log('page errors:', st.errors.slice(0, 5));
  } finally {
    await st.close();
    if (!values.keep) fs.rmSync(sdir, { recursive: true, force: true });
  }
}
