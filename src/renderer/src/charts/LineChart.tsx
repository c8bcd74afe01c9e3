// Line chart for training curves: several series over epochs, a dashed style for validation.
import { Axes, ChartFigure } from './Axes';
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
    <ChartFigure
      title={props.title}
      testId={props.testId}
      legend={props.series}
      caption={xs.length > 0 ? `${axisRangeText(y0, y1, props.percent ?? false, decimals)} · epochs ${xMin}–${xMax}` : undefined}
      captionTestId={props.testId ? `${props.testId}-range` : undefined}
    >
      <Axes
        box={{ width: W, height: H, margin: m }}
        x={{ scale: sx, ticks: xt, format: (v) => v }}
        y={{ scale: sy, ticks: yt, format: (v) => (props.percent ? `${(v * 100).toFixed(Math.max(0, decimals - 2))}%` : v.toFixed(decimals)) }}
        gaps={{ y: 6, x: 18 }}
        baseline="under"
        label={props.title}
        maxScale={1.6}
      >
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
      </Axes>
    </ChartFigure>
  );
}

function clampUnit([a, b]: [number, number]): [number, number] {
  return [Math.max(0, a), Math.min(1, b)];
}
