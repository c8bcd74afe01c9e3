// The frame the axis charts share (training curves, reliability, PR curves, the learning curve): a titled figure
// with a legend slot and a caption (the axis range, say), and an SVG with the grid, the tick labels, the axis
// titles and the base line, the chart's own marks drawn inside. Each chart keeps its own sizes and tick offsets,
// so merging them changed no pixel.
import type { ReactNode } from 'react';
import type { Scale } from './scale';

export interface LegendItem {
  name: string;
  color: string;
  /** drawn as a dashed swatch, like a dashed series */
  dashed?: boolean;
}

export function Legend({ items }: { items: readonly LegendItem[] }) {
  return (
    <div className="legend">
      {items.map((s) => (
        <span key={s.name}>
          {/* color feeds the dashed swatch's currentColor */}
          <i className={s.dashed ? 'dashed' : undefined} style={{ background: s.color, color: s.color }} />
          {s.name}
        </span>
      ))}
    </div>
  );
}

/** A chart's title and legend above it, an optional caption below. `wrapHead` lets a long legend wrap under the title. */
export function ChartFigure(props: {
  title: string;
  legend: readonly LegendItem[];
  testId?: string;
  wrapHead?: boolean;
  caption?: ReactNode;
  captionTestId?: string;
  children: ReactNode;
}) {
  return (
    <figure style={{ margin: 0 }} data-testid={props.testId}>
      <div className="row" style={{ justifyContent: 'space-between', marginBottom: 6, ...(props.wrapHead ? { flexWrap: 'wrap' as const, gap: 6 } : {}) }}>
        <h4>{props.title}</h4>
        <Legend items={props.legend} />
      </div>
      {props.children}
      {props.caption !== undefined && (
        <figcaption className="xs faint" data-testid={props.captionTestId}>
          {props.caption}
        </figcaption>
      )}
    </figure>
  );
}

export interface Box {
  width: number;
  height: number;
  /** room around the plot for the tick labels and axis titles */
  margin: { l: number; r: number; t: number; b: number };
}

export interface AxisSpec {
  scale: Scale;
  ticks: readonly number[];
  format: (v: number) => ReactNode;
  title?: string;
}

/** Where the labels sit, in px: y labels `y` left of the plot and `yDy` below their grid line; x labels `x` below the plot; the x title `xTitle` above the bottom. */
export interface TickGaps {
  y: number;
  yDy: number;
  x: number;
  xTitle: number;
}

const GAPS: TickGaps = { y: 5, yDy: 3, x: 12, xTitle: 4 };

/**
 * The SVG of an axis chart: a grid line and a label at each y tick, a label at each x tick, the axis titles, and the
 * marks (`children`). The base line is drawn over the marks (bars end on it) unless `baseline` says 'under' (the
 * training curves' points stay on top) or 'none'. `maxScale`: how far past its viewBox width the drawing may grow.
 */
export function Axes(props: {
  box: Box;
  x: AxisSpec;
  y: AxisSpec;
  label: string;
  maxScale: number;
  gaps?: Partial<TickGaps>;
  baseline?: 'over' | 'under' | 'none';
  children: ReactNode;
}) {
  const { width: W, height: H, margin: m } = props.box;
  const { x, y } = props;
  const g = { ...GAPS, ...props.gaps };
  const midY = (m.t + H - m.b) / 2;
  const baseline = props.baseline ?? 'over';
  const base = <line className="axis" x1={m.l} x2={W - m.r} y1={H - m.b} y2={H - m.b} />;
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W * props.maxScale, display: 'block' }} role="img" aria-label={props.label}>
      {y.ticks.map((v) => (
        <g key={`y${v}`}>
          <line className="gridline" x1={m.l} x2={W - m.r} y1={y.scale(v)} y2={y.scale(v)} />
          <text x={m.l - g.y} y={y.scale(v) + g.yDy} textAnchor="end">
            {y.format(v)}
          </text>
        </g>
      ))}
      {x.ticks.map((v) => (
        <text key={`x${v}`} x={x.scale(v)} y={H - m.b + g.x} textAnchor="middle">
          {x.format(v)}
        </text>
      ))}
      {x.title && (
        <text x={(m.l + W - m.r) / 2} y={H - g.xTitle} textAnchor="middle">
          {x.title}
        </text>
      )}
      {y.title && (
        <text x={9} y={midY} textAnchor="middle" transform={`rotate(-90 9 ${midY})`}>
          {y.title}
        </text>
      )}
      {baseline === 'under' && base}
      {props.children}
      {baseline === 'over' && base}
    </svg>
  );
}
