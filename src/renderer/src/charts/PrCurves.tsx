// Precision–recall curves, one per class (one-vs-rest on that class's probability), drawn as steps the way AP
// integrates them. Axes are the full [0, 1] so curves of two runs side by side compare at a glance.
import type { PrPoint } from '../../../shared/types';
import { Axes, ChartFigure } from './Axes';
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

const twoDecimals = (v: number) => v.toFixed(2);

export function PrCurves(props: { series: PrSeries[]; title: string; testId?: string }) {
  const W = 300;
  const H = 230;
  const m = { l: 48, r: 16, t: 8, b: 30 };
  const sx = linear([0, 1], [m.l, W - m.r]);
  const sy = linear([0, 1], [H - m.b, m.t]);
  const grid = ticks(0, 1, 4);
  return (
    <ChartFigure title={props.title} testId={props.testId} legend={props.series} wrapHead>
      <Axes
        box={{ width: W, height: H, margin: m }}
        x={{ scale: sx, ticks: grid, format: twoDecimals, title: 'recall' }}
        y={{ scale: sy, ticks: grid, format: twoDecimals, title: 'precision' }}
        label={props.title}
        maxScale={1.4}
      >
        {props.series.map((s) => (
          <path key={s.name} data-series={s.name} d={stepPath(s.points, sx, sy)} fill="none" stroke={s.color} strokeWidth={1.8} strokeLinejoin="round" />
        ))}
      </Axes>
    </ChartFigure>
  );
}
