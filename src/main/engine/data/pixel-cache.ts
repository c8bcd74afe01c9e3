// Decoded pixels per image and size, cached in the library, so a repeat CNN run skips JPEG decoding (~20 s of an
// 87 s run on the 12,000-image rice library, the same work on every run at the same image size). Like the feature
// cache (features.ts): keyed by a preprocessing version + size + the image's sha256, only missing rows decoded,
// each batch committed on its own.
//
// Where the bytes live: their own SQLite file, <library>/cache/pixels.db, not a table in paddy.db. For the
// 12,000 rice images the raw pixels are 83 MB at 48 px and 147 MB at 64 px (100 / 155 MB as SQLite rows in
// 4 KiB pages, measured), replaced whenever the image size changes:
//  - paddy.db has no auto_vacuum, so dropping an old size there would leave its pages as free space in the
//    library's database until a VACUUM of all of it (labels, runs, predictions rewritten under an exclusive
//    lock). This file is created with auto_vacuum=INCREMENTAL and shrinks as soon as a set is dropped
//    (deleting 12,000 raw rows and giving the pages back: 0.2-0.7 s, measured).
//  - Disposable: any error opening or reading it deletes the file and the run decodes as before. Damage to the
//    cache can never touch labels or runs, and copies/backups of paddy.db stay small.
//  - Its batch writes do not take paddy.db's single write lock while the studio saves labels.
// Rows are deflate-compressed (level 1): single grains on black compress 4.4x at 48 px and 5.3x at 64 px; the
// file holds ~2.3 KB per image at 48 px and ~3.9 KB at 64 px (bench:pixels; ~28 / ~47 MB for 12,000 images),
// for ~0.1 ms per image while decoding (~2 ms) and 0.03-0.06 ms per image on a hit. Photos compress less.
//
// Size rule: the cache keeps the 2 most recently used (preprocessing, size) sets, and only images still in the
// library; at most 2 x (library images) rows. Applied after every call that completed.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type Database from 'better-sqlite3';
import type { Library } from '../../library';
import { imageFiles, type ImageFile } from '../../repos/features.repo';
import { cachedPixels, librarySha256s, openPixelDb, prunePixels, storePixels, touchPixelSet, type PixelRow } from '../../repos/pixel-cache.repo';
import { decodeMany } from './images';

/** Bump when decodeMany's decoding, resize or output format changes: old rows then stop matching. */
export const PIXEL_PREPROCESSING = 'rgb-srgb-fill-lanczos3-hwc-u8-v1';
/** How many (preprocessing, size) sets the cache keeps. */
export const KEEP_SETS = 2;
/** Images per committed batch: a kill loses at most the (up to two) batches in flight, ~0.5 s of decoding each. */
const BATCH = 256;
/** Hashes per lookup statement (one JSON array each). */
const LOOKUP = 5000;

export const pixelCacheFile = (lib: Library): string => path.join(lib.paths.cache, 'pixels.db');

export interface PixelSource {
  imageId: number;
  /** Looked up by imageId when absent; an image unknown to the library is decoded but not cached. */
  sha256?: string | null;
  sourcePath: string;
}

export interface DecodeCachedOptions {
  signal?: AbortSignal;
  /** Over all images, hits included: (images ready, images). */
  onProgress?: (done: number, total: number) => void;
  /** The decoder for misses (tests count calls through it). */
  decode?: typeof decodeMany;
  /** Images per committed batch (default 256; tests use small ones to cancel or kill between batches). */
  batchSize?: number;
}

/** Another process holds the file for longer than busy_timeout: skip the cache this time, do not delete it. */
const isBusy = (e: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test(String((e as { code?: unknown })?.code ?? ''));

/**
 * The cache file, kept working whatever happens to it: a damaged or foreign file is deleted and created again;
 * if even that fails, caching is off for this call (`db` null) and every image is simply decoded.
 */
class PixelStore {
  private db: Database.Database | null = null;

  constructor(private readonly file: string) {
    try {
      this.db = openPixelDb(file);
    } catch (e) {
      if (!isBusy(e)) this.rebuild();
    }
  }

  get enabled(): boolean {
    return this.db !== null;
  }

  /** Deletes the file (and its WAL) and creates an empty one; on failure caching stays off. */
  private rebuild(): void {
    this.close();
    try {
      for (const f of [this.file, `${this.file}-wal`, `${this.file}-shm`]) fs.rmSync(f, { force: true });
      this.db = openPixelDb(this.file);
    } catch {
      this.db = null;
    }
  }

  private failed(e: unknown): void {
    if (isBusy(e)) this.close();
    else this.rebuild();
  }

  /** Verified hits among `shas`; a read error rebuilds the file and counts everything as a miss. */
  read(size: number, shas: readonly string[]): Map<string, Uint8Array> {
    const hits = new Map<string, Uint8Array>();
    if (!this.db) return hits;
    try {
      touchPixelSet(this.db, PIXEL_PREPROCESSING, size);
      for (let i = 0; i < shas.length; i += LOOKUP) {
        for (const row of cachedPixels(this.db, PIXEL_PREPROCESSING, size, shas.slice(i, i + LOOKUP))) {
          const px = unpack(row, size);
          if (px) hits.set(row.sha256, px); // else a miss: decoded again and the row replaced
        }
      }
      return hits;
    } catch (e) {
      this.failed(e);
      return new Map();
    }
  }

  /** Stores one batch; after an error, once more into a rebuilt file, then no more caching in this call. */
  write(size: number, rows: PixelRow[]): void {
    for (let attempt = 0; this.db && attempt < 2; attempt++) {
      try {
        storePixels(this.db, PIXEL_PREPROCESSING, size, rows);
        return;
      } catch (e) {
        if (attempt === 0) this.failed(e);
        else this.close();
      }
    }
  }

  /** The size rule. A failure here only means the cache stays larger until the next run. */
  prune(lib: Library): void {
    if (!this.db) return;
    try {
      prunePixels(this.db, KEEP_SETS, librarySha256s(lib.db));
    } catch {
      // nothing lost: the rows are still valid
    }
  }

  close(): void {
    try {
      this.db?.close();
    } catch {
      // a broken connection may not close cleanly; the file is disposable
    }
    this.db = null;
  }
}

/** Inflated pixels if the row is whole (right length, right CRC), else null. */
function unpack(row: PixelRow, size: number): Uint8Array | null {
  try {
    const buf = zlib.inflateRawSync(row.data);
    if (buf.byteLength !== size * size * 3 || zlib.crc32(buf) !== row.crc) return null;
    // Small outputs may be a slice of Node's shared Buffer pool: hand out memory of our own, as decodeMany does.
    return buf.byteOffset === 0 && buf.buffer.byteLength === buf.byteLength ? new Uint8Array(buf.buffer) : new Uint8Array(buf);
  } catch {
    return null;
  }
}

function pack(sha256: string, px: Uint8Array): PixelRow {
  return { sha256, crc: zlib.crc32(px), data: zlib.deflateRawSync(px, { level: 1 }) };
}

/** Hash of each image: given, else from the library by id, else null (not cacheable). */
function hashes(lib: Library, images: readonly PixelSource[]): Array<string | null> {
  const unknown = images.filter((im) => !im.sha256).map((im) => im.imageId);
  const files = unknown.length ? imageFiles(lib.db, unknown) : new Map<number, ImageFile>();
  return images.map((im) => im.sha256 || files.get(im.imageId)?.sha256 || null);
}

/**
 * RGB uint8 pixels (size x size x 3, as decodeMany) of every image, in input order. Hits come from the library's
 * pixel cache; misses are decoded with decodeMany in batches, each batch stored in its own transaction, so a
 * cancel (`signal`, rejects with "cancelled" as decodeMany does) or a kill keeps the batches already stored.
 * The cache never fails a call: when it cannot be read or written, images are decoded as without it.
 */
export async function decodeCached(lib: Library, images: readonly PixelSource[], size: number, opts: DecodeCachedOptions = {}): Promise<Uint8Array[]> {
  if (opts.signal?.aborted) throw new Error('cancelled');
  const decode = opts.decode ?? decodeMany;
  const batch = Math.max(1, opts.batchSize ?? BATCH);
  const total = images.length;
  const out: Uint8Array[] = new Array(total);
  const shas = hashes(lib, images);
  const store = new PixelStore(pixelCacheFile(lib));
  // Stops a batch decoding ahead when this call ends early (cancel, or an unreadable image).
  const stop = new AbortController();
  const forward = () => stop.abort();
  opts.signal?.addEventListener('abort', forward);
  try {
    const hits = store.read(size, [...new Set(shas.filter((s): s is string => s !== null))]);
    // One decode per distinct hash (and per uncacheable image), fanned out to every image that has it.
    const misses = new Map<string, { sha: string | null; path: string; at: number[] }>();
    let done = 0;
    images.forEach((im, i) => {
      const sha = shas[i]!;
      const hit = sha === null ? undefined : hits.get(sha);
      if (hit) {
        out[i] = hit;
        done++;
        return;
      }
      const key = sha ?? `#${i}`;
      const m = misses.get(key);
      if (m) m.at.push(i);
      else misses.set(key, { sha, path: im.sourcePath, at: [i] });
    });
    let reported = 0;
    const report = (n: number) => {
      if (n > reported) opts.onProgress?.((reported = n), total);
    };
    report(done);
    const todo = [...misses.values()];
    // `base`: images ready before this batch, so decodeMany's per-batch counts become progress over all images.
    const start = (from: number, base: number) => {
      const chunk = todo.slice(from, from + batch);
      const p = decode(chunk.map((m) => m.path), size, { signal: stop.signal, onProgress: (d) => report(Math.min(total, base + d)) });
      p.catch(() => undefined); // surfaced when awaited
      return { chunk, p };
    };
    let next = todo.length ? start(0, done) : null;
    for (let s = 0; next; s += batch) {
      const { chunk, p } = next;
      const pixels = await p;
      // Decode the next batch while this one is compressed and stored.
      const ready = done + chunk.reduce((n, m) => n + m.at.length, 0);
      next = s + batch < todo.length ? start(s + batch, ready) : null;
      const rows: PixelRow[] = [];
      chunk.forEach((m, k) => {
        for (const i of m.at) out[i] = pixels[k]!;
        if (m.sha !== null && store.enabled) rows.push(pack(m.sha, pixels[k]!));
      });
      if (rows.length) store.write(size, rows);
      done = ready;
      report(done);
      // A batch decoded in full is kept even if the cancel came meanwhile; the next one is not waited for.
      if (opts.signal?.aborted) throw new Error('cancelled');
    }
    store.prune(lib);
    return out;
  } finally {
    opts.signal?.removeEventListener('abort', forward);
    stop.abort();
    store.close();
  }
}
