// How much of a heat map sits on the object: on the rice photos (one bright grain on black) the grain is the
// pixels brighter than a threshold in the image resized the way the model sees it. Used by the bench and tests.

export interface HeatOnMask {
  /** Share of the grain in the image (pixels). */
  areaShare: number;
  /** Σ heat on the grain / Σ heat. */
  heatShare: number;
  /** Mean heat on the grain / mean heat off it (Infinity when no heat is off the grain). */
  densityRatio: number;
}

/** Grain mask of RGB uint8 pixels (size×size×3): mean channel value above `threshold`. */
export function brightMask(rgb: Uint8Array, threshold = 40): Uint8Array {
  const n = rgb.length / 3;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = (rgb[i * 3]! + rgb[i * 3 + 1]! + rgb[i * 3 + 2]!) / 3 > threshold ? 1 : 0;
  return mask;
}

export function heatOnMask(heat: ArrayLike<number>, mask: Uint8Array): HeatOnMask {
  let on = 0;
  let off = 0;
  let nOn = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      on += heat[i]!;
      nOn++;
    } else off += heat[i]!;
  }
  const nOff = mask.length - nOn;
  const meanOn = nOn ? on / nOn : 0;
  const meanOff = nOff ? off / nOff : 0;
  return {
    areaShare: nOn / mask.length,
    heatShare: on + off > 0 ? on / (on + off) : 0,
    densityRatio: meanOff > 0 ? meanOn / meanOff : meanOn > 0 ? Infinity : 0,
  };
}
