// Small real-image folders for import tests: the first N rice JPEGs of each class, copied into a temp folder
// (the shared dataset stays read-only and nothing is copied into the repo).
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { RICE_DIR, tempDir } from './tmp';

export const RICE_CLASSES = ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'];

/** Sorted file names of a rice class. */
export function riceFiles(cls: string): string[] {
  return fs.readdirSync(path.join(RICE_DIR, cls)).filter((f) => f.endsWith('.jpg')).sort();
}

/** Copies images [from, from+perClass) of each class into `<dir>/<Class>/`; returns dir. */
export function riceSubset(perClass: number, opts: { dir?: string; from?: number; classes?: string[] } = {}): string {
  const dir = opts.dir ?? tempDir('paddy-rice-');
  const from = opts.from ?? 0;
  for (const cls of opts.classes ?? RICE_CLASSES) {
    fs.mkdirSync(path.join(dir, cls), { recursive: true });
    for (const f of riceFiles(cls).slice(from, from + perClass)) fs.copyFileSync(path.join(RICE_DIR, cls, f), path.join(dir, cls, f));
  }
  return dir;
}

/** The bytes of the n-th rice image of a class. */
export function riceBytes(cls: string, n = 0): Buffer {
  return fs.readFileSync(path.join(RICE_DIR, cls, riceFiles(cls)[n]!));
}

/** The first `perClass` rice photos of every class, resized to size×size RGB pixels, classes interleaved. */
export async function tinyRice(size: number, perClass: number): Promise<{ pixels: Uint8Array[]; y: Int32Array }> {
  const classes = fs.readdirSync(RICE_DIR).filter((d) => fs.statSync(path.join(RICE_DIR, d)).isDirectory()).sort();
  const pixels: Uint8Array[] = [];
  const y: number[] = [];
  for (let k = 0; k < perClass; k++) {
    for (const [ci, c] of classes.entries()) {
      const file = fs.readdirSync(path.join(RICE_DIR, c)).sort()[k]!;
      pixels.push(new Uint8Array(await sharp(path.join(RICE_DIR, c, file)).resize(size, size).removeAlpha().raw().toBuffer()));
      y.push(ci);
    }
  }
  return { pixels, y: Int32Array.from(y) };
}
