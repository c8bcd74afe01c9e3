// Line chart for training curves: several series over epochs, a dashed style for validation.
import { axisRangeText, extent, linePath, linear, ticks } from './scale';

export interface Series {
  name: string;
  values: Array<number | null>;
  color: string;
  dashed?: boolean;
}

export function LineChart(props: { x: number[]; series: Series[]; height?: number; yLabel?: string; percent?: boolean; testId?: string; title: string }) {
  const W = 420;
  const H = props.height ?? 200;
  const m = { l: 40, r: 12, t: 10, b: 24 };
  const xs = props.x;
  const [y0, y1] = props.percent ? clampUnit(extent(props.series.map((s) => s.values))) : extent(props.series.map((s) => s.values));
  const xMax = Math.max(1, xs.length ? xs[xs.length - 1] : 1);
  const xMin = xs.length ? Math.min(xs[0], xMax - 1) : 0;
  const sx = linear([xMin, xMax], [m.l, W - m.r]);
  const sy = linear([y0, y1], [H - m.b, m.t]);
  const yt = ticks(y0, y1, 4);
  // As many decimals as the tick step needs, so neighbouring labels never read the same.
  const decimals = yt.length > 1 ? Math.max(0, Math.ceil(-Math.log10(yt[1] - yt[0]) - 1e-9)) : 2;
  const xt = ticks(xMin, xMax, Math.min(6, xMax - xMin)).filter((v) => Number.isInteger(v));
  return (
    <figure style={{ margin: 0 }} data-testid={props.testId}>
      <div className="row" style={{ justifyContent: 'space-between', marginBottom: 6 }}>
        <h4>{props.title}</h4>
        <div className="legend">
          {props.series.map((s) => (
            <span key={s.name}>
              <i className={s.dashed ? 'dashed' : ''} style={{ background: s.color, color: s.color }} />
              {s.name}
            </span>
          ))}
        </div>
      </div>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W * 1.6, display: 'block' }} role="img" aria-label={props.title}>
        {yt.map((v) => (
          <g key={v}>
            <line className="gridline" x1={m.l} x2={W - m.r} y1={sy(v)} y2={sy(v)} />
            <text x={m.l - 6} y={sy(v) + 3} textAnchor="end">
              {props.percent ? `${(v * 100).toFixed(Math.max(0, decimals - 2))}%` : v.toFixed(decimals)}
            </text>
          </g>
        ))}
        {xt.map((v) => (
          <text key={v} x={sx(v)} y={H - 6} textAnchor="middle">
            {v}
          </text>
        ))}
        <line className="axis" x1={m.l} x2={W - m.r} y1={H - m.b} y2={H - m.b} />
        {xs.length === 0 && (
          <text x={W / 2} y={H / 2} textAnchor="middle">
            waiting for the first epoch…
          </text>
        )}
        {props.series.map((s) => (
          <g key={s.name} data-series={s.name}>
            <path d={linePath(xs, s.values, sx, sy)} fill="none" stroke={s.color} strokeWidth={2} strokeDasharray={s.dashed ? '5 4' : undefined} strokeLinejoin="round" />
            {xs.map((x, i) =>
              s.values[i] === null || s.values[i] === undefined ? null : <circle key={i} cx={sx(x)} cy={sy(s.values[i] as number)} r={2.5} fill={s.color} />,
            )}
          </g>
        ))}
      </svg>
      {xs.length > 0 && (
        <figcaption className="xs faint" data-testid={props.testId ? `${props.testId}-range` : undefined}>
          {axisRangeText(y0, y1, props.percent ?? false, decimals)} · epochs {xMin}–{xMax}
        </figcaption>
      )}
    </figure>
  );
}

function clampUnit([a, b]: [number, number]): [number, number] {
  return [Math.max(0, a), Math.min(1, b)];
}

