// The built-in sample: five classes of synthetic "grains" (rounded shapes whose length/width ratio, size and
// colour differ per class, randomly rotated and placed on black), rendered from SVG by sharp into the library's
// cache and imported like any folder. Seeded, so the same library always gets the same images.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ImportReport } from '../../shared/types';
import type { Library } from '../library';
import { importFolder, type ImportOptions } from './import/index';
import { rng } from '../engine/random';

export interface GrainShape {
  name: string;
  /** Mean length and width in px at 128×128. */
  length: number;
  width: number;
  /** Corner rounding as a fraction of the width: 1 = ellipse-like capsule, lower = blunter ends. */
  round: number;
  rgb: [number, number, number];
}

export const DEMO_CLASSES: readonly GrainShape[] = [
  { name: 'Arborio', length: 50, width: 28, round: 1, rgb: [236, 226, 200] },
  { name: 'Basmati', length: 78, width: 16, round: 1, rgb: [226, 208, 168] },
  { name: 'Ipsala', length: 60, width: 32, round: 0.6, rgb: [250, 248, 240] },
  { name: 'Jasmine', length: 64, width: 20, round: 0.8, rgb: [240, 234, 214] },
  { name: 'Karacadag', length: 40, width: 30, round: 1, rgb: [196, 170, 120] },
];

export interface DemoOptions {
  perClass?: number;
  size?: number;
  seed?: number;
}

export function grainSvg(shape: GrainShape, rand: () => number, size: number): string {
  const k = size / 128;
  const len = shape.length * k * (0.88 + 0.24 * rand());
  const wid = shape.width * k * (0.88 + 0.24 * rand());
  const angle = rand() * 360;
  const margin = len / 2 + 2;
  const cx = margin + rand() * Math.max(0, size - 2 * margin);
  const cy = margin + rand() * Math.max(0, size - 2 * margin);
  const jitter = (c: number): number => Math.max(0, Math.min(255, Math.round(c + (rand() - 0.5) * 24)));
  const [r, g, b] = shape.rgb.map(jitter) as [number, number, number];
  const rx = (wid / 2) * shape.round;
  // A lighter core suggests the grain's translucency, so the shapes are not flat discs.
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">` +
    `<defs><radialGradient id="g"><stop offset="0" stop-color="rgb(${Math.min(255, r + 20)},${Math.min(255, g + 20)},${Math.min(255, b + 20)})"/>` +
    `<stop offset="1" stop-color="rgb(${r},${g},${b})"/></radialGradient></defs>` +
    `<rect width="${size}" height="${size}" fill="black"/>` +
    `<rect x="${(cx - len / 2).toFixed(2)}" y="${(cy - wid / 2).toFixed(2)}" width="${len.toFixed(2)}" height="${wid.toFixed(2)}" ` +
    `rx="${rx.toFixed(2)}" fill="url(#g)" transform="rotate(${angle.toFixed(1)} ${cx.toFixed(2)} ${cy.toFixed(2)})"/></svg>`
  );
}

/** Writes the demo images under <library>/cache/demo-source/<Class>/ (kept if already there) and returns the folder. */
export async function generateDemo(lib: Library, opts: DemoOptions = {}): Promise<string> {
  const perClass = opts.perClass ?? 40;
  const size = opts.size ?? 128;
  const rand = rng(opts.seed ?? 42);
  const root = path.join(lib.paths.cache, 'demo-source');
  for (const shape of DEMO_CLASSES) {
    const dir = path.join(root, shape.name);
    fs.mkdirSync(dir, { recursive: true });
    // A kill mid-write leaves a temp file; it must not be imported as a broken image.
    for (const n of fs.readdirSync(dir)) if (n.includes('.tmp-')) fs.rmSync(path.join(dir, n), { force: true });
    for (let i = 0; i < perClass; i++) {
      // Draw the random numbers even when the file exists, so every later image stays the same.
      const svg = grainSvg(shape, rand, size);
      const file = path.join(dir, `${shape.name.toLowerCase()}-${String(i + 1).padStart(3, '0')}.jpg`);
      if (fs.existsSync(file)) continue;
      const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
      const tmp = `${file}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, jpeg);
      fs.renameSync(tmp, file);
    }
  }
  return root;
}

export async function importDemo(lib: Library, opts: ImportOptions & DemoOptions = {}): Promise<ImportReport> {
  const folder = await generateDemo(lib, opts);
  return importFolder(lib, folder, opts);
}
