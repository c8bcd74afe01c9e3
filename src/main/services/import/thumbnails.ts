// Thumbnails live at thumbs/<sha[0:2]>/<sha>.webp, or <sha>.jpg for a small JPEG stored as it is (decode.ts,
// AS_IS_MAX_BYTES). Each is written under a temporary name and renamed, so a killed process leaves either no
// thumbnail or a whole one, never half a file. Either way the hosts serve only files inside thumbs/.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Library } from '../../library';
import { processAlive } from '../../util/process-alive';
import type { ThumbType } from './decode';

const SHA = /^[0-9a-f]{64}$/;
const TMP_MARK = '.tmp-';
const THUMB_TYPES: ThumbType[] = ['webp', 'jpg'];

/** Where an image's thumbnail of `type` is (or would be) stored. */
export function thumbPath(lib: Library, sha256: string, type: ThumbType = 'webp'): string {
  if (!SHA.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return path.join(lib.paths.thumbs, sha256.slice(0, 2), `${sha256}.${type}`);
}

/** The image's stored thumbnail (a non-empty regular file, not a link), whichever type it is, or null. */
export async function findThumb(lib: Library, sha256: string): Promise<string | null> {
  // Both types looked up at once: a re-import checks every known image, and each lookup is a thread-pool trip.
  const paths = THUMB_TYPES.map((type) => thumbPath(lib, sha256, type));
  const stats = await Promise.all(paths.map((p) => fsp.lstat(p).catch(() => null)));
  const at = stats.findIndex((st) => st?.isFile() && st.size > 0);
  return at < 0 ? null : paths[at]!;
}

/** findThumb without waiting (the image routes resolve synchronously). */
export function findThumbSync(lib: Library, sha256: string): string | null {
  for (const type of THUMB_TYPES) {
    const p = thumbPath(lib, sha256, type);
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (st?.isFile() && st.size > 0) return p;
  }
  return null;
}

/** Removes every stored thumbnail of an image (all types). */
export function removeThumbs(lib: Library, sha256: string): void {
  for (const type of THUMB_TYPES) fs.rmSync(thumbPath(lib, sha256, type), { force: true });
}

let counter = 0;
/** Shard folders known to exist: saves a mkdir call per thumbnail (there are only 256 of them). */
const madeDirs = new Set<string>();

export async function writeThumb(lib: Library, sha256: string, data: Buffer, type: ThumbType = 'webp'): Promise<string> {
  const dest = thumbPath(lib, sha256, type);
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
