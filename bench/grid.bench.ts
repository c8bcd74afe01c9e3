// The Browse grid in real Chromium on a 75,000-image library: time until the first screen of thumbnails is
// visible after opening Browse, and frame times (requestAnimationFrame deltas) during a scripted scroll.
// Thumbnails are synthetic: a few hundred small WebPs made with sharp, hard-linked under each row's sha256.
// Usage: node --import tsx bench/grid.bench.ts [--images N] [--distinct N] [--frames N] [--keep]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { openLibrary } from '../src/main/library';
import { thumbPath } from '../src/main/services/import/thumbnails';
import { openStudio, shot } from '../tests/e2e/harness';
import { CLASSES, insertSyntheticImages } from './synthetic-library';

// Code passed to page.evaluate runs in the page; these names exist there. Declared here (module scope, not
// global) because the node tsconfig has no DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const requestAnimationFrame: (cb: (t: number) => void) => number;
declare const MutationObserver: any;
type HTMLElement = any;
type HTMLInputElement = any;

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '75000' },
    distinct: { type: 'string', default: '300' },
    frames: { type: 'string', default: '600' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(values.images);
const DISTINCT = Number(values.distinct);
const FRAMES = Number(values.frames);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-bench-grid-'));
const t0 = performance.now();

// ---- synthetic thumbnails: a grain-like ellipse on black, tinted per file
const pool = path.join(dir, 'pool');
fs.mkdirSync(pool);
const poolFiles: string[] = [];
for (let i = 0; i < DISTINCT; i++) {
  const hue = (i * 47) % 360;
  const angle = (i * 29) % 180;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160"><rect width="160" height="160" fill="#000"/>
    <ellipse cx="80" cy="80" rx="${50 + (i % 20)}" ry="${14 + (i % 9)}" transform="rotate(${angle} 80 80)" fill="hsl(${hue},25%,85%)"/></svg>`;
  const file = path.join(pool, `${i}.webp`);
  await sharp(Buffer.from(svg)).webp({ quality: 70 }).toFile(file);
  poolFiles.push(file);
}

// ---- the library: rows inserted directly (the import pipeline has its own benchmark)
const lib = openLibrary(path.join(dir, 'library'), { create: true });
// The "source" of the full image is a pool file too, so the detail panel has something to show.
const { shas } = insertSyntheticImages(lib.db, N, {
  tag: 'grid-bench', format: 'webp', source: (n) => poolFiles[n % DISTINCT]!,
  name: (n) => `${CLASSES[n % CLASSES.length]!.toLowerCase()}-${String(n).padStart(6, '0')}.webp`,
});
for (let n = 0; n < N; n++) {
  const p = thumbPath(lib, shas[n]);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.linkSync(poolFiles[n % DISTINCT], p);
}
lib.close();
console.log(`library: ${N.toLocaleString('en-US')} images, ${DISTINCT} distinct thumbnails, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const studio = await openStudio(path.join(dir, 'library'), { width: 1440, height: 900 });
const page = studio.page;
try {
  await page.waitForSelector('[data-testid="view-library"]');
  // Time from the click on "Browse" until every thumbnail in the viewport has decoded.
  const firstScreenMs = await page.evaluate(async () => {
    const start = performance.now();
    (document.querySelector('[data-testid="nav-browse"]') as HTMLElement).click();
    return await new Promise<number>((resolve, reject) => {
      const deadline = start + 20_000;
      const check = () => {
        const grid = document.querySelector('[data-testid="grid"]');
        if (grid) {
          const box = grid.getBoundingClientRect();
          const imgs = [...grid.querySelectorAll('img')].filter((im) => {
            const r = im.getBoundingClientRect();
            return r.bottom > box.top && r.top < box.bottom;
          });
          const placeholders = [...grid.querySelectorAll('.cell.placeholder')].filter((c) => c.getBoundingClientRect().top < box.bottom);
          if (imgs.length > 0 && placeholders.length === 0 && imgs.every((im) => im.complete && im.naturalWidth > 0)) return resolve(performance.now() - start);
        }
        if (performance.now() > deadline) return reject(new Error('first screen not visible within 20 s'));
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
  });
  const visibleCells = await page.$$eval('[data-testid="cell"]', (els) => els.length);
  const total = await page.getAttribute('[data-testid="grid"]', 'data-total');

  // Scripted scroll: a steady fling (40 px per frame ≈ 2,400 px/s), then jumps across the whole library.
  const scroll = async (mode: 'fling' | 'jumps', frames: number) =>
    page.evaluate(
      async ({ mode, frames }) => {
        const grid = document.querySelector('[data-testid="grid"]') as HTMLElement;
        const deltas: number[] = [];
        let last = 0;
        let i = 0;
        await new Promise<void>((resolve) => {
          const step = (t: number) => {
            if (last) deltas.push(t - last);
            last = t;
            if (mode === 'fling') grid.scrollTop += 40;
            else if (i % 10 === 0) grid.scrollTop = ((i * 7919) % 1000) / 1000 * (grid.scrollHeight - grid.clientHeight);
            if (++i >= frames) return resolve();
            requestAnimationFrame(step);
          };
          requestAnimationFrame(step);
        });
        return deltas;
      },
      { mode, frames },
    );
  const stats = (d: number[]) => {
    const s = [...d].sort((a, b) => a - b);
    const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return { frames: s.length, median: q(0.5), p95: q(0.95), p99: q(0.99), max: s[s.length - 1], over33: s.filter((x) => x > 33.4).length };
  };
  const fling = stats(await scroll('fling', FRAMES));
  const jumps = stats(await scroll('jumps', Math.max(100, Math.floor(FRAMES / 3))));
  await page.evaluate(() => {
    const grid = document.querySelector('[data-testid="grid"]') as HTMLElement;
    grid.scrollTop = grid.scrollHeight / 2;
  });
  await page.waitForTimeout(1500);
  const broken = await page.$$eval('[data-testid="grid"] img', (els) => els.filter((e: any) => !(e.complete && e.naturalWidth > 0)).length);
  await shot(page, 'grid-75k');
  if (broken) console.log(`${broken} thumbnails in view had not loaded 1.5 s after the jump`);
  const fmt = (x: number) => x.toFixed(1);
  console.log(`total in grid: ${total}; cells rendered for the first screen: ${visibleCells}`);
  console.log(`first screen of thumbnails visible after opening Browse: ${fmt(firstScreenMs)} ms (goal ≤ 1000)`);
  for (const [name, s] of [
    ['fling scroll (40 px/frame)', fling],
    ['jumps across the library', jumps],
  ] as const)
    console.log(`${name}: ${s.frames} frames, rAF delta median ${fmt(s.median)} ms, p95 ${fmt(s.p95)} ms, p99 ${fmt(s.p99)} ms, max ${fmt(s.max)} ms, ${s.over33} frames > 33 ms (goal p95 ≤ 16.7)`);
  if (studio.errors.length) console.log('page errors:', studio.errors);
} finally {
  await studio.close();
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
