// Thumbnails live at thumbs/<sha[0:2]>/<sha>.webp. Each is written under a temporary name and renamed, so a
// killed process leaves either no thumbnail or a whole one, never half a file.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Library } from '../../library';
import { processAlive } from '../../util/process-alive';

const SHA = /^[0-9a-f]{64}$/;
const TMP_MARK = '.tmp-';

export function thumbPath(lib: Library, sha256: string): string {
  if (!SHA.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return path.join(lib.paths.thumbs, sha256.slice(0, 2), `${sha256}.webp`);
}

let counter = 0;
/** Shard folders known to exist: saves a mkdir call per thumbnail (there are only 256 of them). */
const madeDirs = new Set<string>();

export async function writeThumb(lib: Library, sha256: string, data: Buffer): Promise<string> {
  const dest = thumbPath(lib, sha256);
  const dir = path.dirname(dest);
  const tmp = `${dest}${TMP_MARK}${process.pid}-${counter++}`;
  try {
    if (!madeDirs.has(dir)) {
      await fsp.mkdir(dir, { recursive: true });
      madeDirs.add(dir);
    }
    try {
      await fsp.writeFile(tmp, data);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // The shard folder was removed behind our back (library folder cleaned up): make it again once.
      madeDirs.delete(dir);
      await fsp.mkdir(dir, { recursive: true });
      madeDirs.add(dir);
      await fsp.writeFile(tmp, data);
    }
    await fsp.rename(tmp, dest);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  return dest;
}

/** Removes temporary files a killed import left in thumbs/ (complete thumbnails are kept). */
export function removeStaleThumbTemps(lib: Library): number {
  let removed = 0;
  let dirs: string[];
  try {
    dirs = fs.readdirSync(lib.paths.thumbs);
  } catch {
    return 0;
  }
  for (const d of dirs) {
    const full = path.join(lib.paths.thumbs, d);
    let names: string[];
    try {
      names = fs.readdirSync(full);
    } catch {
      continue;
    }
    for (const n of names) {
      const at = n.indexOf(TMP_MARK);
      // A temp file of a live process (another import into the same library) must not be touched.
      if (at >= 0 && !processAlive(Number(n.slice(at + TMP_MARK.length).split('-')[0]))) {
        fs.rmSync(path.join(full, n), { force: true });
        removed++;
      }
    }
  }
  return removed;
}
