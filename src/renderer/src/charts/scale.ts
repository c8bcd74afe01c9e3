// Scales, ticks and paths for the hand-written SVG charts.

export type Scale = (v: number) => number;

export function linear(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** "Nice" tick values (1, 2, 5 × 10^k steps) covering [min, max]. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const start = Math.ceil(min / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = start; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Domain of a set of series, padded so lines do not touch the frame; nulls are gaps. */
export function extent(series: Array<Array<number | null>>, pad = 0.05): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series)
    for (const v of s)
      if (v !== null && Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
}

/** SVG path through the points; a null value breaks the line. */
export function linePath(xs: number[], ys: Array<number | null>, sx: Scale, sy: Scale): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${sx(xs[i]).toFixed(1)},${sy(y).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/**
 * Heatmap colour of a confusion-matrix cell: intensity by share of the row; the diagonal in the accent,
 * errors in red, so a glance tells right from wrong.
 */
export function heatColor(share: number, diagonal: boolean): string {
  const a = Math.max(0, Math.min(1, share));
  if (a === 0) return 'rgba(255,255,255,0.03)';
  const alpha = (0.12 + 0.88 * Math.sqrt(a)).toFixed(3);
  return diagonal ? `rgba(224,168,74,${alpha})` : `rgba(226,109,109,${alpha})`;
}
