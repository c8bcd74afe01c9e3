// Reliability diagram: per confidence bin, how often the answers in it were right, before and after temperature
// scaling, against the diagonal a perfectly calibrated model would sit on. A bar below the diagonal is over-
// confidence. Bins with no answers draw nothing (their share says nothing).
import type { ReliabilityBin } from '../../../shared/types';
import { linear, ticks } from './scale';

export interface ReliabilitySeries {
  name: string;
  bins: ReliabilityBin[];
  color: string;
}

export function ReliabilityDiagram(props: { series: ReliabilitySeries[]; title: string; testId?: string }) {
  const W = 300;
  const H = 230;
  const m = { l: 36, r: 16, t: 8, b: 30 };
  const sx = linear([0, 1], [m.l, W - m.r]);
  const sy = linear([0, 1], [H - m.b, m.t]);
  const nBins = props.series[0]?.bins.length ?? 10;
  const slot = (sx(1) - sx(0)) / nBins;
  const barW = Math.max(2, (slot - 4) / Math.max(1, props.series.length));
  const grid = ticks(0, 1, 4);
  return (
    <figure style={{ margin: 0 }} data-testid={props.testId}>
      <div className="row" style={{ justifyContent: 'space-between', marginBottom: 6 }}>
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
              {Math.round(v * 100)}%
            </text>
            <text x={sx(v)} y={H - m.b + 12} textAnchor="middle">
              {Math.round(v * 100)}%
            </text>
          </g>
        ))}
        <text x={(m.l + W - m.r) / 2} y={H - 4} textAnchor="middle">
          confidence
        </text>
        {props.series.map((s, si) =>
          s.bins.map((b, i) =>
            b.count ? (
              <rect
                key={`${s.name}-${i}`}
                data-series={s.name}
                x={sx(0) + i * slot + 2 + si * barW}
                y={sy(b.accuracy)}
                width={barW}
                height={Math.max(0, sy(0) - sy(b.accuracy))}
                fill={s.color}
                opacity={0.85}
              >
                <title>{`${s.name} · confidence ${Math.round(b.lo * 100)}–${Math.round(b.hi * 100)}%: ${b.count} answers, mean confidence ${(b.confidence * 100).toFixed(1)}%, right ${(b.accuracy * 100).toFixed(1)}%`}</title>
              </rect>
            ) : null,
          ),
        )}
        <line x1={sx(0)} y1={sy(0)} x2={sx(1)} y2={sy(1)} stroke="var(--fg-2)" strokeDasharray="4 4" strokeWidth={1} />
        <line className="axis" x1={m.l} x2={W - m.r} y1={sy(0)} y2={sy(0)} />
      </svg>
      <figcaption className="xs faint">bar: share right in each confidence bin · dashed: perfectly calibrated</figcaption>
    </figure>
  );
}
