// An overlay PNG: the image as the model sees it (decoded and resized by the model's own preprocessing) with the
// heat map colour-mapped on top, heat-weighted so cold areas keep the photo visible.
import sharp from 'sharp';
import { heatAlpha, heatColour } from '../../../shared/heat-colour';

/** RGB uint8 size×size×3 + heat (size×size, 0..1) → PNG bytes; `opacity`: the heat layer's strongest weight. */
export async function overlayPng(rgb: Uint8Array, heat: ArrayLike<number>, size: number, opacity = 0.6): Promise<Buffer> {
  const out = Buffer.alloc(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    const h = heat[i]!;
    const [r, g, b] = heatColour(h);
    const a = heatAlpha(h, opacity);
    out[i * 3] = Math.round(rgb[i * 3]! * (1 - a) + r * a);
    out[i * 3 + 1] = Math.round(rgb[i * 3 + 1]! * (1 - a) + g * a);
    out[i * 3 + 2] = Math.round(rgb[i * 3 + 2]! * (1 - a) + b * a);
  }
  return sharp(out, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}
