// Reliability diagram: per confidence bin, how often the answers in it were right, before and after temperature
// scaling, against the diagonal a perfectly calibrated model would sit on. A bar below the diagonal is over-
// confidence. Bins with no answers draw nothing (their share says nothing).
import type { ReliabilityBin } from '../../../shared/types';
import { Axes, ChartFigure } from './Axes';
import { linear, ticks } from './scale';

export interface ReliabilitySeries {
  name: string;
  bins: ReliabilityBin[];
  color: string;
}

const percent = (v: number) => `${Math.round(v * 100)}%`;

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
    <ChartFigure title={props.title} testId={props.testId} legend={props.series} caption="bar: share right in each confidence bin · dashed: perfectly calibrated">
      <Axes
        box={{ width: W, height: H, margin: m }}
        x={{ scale: sx, ticks: grid, format: percent, title: 'confidence' }}
        y={{ scale: sy, ticks: grid, format: percent }}
        label={props.title}
        maxScale={1.4}
      >
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
      </Axes>
    </ChartFigure>
  );
}
