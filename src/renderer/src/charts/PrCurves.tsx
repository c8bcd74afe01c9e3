// Precision–recall curves, one per class (one-vs-rest on that class's probability), drawn as steps the way AP
// integrates them. Axes are the full [0, 1] so curves of two runs side by side compare at a glance.
import type { PrPoint } from '../../../shared/types';
import { linear, ticks } from './scale';

export interface PrSeries {
  name: string;
  points: PrPoint[];
  color: string;
}

function stepPath(points: PrPoint[], sx: (v: number) => number, sy: (v: number) => number): string {
  if (!points.length) return '';
  let d = `M${sx(0).toFixed(1)},${sy(points[0]!.precision).toFixed(1)}`;
  for (const p of points) d += `H${sx(p.recall).toFixed(1)}V${sy(p.precision).toFixed(1)}`;
  return d;
}

export function PrCurves(props: { series: PrSeries[]; title: string; testId?: string }) {
  const W = 300;
  const H = 230;
  const m = { l: 48, r: 16, t: 8, b: 30 };
  const sx = linear([0, 1], [m.l, W - m.r]);
  const sy = linear([0, 1], [H - m.b, m.t]);
  const grid = ticks(0, 1, 4);
  return (
    <figure style={{ margin: 0 }} data-testid={props.testId}>
      <div className="row" style={{ justifyContent: 'space-between', marginBottom: 6, flexWrap: 'wrap', gap: 6 }}>
        <h4>{props.title}</h4>
        <div className="legend">
          {props.series.map((s) => (
            <span key={s.name}>
              <i style={{ background: s.color }} />
              {s.name}
            </span>
          ))}
        </div>
      </div>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W * 1.4, display: 'block' }} role="img" aria-label={props.title}>
        {grid.map((v) => (
          <g key={v}>
            <line className="gridline" x1={m.l} x2={W - m.r} y1={sy(v)} y2={sy(v)} />
            <text x={m.l - 5} y={sy(v) + 3} textAnchor="end">
              {v.toFixed(2)}
            </text>
            <text x={sx(v)} y={H - m.b + 12} textAnchor="middle">
              {v.toFixed(2)}
            </text>
          </g>
        ))}
        <text x={(m.l + W - m.r) / 2} y={H - 4} textAnchor="middle">
          recall
        </text>
        <text x={9} y={(m.t + H - m.b) / 2} textAnchor="middle" transform={`rotate(-90 9 ${(m.t + H - m.b) / 2})`}>
          precision
        </text>
        {props.series.map((s) => (
          <path key={s.name} data-series={s.name} d={stepPath(s.points, sx, sy)} fill="none" stroke={s.color} strokeWidth={1.8} strokeLinejoin="round" />
        ))}
        <line className="axis" x1={m.l} x2={W - m.r} y1={sy(0)} y2={sy(0)} />
      </svg>
    </figure>
  );
}
