// Images for training and inference: decoded with sharp straight to RGB bytes at the model's input size,
// normalised per model, optionally augmented (seeded). Batches are built on demand so a large library is never
// held in memory as floats; the CNN keeps its small uint8 pixels (64×64×3 = 12 KB per image) in memory.
import fs from 'node:fs';
import sharp from 'sharp';

export type Normalisation = 'unit' | 'mobilenet';

/**
 * RGB uint8, size×size×3, HWC. A clear error names the file and why it could not be read.
 * Changing what this returns? Bump PIXEL_PREPROCESSING in pixel-cache.ts, or CNN runs reuse stale cached pixels.
 */
export async function decodeImage(file: string, size: number): Promise<Uint8Array> {
  try {
    const { data, info } = await sharp(file, { failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .resize(size, size, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const out = new Uint8Array(size * size * 3);
    for (let i = 0; i < size * size; i++) {
      const v = data[i * info.channels]!;
      out[i * 3] = v;
      out[i * 3 + 1] = info.channels >= 3 ? data[i * info.channels + 1]! : v;
      out[i * 3 + 2] = info.channels >= 3 ? data[i * info.channels + 2]! : v;
    }
    return out;
  } catch (e) {
    // sharp words a missing file either way ("Input file is missing" or "…unsupported image format"), by timing.
    if (!fs.existsSync(file)) throw new Error(`cannot decode image ${file}: the file does not exist`);
    throw new Error(`cannot decode image ${file}: ${(e as Error).message}`);
  }
}

/** Decode many files with bounded concurrency (libvips uses its own threads). */
export async function decodeMany(
  files: readonly string[],
  size: number,
  opts: { concurrency?: number; onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      if (opts.signal?.aborted) throw new Error('cancelled');
      const i = next++;
      out[i] = await decodeImage(files[i]!, size);
      done++;
      if (done % 64 === 0 || done === files.length) opts.onProgress?.(done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, files.length) }, worker));
  return out;
}

export function normalise(pixels: Uint8Array, out: Float32Array, offset: number, mode: Normalisation): void {
  if (mode === 'mobilenet') for (let i = 0; i < pixels.length; i++) out[offset + i] = pixels[i]! / 127.5 - 1;
  else for (let i = 0; i < pixels.length; i++) out[offset + i] = pixels[i]! / 255;
}

/**
 * What `augment` may do to a single grain on black. Rice grains have no canonical orientation, so the eight
 * flips/quarter turns are exact, label-preserving copies (no resampling); a small rotation and a brightness
 * factor resample and were measured separately (BENCHMARKS.md, "Accuracy of the defaults").
 */
export interface AugmentOptions {
  /** Random horizontal/vertical flips and a transpose: all eight 90° orientations. Default true. */
  quarterTurns?: boolean;
  /** Extra rotation, uniform in ±maxDegrees (nearest neighbour, edges clamped). Default 0. */
  maxDegrees?: number;
  /** Brightness factor uniform in 1 ± brightness. Default 0. */
  brightness?: number;
}

/**
 * Seeded augmentation on uint8 RGB, size×size×3 HWC. With the default options the output is one of the eight
 * flips/quarter turns of the input, pixel for pixel.
 */
export function augment(src: Uint8Array, size: number, rand: () => number, opts: AugmentOptions = {}): Uint8Array {
  // One draw picks the orientation (of eight): bit 0 flips horizontally, bit 1 vertically, bit 2 transposes.
  const turn = opts.quarterTurns !== false ? Math.floor(rand() * 8) : 0;
  const flipH = (turn & 1) !== 0;
  const flipV = (turn & 2) !== 0;
  const swap = (turn & 4) !== 0;
  const deg = opts.maxDegrees ?? 0;
  const angle = deg > 0 ? ((rand() * 2 - 1) * deg * Math.PI) / 180 : 0;
  const bright = opts.brightness ? 1 + (rand() * 2 - 1) * opts.brightness : 1;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const c = (size - 1) / 2;
  const out = new Uint8Array(src.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sx = x;
      let sy = y;
      if (angle !== 0) {
        const dx = x - c;
        const dy = y - c;
        sx = Math.min(size - 1, Math.max(0, Math.round(cos * dx + sin * dy + c)));
        sy = Math.min(size - 1, Math.max(0, Math.round(-sin * dx + cos * dy + c)));
      }
      if (swap) [sx, sy] = [sy, sx];
      if (flipH) sx = size - 1 - sx;
      if (flipV) sy = size - 1 - sy;
      const si = (sy * size + sx) * 3;
      const di = (y * size + x) * 3;
      if (bright === 1) {
        out[di] = src[si]!;
        out[di + 1] = src[si + 1]!;
        out[di + 2] = src[si + 2]!;
      } else for (let k = 0; k < 3; k++) out[di + k] = Math.min(255, Math.round(src[si + k]! * bright));
    }
  }
  return out;
}

/** Build one NHWC float batch from uint8 images. */
export function toBatch(images: readonly Uint8Array[], size: number, mode: Normalisation): Float32Array {
  const per = size * size * 3;
  const out = new Float32Array(images.length * per);
  images.forEach((img, i) => normalise(img, out, i * per, mode));
  return out;
}
