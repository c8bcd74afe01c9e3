// Reads one candidate file for the pipeline with bounded memory: the header first (a video, archive or other
// non-image is refused from it without reading the rest), then, for images only, the SHA-256 by streaming.
// Per worker this holds at most SMALL_FILE bytes of the file (a typical photo, kept to decode from memory) or,
// for a larger image, one HASH_CHUNK at a time (sharp then reads the file from its path itself), plus the
// HEADER_BYTES header. With the default 8 workers that is under 70 MB of file data in flight, whatever the folder.
// Not counted there: libvips reads a large image's file through a memory map, so the pages its decoder reads
// show in RSS as clean page cache (about the compressed size of a real image); a large "JPEG" whose segments
// never reach a frame header is refused here rather than scanned end to end.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { refusalOf } from './decode';
import { HEADER_BYTES, imageFormatOf, jpegHasFrame } from './sniff';
import { fsReason, kindOf } from './walk';

/** Images up to this size are read into memory once (hashed and decoded from the same buffer). */
export const SMALL_FILE = 8 * 1024 * 1024;
const HASH_CHUNK = 1024 * 1024;

/** An open candidate: its identity on disk lets a file reached by several paths be read only once. */
export interface OpenedFile {
  handle: fsp.FileHandle;
  size: number;
  /** "dev:ino": the same for every path (hard link, symlink) that leads to this file; null when the file
   *  system reports no inode numbers (then nothing is deduplicated by identity). */
  identity: string | null;
  /** Modification time as opened (stored with the image, so a later check of an unchanged file needs no hash). */
  mtimeMs: number;
}

export type ReadResult =
  | { kind: 'skip'; reason: string }
  /** `source` is the whole file for small images, else its path (decoded from disk by sharp). */
  | { kind: 'image'; sha: string; bytes: number; mtimeMs: number; source: Buffer | string; head: Buffer };

export async function openCandidate(p: string): Promise<OpenedFile | { reason: string }> {
  let handle: fsp.FileHandle;
  try {
    // Non-blocking: a file swapped for a FIFO after the walk must not hang the worker waiting for a writer.
    handle = await fsp.open(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    return { reason: fsReason(e) };
  }
  try {
    const st = await handle.stat({ bigint: true });
    if (!st.isFile()) {
      await handle.close();
      return { reason: st.isDirectory() ? 'is a folder, not a file' : `not an image: ${kindOf(st)}` };
    }
    return { handle, size: Number(st.size), identity: st.ino ? `${st.dev}:${st.ino}` : null, mtimeMs: msOf(st.mtimeNs) };
  } catch (e) {
    await handle.close();
    return { reason: fsReason(e) };
  }
}

/** A bigint stat's time as the number fs.stat gives (seconds x 1e3 + nanoseconds / 1e6), so the two compare equal. */
const msOf = (ns: bigint): number => Number(ns / 1_000_000_000n) * 1e3 + Number(ns % 1_000_000_000n) / 1e6;

/** Reads up to `length` bytes at `position` into a new buffer (shorter if the file ends first). */
async function readAt(handle: fsp.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** Header, refusal or hash (+ the bytes when small). Always closes the file. */
export async function readCandidate(p: string, file: OpenedFile): Promise<ReadResult> {
  const { handle } = file;
  try {
    const head = await readAt(handle, 0, Math.min(file.size, HEADER_BYTES));
    if (head.length === 0) return { kind: 'skip', reason: 'empty file (0 bytes)' };
    const format = imageFormatOf(head);
    if (!format) {
      const refusal = await refusalOf(head);
      if (refusal) return { kind: 'skip', reason: refusal };
    }
    if (format === 'jpeg' && file.size > SMALL_FILE) {
      const at = (pos: number, len: number): Promise<Buffer> =>
        pos + len <= head.length ? Promise.resolve(head.subarray(pos, pos + len)) : readAt(handle, pos, len);
      if (!(await jpegHasFrame(at, file.size))) return { kind: 'skip', reason: 'truncated or corrupt JPEG: no frame header before the image data' };
    }
    if (file.size <= SMALL_FILE) {
      const whole = head.length < file.size ? Buffer.concat([head, await readAt(handle, head.length, file.size - head.length)]) : head;
      return { kind: 'image', sha: sha256(whole), bytes: whole.length, mtimeMs: file.mtimeMs, source: whole, head };
    }
    const hash = crypto.createHash('sha256').update(head);
    let bytes = head.length;
    const chunk = Buffer.allocUnsafe(HASH_CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, HASH_CHUNK, bytes);
      if (bytesRead === 0) break;
      hash.update(chunk.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    return { kind: 'image', sha: hash.digest('hex'), bytes, mtimeMs: file.mtimeMs, source: p, head };
  } catch (e) {
    return { kind: 'skip', reason: fsReason(e) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

const sha256 = (buf: Buffer): string => crypto.createHash('sha256').update(buf).digest('hex');
