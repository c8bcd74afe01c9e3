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

/** Roughly how wide a label is drawn at `fontSize` px (chart text is 10 px): enough to leave it room, unclipped. */
export function textWidth(text: string, fontSize = 10): number {
  return Math.ceil(text.length * fontSize * 0.6);
}

/** A confusion cell's text: its share of the true class's row ("87%") or its count. */
export function cellText(count: number, rowSum: number, mode: 'normalised' | 'absolute'): string {
  if (mode === 'absolute') return String(count);
  if (!rowSum) return '—';
  const p = (count / rowSum) * 100;
  return `${p > 0 && p < 1 ? '<1' : Math.round(p)}%`;
}

/**
 * A value axis for scores in [0, 1] that shows their differences: it starts at the tenth below the smallest
 * value (never below 0) instead of at 0, so 96% and 98% are not two equal full-length bars.
 */
export function scoreDomain(values: readonly number[]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return [0, 1];
  // A little room below the smallest value, so its bar is never a sliver.
  const start = Math.floor((Math.min(...finite) - 0.02) * 10 + 1e-9) / 10;
  return [Math.max(0, Math.min(0.9, start)), 1];
}

/** The y axis's range in words: a curve's shape means little without knowing whether the axis starts at 0. */
export function axisRangeText(y0: number, y1: number, percent: boolean, decimals: number): string {
  const f = (v: number) => (percent ? `${(v * 100).toFixed(Math.max(0, decimals - 2))}%` : v.toFixed(decimals));
  return `y axis ${f(y0)} to ${f(y1)}${y0 > 0 ? ' (not from 0)' : ''}`;
}
