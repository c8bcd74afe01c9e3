// A copy of part of the rice dataset with a seeded share of files moved into a wrong class folder — the
// injected-noise setup of the label-review test and benchmark. Returns which files were moved and where.
import fs from 'node:fs';
import path from 'node:path';
import { rng } from '../../src/main/engine/random';

export const RICE_CLASS_NAMES = ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'];

export interface NoisyCopy {
  dir: string;
  /** File name → [true class, class folder it was put in], for every moved file. */
  flipped: Map<string, { truth: string; given: string }>;
  total: number;
}

export interface NoisyOptions {
  perClass?: number;
  noise: number;
  seed: number;
  /** Class pairs a file is never moved between (e.g. two varieties a small scan cannot tell apart). */
  avoidPairs?: Array<[string, string]>;
}

export function noisyRiceCopy(riceDir: string, outDir: string, opts: NoisyOptions): NoisyCopy {
  const rand = rng(opts.seed);
  const flipped = new Map<string, { truth: string; given: string }>();
  let total = 0;
  for (const c of RICE_CLASS_NAMES) fs.mkdirSync(path.join(outDir, c), { recursive: true });
  for (const [ci, c] of RICE_CLASS_NAMES.entries()) {
    const files = fs.readdirSync(path.join(riceDir, c)).filter((f) => f.endsWith('.jpg')).sort();
    for (const f of files.slice(0, opts.perClass ?? files.length)) {
      let dest = c;
      if (rand() < opts.noise) {
        const avoid = (d: string) => (opts.avoidPairs ?? []).some(([a, b]) => (a === c && b === d) || (a === d && b === c));
        const choices = RICE_CLASS_NAMES.filter((d, di) => di !== ci && !avoid(d));
        dest = choices[Math.floor(rand() * choices.length)]!;
        flipped.set(f, { truth: c, given: dest });
      }
      fs.copyFileSync(path.join(riceDir, c, f), path.join(outDir, dest, f));
      total++;
    }
  }
  return { dir: outDir, flipped, total };
}
