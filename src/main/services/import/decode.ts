// Decides what a file is by its content (never its extension), refuses decompression bombs from the header
// before any pixel is decoded, then decodes it fully (so truncated or corrupt files are caught) into a thumbnail.
import sharp, { type Metadata } from 'sharp';
import { describeNonImage, jpegHeader } from './sniff';

/** Long side of a thumbnail: fits a dense browse grid at 2× on a high-DPI screen. */
export const THUMB_SIZE = 160;
export const DEFAULT_MAX_PIXELS = 100_000_000;
/**
 * A JPEG this small (bytes, and long side at most twice THUMB_SIZE, so it is no heavier in the grid than a
 * 2× thumbnail) is its own thumbnail: a copy of its bytes is stored in the library instead of a re-encoded
 * WebP. Decoding it in full still checks it; only the resize and encode (most of an import's time) are saved.
 */
export const AS_IS_MAX_BYTES = 64 * 1024;
export const AS_IS_MAX_SIDE = THUMB_SIZE * 2;
/** Baseline, extended sequential and progressive Huffman JPEG: what every browser shows (not arithmetic, lossless). */
const BROWSER_JPEG_FRAMES = new Set([0xc0, 0xc1, 0xc2]);

/** Raster formats Paddy imports (sharp's names). SVG/PDF are refused: they are documents, not photos. */
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif', 'jp2', 'jxl']);
const FORMAT_LABEL: Record<string, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF', tiff: 'TIFF', heif: 'HEIF/AVIF', avif: 'AVIF', jp2: 'JPEG 2000', jxl: 'JPEG XL' };

// One libvips thread per image: parallelism comes from several images in flight on libuv's pool, which scales
// better for many small images than splitting one small image across threads. No operation cache: every
// image is seen once and the cache would only grow memory.
sharp.concurrency(1);
sharp.cache(false);

/** The thumbnail's file type: a WebP Paddy encoded, or the source's own JPEG bytes (see AS_IS_MAX_BYTES). */
export type ThumbType = 'webp' | 'jpg';

export type Decoded =
  | { ok: true; width: number; height: number; format: string; thumb: Buffer; thumbType: ThumbType }
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
  if (typeof input !== 'string') {
    const asIs = await decodeAsIs(input, maxPixels);
    if (asIs) return asIs;
  }
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
    return { ok: true, width: oriented.width, height: oriented.height, format, thumb, thumbType: 'webp' };
  } catch (e) {
    const msg = (e as Error).message.replace(/\s+/g, ' ').trim();
    const label = FORMAT_LABEL[format] ?? format;
    return { ok: false, reason: format === 'jpeg' ? `truncated or corrupt JPEG: ${msg}` : `corrupt ${label}: ${msg}` };
  }
}

/**
 * A small upright 8-bit JPEG that any browser decodes (not CMYK, not rotated by EXIF, not arithmetic-coded or
 * lossless), told from its own header without sharp's header probe, decoded in full as the check (a truncated
 * or corrupt file fails as in decodeImage) and kept as its own thumbnail. Null for anything else.
 */
async function decodeAsIs(buf: Buffer, maxPixels: number): Promise<Decoded | null> {
  if (buf.length > AS_IS_MAX_BYTES || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  const h = jpegHeader(buf);
  if (!h || !BROWSER_JPEG_FRAMES.has(h.frame) || h.precision !== 8 || h.orientation !== 1) return null;
  if ((h.components !== 1 && h.components !== 3) || !h.width || !h.height || Math.max(h.width, h.height) > AS_IS_MAX_SIDE) return null;
  if (h.width * h.height > maxPixels) return null;
  try {
    // The pixels are dropped: decoding them all is what finds a truncated or corrupt file.
    const { info } = await sharp(buf, { failOn: 'error', limitInputPixels: maxPixels }).raw().toBuffer({ resolveWithObject: true });
    if (info.width !== h.width || info.height !== h.height) return null;
  } catch (e) {
    return { ok: false, reason: `truncated or corrupt JPEG: ${(e as Error).message.replace(/\s+/g, ' ').trim()}` };
  }
  return { ok: true, width: h.width, height: h.height, format: 'jpeg', thumb: buf, thumbType: 'jpg' };
}
