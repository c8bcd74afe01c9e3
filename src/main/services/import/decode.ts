// Decides what a file is by its content (never its extension), refuses decompression bombs from the header
// before any pixel is decoded, then decodes it fully (so truncated or corrupt files are caught) into a thumbnail.
import sharp, { type Metadata } from 'sharp';
import { describeNonImage } from './sniff';

/** Long side of a thumbnail: fits a dense browse grid at 2× on a high-DPI screen. */
export const THUMB_SIZE = 160;
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Raster formats Paddy imports (sharp's names). SVG/PDF are refused: they are documents, not photos. */
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif', 'jp2', 'jxl']);
const FORMAT_LABEL: Record<string, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF', tiff: 'TIFF', heif: 'HEIF/AVIF', avif: 'AVIF', jp2: 'JPEG 2000', jxl: 'JPEG XL' };

// One libvips thread per image: parallelism comes from several images in flight on libuv's pool, which scales
// better for many small images than splitting one small image across threads. No operation cache: every
// image is seen once and the cache would only grow memory.
sharp.concurrency(1);
sharp.cache(false);

export type Decoded =
  | { ok: true; width: number; height: number; format: string; thumb: Buffer }
  | { ok: false; reason: string };

function looksLikeText(buf: Buffer): boolean {
  const n = Math.min(buf.length, 512);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const c = buf[i]!;
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 0xc2) printable++;
  }
  return n > 0 && printable / n > 0.95;
}

function notAnImage(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xd8) return 'truncated or corrupt JPEG: the header is damaged';
  if (looksLikeText(buf)) return 'not an image: the file contains text';
  return 'not an image: unrecognised content (not a format Paddy can decode)';
}

const mpx = (n: number): string => `${Math.round((n / 1e6) * 10) / 10} Mpx`;

/** An SVG document (possibly after an XML declaration, comments or a doctype), told apart from other text. */
const SVG_START = /^\uFEFF?\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i;

/**
 * Why a file whose header carries no image signature (see sniff.ts) is refused, from its header alone; null
 * when sharp recognises an accepted format in it after all (a signature this module does not list).
 */
export async function refusalOf(head: Buffer): Promise<string | null> {
  const what = describeNonImage(head);
  if (what) return `not an image: ${what}`;
  if (looksLikeText(head) && SVG_START.test(head.toString('utf8', 0, 4096))) return 'not an image: SVG files are not supported';
  let format: string | undefined;
  try {
    format = (await sharp(head, { limitInputPixels: false }).metadata()).format as string | undefined;
  } catch {
    return notAnImage(head);
  }
  if (format && ACCEPTED.has(format)) return null;
  return `not an image: ${format ? `${format.toUpperCase()} files are not supported` : 'unknown format'}`;
}

/**
 * Decodes an image into its thumbnail: from memory (`input` a Buffer) or, for a large file, from its path so
 * the file never has to be held whole. `head` (the file's first bytes) words the reason when nothing decodes.
 */
export async function decodeImage(input: Buffer | string, maxPixels = DEFAULT_MAX_PIXELS, head?: Buffer): Promise<Decoded> {
  let meta: Metadata;
  try {
    // Only the header is read here, so no limit yet: the size check below gives the readable refusal.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    return { ok: false, reason: notAnImage(head ?? (typeof input === 'string' ? Buffer.alloc(0) : input)) };
  }
  const format = meta.format as string | undefined;
  if (!format || !ACCEPTED.has(format)) {
    return { ok: false, reason: `not an image: ${format ? `${format.toUpperCase()} files are not supported` : 'unknown format'}` };
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (!width || !height) return { ok: false, reason: `corrupt ${FORMAT_LABEL[format] ?? format}: no image size in the header` };
  if (width * height > maxPixels) {
    return { ok: false, reason: `image too large: ${width}×${height} px is over the ${mpx(maxPixels)} limit` };
  }
  try {
    const thumb = await sharp(input, { failOn: 'error', limitInputPixels: maxPixels })
      .autoOrient()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75, effort: 0 })
      .toBuffer();
    const oriented = meta.autoOrient ?? { width, height };
    return { ok: true, width: oriented.width, height: oriented.height, format, thumb };
  } catch (e) {
    const msg = (e as Error).message.replace(/\s+/g, ' ').trim();
    const label = FORMAT_LABEL[format] ?? format;
    return { ok: false, reason: format === 'jpeg' ? `truncated or corrupt JPEG: ${msg}` : `corrupt ${label}: ${msg}` };
  }
}
