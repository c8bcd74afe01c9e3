// Images for training and inference: decoded with sharp straight to RGB bytes at the model's input size,
// normalised per model, optionally augmented (seeded). Batches are built on demand so a large library is never
// held in memory as floats; the CNN keeps its small uint8 pixels (64×64×3 = 12 KB per image) in memory.
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
 * Seeded augmentation on uint8 RGB: horizontal/vertical flips, a small rotation (±15°, nearest neighbour,
 * edges clamped) and a brightness factor (±15%). Rice grains have no canonical orientation, so all are safe.
 */
export function augment(src: Uint8Array, size: number, rand: () => number): Uint8Array {
  const flipH = rand() < 0.5;
  const flipV = rand() < 0.5;
  const angle = ((rand() * 2 - 1) * 15 * Math.PI) / 180;
  const bright = 1 + (rand() * 2 - 1) * 0.15;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const c = (size - 1) / 2;
  const out = new Uint8Array(src.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x - c;
      const dy = y - c;
      let sx = Math.round(cos * dx + sin * dy + c);
      let sy = Math.round(-sin * dx + cos * dy + c);
      sx = Math.min(size - 1, Math.max(0, flipH ? size - 1 - sx : sx));
      sy = Math.min(size - 1, Math.max(0, flipV ? size - 1 - sy : sy));
      const si = (sy * size + sx) * 3;
      const di = (y * size + x) * 3;
      for (let k = 0; k < 3; k++) out[di + k] = Math.min(255, Math.round(src[si + k]! * bright));
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
