// Tells from a file's first bytes whether it can be a photo Paddy imports, so a video, archive or disk image
// costs one small read instead of its whole size, and the report can say what it is instead of "unrecognised".
// The magic numbers are the ones sharp's decoders (libvips) use; anything not matched here still gets sharp's
// own header probe (see refuseNonImage in decode.ts), so "recognised by content" does not depend on this list.

/** How much of each file is read before deciding: covers every signature below, and SVG's opening tag. */
export const HEADER_BYTES = 64 * 1024;

const ascii = (b: Buffer, at: number, s: string): boolean => b.length >= at + s.length && b.toString('latin1', at, at + s.length) === s;
const bytes = (b: Buffer, at: number, sig: number[]): boolean => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);

/** ISO-BMFF brands of HEIF/AVIF still images (MP4/MOV share the container but carry other brands). */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis']);

/** The brands of an ISO-BMFF `ftyp` box (major + compatible), or null when the file does not start with one. */
function ftypBrands(b: Buffer): string[] | null {
  if (!ascii(b, 4, 'ftyp')) return null;
  const size = Math.min(b.readUInt32BE(0), b.length, 4096);
  const brands = [b.toString('latin1', 8, 12)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(b.toString('latin1', at, at + 4));
  return brands;
}

/**
 * The image format a header announces, in sharp's names, or null. JPEG needs only its two-byte start marker:
 * a cut-off JPEG must still reach the decoder, which reports it as truncated.
 */
export function imageFormatOf(b: Buffer): string | null {
  if (bytes(b, 0, [0xff, 0xd8])) return 'jpeg';
  if (bytes(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return 'gif';
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return 'webp';
  if (bytes(b, 0, [0x49, 0x49, 0x2a, 0x00]) || bytes(b, 0, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (bytes(b, 0, [0x49, 0x49, 0x2b, 0x00]) || bytes(b, 0, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff'; // BigTIFF
  const brands = ftypBrands(b);
  if (brands?.some((x) => HEIF_BRANDS.has(x))) return 'heif';
  if (bytes(b, 0, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || bytes(b, 0, [0xff, 0x4f, 0xff, 0x51])) return 'jp2';
  if (bytes(b, 0, [0xff, 0x0a]) || bytes(b, 0, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return 'jxl';
  return null;
}

/** What a non-image is, for the report ("a video (MP4/QuickTime)"), or null when the header says nothing known. */
export function describeNonImage(b: Buffer): string | null {
  const brands = ftypBrands(b);
  if (brands) {
    const major = brands[0]!;
    if (major.startsWith('M4A') || major.startsWith('M4B')) return 'an audio file (M4A)';
    if (major === 'crx ') return 'a camera raw file (Canon CR3)';
    if (major.startsWith('3g')) return 'a video (3GP)';
    return 'a video (MP4/QuickTime)';
  }
  // QuickTime files written without an ftyp box start with another top-level atom.
  if (b.length >= 8 && b.readUInt32BE(0) >= 8 && ['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].some((atom) => ascii(b, 4, atom))) {
    return 'a video (MP4/QuickTime)';
  }
  if (bytes(b, 0, [0x1a, 0x45, 0xdf, 0xa3])) return 'a video (Matroska/WebM)';
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'AVI ')) return 'a video (AVI)';
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return 'an audio file (WAV)';
  if (bytes(b, 0, [0x00, 0x00, 0x01, 0xba]) || bytes(b, 0, [0x00, 0x00, 0x01, 0xb3])) return 'a video (MPEG)';
  if (b[0] === 0x47 && b[188] === 0x47 && b[376] === 0x47) return 'a video (MPEG transport stream)';
  if (bytes(b, 0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) return 'a video or audio file (Windows Media)';
  if (ascii(b, 0, 'FLV\x01')) return 'a video (Flash)';
  if (ascii(b, 0, 'OggS')) return 'an audio or video file (Ogg)';
  if (ascii(b, 0, 'ID3')) return 'an audio file (MP3)';
  if (ascii(b, 0, 'fLaC')) return 'an audio file (FLAC)';
  if (ascii(b, 0, '%PDF-')) return 'a PDF document';
  if (ascii(b, 0, '8BPS')) return 'a Photoshop document (PSD)';
  if (ascii(b, 0, 'BM') && [12, 40, 52, 56, 108, 124].includes(b.length >= 18 ? b.readUInt32LE(14) : -1)) return 'a BMP bitmap (a format Paddy cannot decode)';
  if (bytes(b, 0, [0x50, 0x4b, 0x03, 0x04]) || bytes(b, 0, [0x50, 0x4b, 0x05, 0x06])) return 'a ZIP archive (or a document stored as one)';
  if (bytes(b, 0, [0x1f, 0x8b])) return 'a gzip archive';
  if (ascii(b, 0, 'Rar!\x1a\x07')) return 'a RAR archive';
  if (bytes(b, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'a 7-Zip archive';
  if (bytes(b, 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'an xz archive';
  if (ascii(b, 257, 'ustar')) return 'a tar archive';
  if (bytes(b, 0, [0x7f, 0x45, 0x4c, 0x46])) return 'a program (ELF executable)';
  if (ascii(b, 0, 'MZ') && b.length >= 64 && ascii(b, b.readUInt32LE(0x3c), 'PE\0\0')) return 'a Windows program (EXE/DLL)';
  if (ascii(b, 0, 'SQLite format 3\0')) return 'an SQLite database';
  if (ascii(b, 32769, 'CD001')) return 'a disk image (ISO)';
  return null;
}

/**
 * Whether a JPEG's marker segments lead to a frame header (SOFn), reading 4 bytes per segment. Used before a
 * large JPEG is handed to the decoder: libvips reads a file through a memory map, and a decoder hunting for
 * markers in a huge damaged file would page all of it into the process.
 */
export async function jpegHasFrame(readAt: (pos: number, len: number) => Promise<Buffer>, size: number): Promise<boolean> {
  let pos = 2;
  for (let segments = 0; segments < 10_000 && pos + 4 <= size; segments++) {
    const m = await readAt(pos, 4);
    if (m.length < 4 || m[0] !== 0xff) return false;
    const marker = m[1]!;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return true;
    if (marker === 0xd9 || marker === 0xda) return false; // end of image, or image data before any frame header
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2; // markers without a length
      continue;
    }
    pos += 2 + m.readUInt16BE(2);
  }
  return false;
}

/** What a JPEG held in memory says about itself before its image data: its frame header and EXIF orientation. */
export interface JpegHeader {
  /** The SOFn marker (0xc0…0xcf): baseline, progressive, arithmetic, lossless… */
  frame: number;
  precision: number;
  width: number;
  height: number;
  components: number;
  /** EXIF orientation (1–8), or 1 when there is none. */
  orientation: number;
}

/** The EXIF orientation in an APP1 segment's payload (from "Exif\0\0"), or 1. */
function exifOrientation(b: Buffer, start: number, end: number): number {
  const tiff = start + 6;
  if (end - tiff < 8 || b.toString('latin1', start, start + 6) !== 'Exif\0\0') return 1;
  const le = b.toString('latin1', tiff, tiff + 2) === 'II';
  const u16 = (at: number) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (at: number) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > end) return 1;
    if (u16(e) === 0x0112) return u16(e + 8);
  }
  return 1;
}

/** The frame header (and orientation) of a JPEG held in memory, or null when none precedes the image data. */
export function jpegHeader(b: Buffer): JpegHeader | null {
  let pos = 2;
  let orientation = 1;
  for (let segments = 0; segments < 10_000 && pos + 4 <= b.length; segments++) {
    if (b[pos] !== 0xff) return null;
    const marker = b[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    const len = b.readUInt16BE(pos + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (pos + 10 > b.length) return null;
      return { frame: marker, precision: b[pos + 4]!, height: b.readUInt16BE(pos + 5), width: b.readUInt16BE(pos + 7), components: b[pos + 9]!, orientation };
    }
    if (marker === 0xe1 && orientation === 1) orientation = exifOrientation(b, pos + 4, Math.min(b.length, pos + 2 + len));
    pos += 2 + len;
  }
  return null;
}
