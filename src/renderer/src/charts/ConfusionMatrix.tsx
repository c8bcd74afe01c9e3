// Confusion-matrix heatmap: rows are true classes, columns predicted; each cell is clickable. Cells show the
// share of their true class (rows sum to 100%) or the count; margins grow with the longest class name, so
// rotated headers are never clipped.
import { cellText, heatColor, textWidth } from './scale';

export function ConfusionMatrix(props: {
  classes: string[];
  matrix: number[][];
  title: string;
  onCell?: (trueIndex: number, predIndex: number) => void;
  testId?: string;
  mode?: 'normalised' | 'absolute';
}) {
  const mode = props.mode ?? 'absolute';
  const n = props.classes.length;
  const cell = Math.max(30, Math.min(56, Math.floor(300 / Math.max(1, n))));
  const longest = Math.max(0, ...props.classes.map((c) => textWidth(c)));
  // Column headers are turned 40°: they rise by sin 40° of their length and lean right by cos 40° of it.
  const left = Math.max(56, longest + 14);
  const top = Math.max(40, Math.ceil(longest * 0.65) + 30);
  const right = Math.max(8, Math.ceil(longest * 0.77) - cell / 2 + 4);
  const W = left + n * cell + right;
  const H = top + n * cell + 8;
  const rowSums = props.matrix.map((r) => r.reduce((a, b) => a + b, 0));
  return (
    <figure style={{ margin: 0 }} data-testid={props.testId} data-mode={mode}>
      <h4 style={{ marginBottom: 6 }}>{props.title}</h4>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W * 1.2 }} role="img" aria-label={props.title}>
        <text x={4} y={12} style={{ fill: 'var(--fg-1)' }} data-testid="cm-legend">
          true ↓ / predicted →{mode === 'normalised' ? ' · % of each true class' : ' · image counts'}
        </text>
        {props.classes.map((c, j) => (
          <text key={c} x={left + j * cell + cell / 2} y={top - 8} textAnchor="start" transform={`rotate(-40 ${left + j * cell + cell / 2} ${top - 8})`}>
            {c}
          </text>
        ))}
        {props.classes.map((c, i) => (
          <text key={c} x={left - 8} y={top + i * cell + cell / 2 + 3} textAnchor="end">
            {c}
          </text>
        ))}
        {props.matrix.map((row, i) =>
          row.map((v, j) => {
            const share = rowSums[i] ? v / rowSums[i] : 0;
            return (
              <g
                key={`${i}-${j}`}
                className="cm-cell"
                data-testid={`cm-cell-${i}-${j}`}
                onClick={() => v > 0 && props.onCell?.(i, j)}
                style={{ cursor: v > 0 && props.onCell ? 'pointer' : 'default' }}
              >
                <rect x={left + j * cell + 1} y={top + i * cell + 1} width={cell - 2} height={cell - 2} rx={3} fill={heatColor(share, i === j)} />
                <text
                  x={left + j * cell + cell / 2}
                  y={top + i * cell + cell / 2 + 4}
                  textAnchor="middle"
                  style={{ fill: share > 0.45 ? '#111' : 'var(--fg-1)', fontSize: 11, fontWeight: i === j ? 600 : 400 }}
                >
                  {cellText(v, rowSums[i] ?? 0, mode)}
                </text>
                <title>{`true ${props.classes[i]}, predicted ${props.classes[j]}: ${v} of ${rowSums[i]} (${cellText(v, rowSums[i] ?? 0, 'normalised')})${props.onCell && v > 0 ? ' — click to see them' : ''}`}</title>
              </g>
            );
          }),
        )}
      </svg>
    </figure>
  );
}
