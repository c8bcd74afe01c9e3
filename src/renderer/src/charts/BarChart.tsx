// Grouped horizontal bars: per class, one bar per series (precision / recall / F1 of runs A and B). The value
// axis starts just below the smallest score (scoreDomain), not at 0, so differences of a few points show; the
// chart says where it starts.
import { ChartFigure } from './Axes';
import { linear, scoreDomain, ticks } from './scale';

export interface BarGroup {
  label: string;
  values: Array<{ name: string; value: number; color: string; /** print the value next to the bar */ labeled?: boolean }>;
}

export function BarChart(props: { groups: BarGroup[]; title: string; testId?: string }) {
  const W = 420;
  const bar = 6;
  const gap = 2;
  const groupGap = 10;
  const m = { l: 86, r: 44, t: 4 };
  const perGroup = Math.max(1, props.groups[0]?.values.length ?? 1);
  const groupH = perGroup * (bar + gap) - gap;
  const H = m.t + props.groups.length * (groupH + groupGap) + 14;
  const [d0, d1] = scoreDomain(props.groups.flatMap((g) => g.values.map((v) => v.value)));
  const sx = linear([d0, d1], [m.l, W - m.r]);
  const axisTicks = ticks(d0, d1, 4);
  const legend = props.groups[0]?.values ?? [];
  return (
    <ChartFigure
      title={props.title}
      testId={props.testId}
      legend={legend}
      caption={d0 > 0 ? `Axis from ${Math.round(d0 * 100)}% to ${Math.round(d1 * 100)}% (not from 0), so small differences show.` : 'Axis from 0 to 100%.'}
      captionTestId={props.testId ? `${props.testId}-axis` : undefined}
    >
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W * 1.25, display: 'block' }} role="img" aria-label={props.title}>
        {axisTicks.map((t) => (
          <g key={t}>
            <line className="gridline" x1={sx(t)} x2={sx(t)} y1={m.t} y2={H - 14} />
            <text x={sx(t)} y={H - 2} textAnchor="middle">
              {Number((t * 100).toFixed(1))}%
            </text>
          </g>
        ))}
        {props.groups.map((g, gi) => {
          const y0 = m.t + gi * (groupH + groupGap);
          return (
            <g key={g.label}>
              <text x={m.l - 8} y={y0 + groupH / 2 + 3} textAnchor="end" style={{ fill: 'var(--fg-1)', fontSize: 11 }}>
                {g.label}
              </text>
              {g.values.map((v, vi) => {
                const y = y0 + vi * (bar + gap);
                const w = Math.max(0, sx(Math.max(d0, Math.min(d1, v.value))) - m.l);
                return (
                  <g key={v.name}>
                    <rect x={m.l} y={y} width={w} height={bar} rx={2} fill={v.color}>
                      <title>{`${g.label} · ${v.name}: ${(v.value * 100).toFixed(1)}%`}</title>
                    </rect>
                    {v.labeled !== false && (
                      <text x={m.l + w + 4} y={y + bar} style={{ fontSize: 9 }}>
                        {(v.value * 100).toFixed(1)}
                      </text>
                    )}
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
    </ChartFigure>
  );
}
