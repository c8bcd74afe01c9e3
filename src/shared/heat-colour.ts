// The heat map colour ramp, one definition for the studio's canvas overlay and the CLI's overlay PNGs.

/** A "jet"-like ramp: blue → cyan → green → yellow → red, for t in [0,1]. */
export function heatColour(t: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, t));
  const ch = (c: number) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * v - c))));
  return [ch(3), ch(2), ch(1)];
}

/** How opaque the heat layer is at heat `h` (0..1) under the slider's `opacity`: cold areas keep the photo visible. */
export function heatAlpha(h: number, opacity: number): number {
  return opacity * Math.min(1, 0.15 + h);
}
