// What colour each map point gets, and the legend that explains it. Class colours follow the class's position
// in the library (the --class-N tokens in styles/tokens.css, repeated here as numbers for the GPU buffer).
import type { MapPointInfo, MapPointsResult } from '../../../../shared/types';
import type { ColorBy } from './map.store';

const CLASS_HEX = ['#e0a84a', '#6cb4d9', '#8fcf7a', '#d98ab8', '#b59be6', '#e58a6b', '#6fd1c2', '#d6cf6a', '#9aa6b8', '#e07a8f'];
const NONE = '#5c6470';
const SPLIT_HEX: Record<string, string> = { train: '#6cb4d9', val: '#d9b45a', test: '#8fcf7a' };
const OK = '#6cc08b';
const BAD = '#e26d6d';

export interface LegendEntry {
  color: string;
  label: string;
  count: number;
}

function rgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}

/** Suspect score 0 → 1 as a ramp from dim grey-blue to hot red. */
function ramp(t: number): string {
  const a = rgb('#3d4a5c');
  const b = rgb('#ff4d4d');
  const c = a.map((x, i) => Math.round((x + (b[i]! - x) * t) * 255));
  return `#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function colorOf(p: MapPointInfo | undefined, by: ColorBy, classIndex: Map<string, number>): { color: string; label: string } {
  if (!p) return { color: NONE, label: 'unknown' };
  const cls = (name: string | null) => (name === null ? { color: NONE, label: 'none' } : { color: CLASS_HEX[(classIndex.get(name) ?? 0) % 10]!, label: name });
  switch (by) {
    case 'label':
      return p.label === null ? { color: NONE, label: 'unlabeled' } : cls(p.label);
    case 'predicted':
      return p.predicted === null ? { color: NONE, label: 'not predicted' } : cls(p.predicted);
    case 'split':
      return p.split === null ? { color: NONE, label: 'no split' } : { color: SPLIT_HEX[p.split]!, label: p.split };
    case 'correctness':
      return p.correct === null ? { color: NONE, label: 'not predicted' } : p.correct ? { color: OK, label: 'right' } : { color: BAD, label: 'wrong' };
    case 'suspect': {
      if (p.suspectScore === null) return { color: NONE, label: 'not a suspect' };
      const bucket = Math.min(4, Math.floor(p.suspectScore * 5));
      return { color: ramp((bucket + 1) / 5), label: `score ${(bucket / 5).toFixed(1)}–${((bucket + 1) / 5).toFixed(1)}` };
    }
  }
}

/** RGBA per point in map order, and the legend (most frequent first; classes in library order). */
export function pointColors(
  points: ReadonlyArray<{ imageId: number }>,
  info: MapPointsResult | null,
  by: ColorBy,
  lasso: ReadonlySet<number>,
): { rgba: Float32Array; legend: LegendEntry[] } {
  const byId = new Map((info?.points ?? []).map((p) => [p.imageId, p]));
  const classIndex = new Map((info?.classes ?? []).map((c, i) => [c, i]));
  const rgba = new Float32Array(points.length * 4);
  const legend = new Map<string, LegendEntry>();
  const cache = new Map<string, [number, number, number]>();
  points.forEach((pt, i) => {
    const { color, label } = colorOf(byId.get(pt.imageId), by, classIndex);
    const c = cache.get(color) ?? cache.set(color, rgb(color)).get(color)!;
    // With a lasso, the rest fades so the selection stands out.
    const alpha = lasso.size && !lasso.has(pt.imageId) ? 0.18 : 0.9;
    rgba.set([c[0], c[1], c[2], alpha], i * 4);
    const e = legend.get(label) ?? legend.set(label, { color, label, count: 0 }).get(label)!;
    e.count++;
  });
  const order = (l: LegendEntry) => (classIndex.has(l.label) ? classIndex.get(l.label)! : 1000 - l.count / 1e6);
  const entries = [...legend.values()];
  entries.sort(by === 'label' || by === 'predicted' ? (a, b) => order(a) - order(b) : (a, b) => a.label.localeCompare(b.label));
  return { rgba, legend: entries };
}
