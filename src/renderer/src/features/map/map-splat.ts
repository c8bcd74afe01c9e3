// The map's points drawn by the CPU into a pixel buffer, for when WebGL is itself a CPU (SwiftShader, llvmpipe:
// a browser without a usable GPU). Emulated GL pays ~1 µs of vertex and primitive set-up per point — 75,000
// points are 70–110 ms a frame there, and even one full-canvas textured quad misses 60 fps — while a plain loop
// writing a few pixels per point does the same picture in a few milliseconds (BENCHMARKS.md, "Embedding map").
// No DOM here, so node tests check it; the canvas side (ImageData, putImageData) is in map-gl.tsx.

/** Clip-space transform of the view (map-gl's viewTransform). */
export interface SplatTransform {
  sx: number;
  sy: number;
  ox: number;
  oy: number;
}

/** RGBA floats 0–1 (the GL colour buffer) → one 0xAABBGGRR word per point, the byte order of ImageData on little-endian machines. */
export function packColors(rgba: Float32Array): Uint32Array {
  const out = new Uint32Array(rgba.length / 4);
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round(v * 255)));
  for (let i = 0; i < out.length; i++) {
    out[i] = ((byte(rgba[4 * i + 3]!) << 24) | (byte(rgba[4 * i + 2]!) << 16) | (byte(rgba[4 * i + 1]!) << 8) | byte(rgba[4 * i]!)) >>> 0;
  }
  return out;
}

/** An opaque 0xAABBGGRR word from CSS "rgb(r, g, b)" / "rgba(r, g, b, a)" (alpha ignored). */
export function packCss(css: string): number | null {
  const m = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(css);
  if (!m) return null;
  return ((0xff << 24) | (Math.round(Number(m[3])) << 16) | (Math.round(Number(m[2])) << 8) | Math.round(Number(m[1]))) >>> 0;
}

/**
 * Pixel offsets (dy·width + dx) of a disc of diameter `size` px centred on a pixel: the pixels whose centres lie
 * within size/2 of it, as GL rasterises a round point (2.5 px → a plus of 5 pixels, 5 px → 21).
 */
export function discMask(size: number): { dx: Int8Array; dy: Int8Array; reach: number } {
  const r2 = (size / 2) ** 2;
  const reach = Math.max(0, Math.ceil(size / 2) - 1);
  const dx: number[] = [];
  const dy: number[] = [];
  for (let y = -reach; y <= reach; y++) for (let x = -reach; x <= reach; x++) if (x * x + y * y <= r2 || (x === 0 && y === 0)) (dx.push(x), dy.push(y));
  return { dx: Int8Array.from(dx), dy: Int8Array.from(dy), reach };
}

/**
 * Fills `buf` (width × height, 0xAABBGGRR) with `background`, then draws every point in order as a disc of
 * `size` px, blended over what is there by its alpha (later points on top, as GL's draw order).
 */
export function splatPoints(
  buf: Int32Array,
  width: number,
  height: number,
  xy: Float32Array,
  colors: Uint32Array,
  t: SplatTransform,
  size: number,
  background: number,
): void {
  buf.fill(background | 0);
  const n = Math.min(xy.length / 2, colors.length);
  const { dx, dy, reach } = discMask(size);
  const m = dx.length;
  const offs = new Int32Array(m);
  for (let j = 0; j < m; j++) offs[j] = dy[j]! * width + dx[j]!;
  // Clip space → pixels: px = (x·sx + ox + 1)/2 · width, py = (1 − (y·sy + oy))/2 · height.
  const ax = (t.sx * width) / 2;
  const bx = ((t.ox + 1) * width) / 2;
  const ay = (-t.sy * height) / 2;
  const by = ((1 - t.oy) * height) / 2;
  for (let p = 0; p < n; p++) {
    const cx = Math.floor(xy[2 * p]! * ax + bx);
    const cy = Math.floor(xy[2 * p + 1]! * ay + by);
    if (cx < -reach || cy < -reach || cx >= width + reach || cy >= height + reach) continue;
    const c = colors[p]!;
    const a = c >>> 24;
    if (a === 0) continue;
    // Two channels at once: (R,B) in one word and G in another, each blended as src·a + dst·(256 − a).
    const alpha = a + (a >> 7); // 0–255 → 0–256, so 255 is fully opaque
    const inv = 256 - alpha;
    const sRB = (c & 0xff00ff) * alpha;
    const sG = (c & 0xff00) * alpha;
    const base = cy * width + cx;
    if (cx >= reach && cy >= reach && cx < width - reach && cy < height - reach) {
      for (let j = 0; j < m; j++) {
        const i = base + offs[j]!;
        const d = buf[i]!;
        buf[i] = (0xff000000 | (((sRB + (d & 0xff00ff) * inv) >>> 8) & 0xff00ff) | (((sG + (d & 0xff00) * inv) >>> 8) & 0xff00));
      }
      continue;
    }
    // Near an edge: only the pixels inside.
    for (let j = 0; j < m; j++) {
      const x = cx + dx[j]!;
      const y = cy + dy[j]!;
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const i = base + offs[j]!;
      const d = buf[i]!;
      buf[i] = (0xff000000 | (((sRB + (d & 0xff00ff) * inv) >>> 8) & 0xff00ff) | (((sG + (d & 0xff00) * inv) >>> 8) & 0xff00));
    }
  }
}
