// The learning curve (#14): each completed run's test and best validation accuracy against the labeled images it
// used, so after labeling more and retraining the user sees what the labels bought. Hidden with fewer than two runs.
import { useEffect, useState } from 'react';
import type { LearningCurvePoint } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { pct } from '../../app/format';
import { Axes, Legend } from '../../charts/Axes';
import { linear, linePath, ticks } from '../../charts/scale';
import { useRuns } from './runs.store';

const W = 560;
const H = 200;
const M = { l: 44, r: 16, t: 12, b: 30 };

export function LearningCurve() {
  const runs = useRuns((s) => s.runs);
  const [points, setPoints] = useState<LearningCurvePoint[] | null>(null);
  const completedKey = (runs ?? []).filter((r) => r.status === 'completed').map((r) => r.id).join(',');
  useEffect(() => {
    getApi()['runs.learningCurve']({}).then(setPoints, () => setPoints(null));
  }, [completedKey]);
  if (!points || points.length < 2) return null;
  const xs = points.map((p) => p.labeled);
  const ys = points.flatMap((p) => [p.testAccuracy, p.valAccuracy]).filter((v): v is number => v !== null);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.max(0, Math.floor((Math.min(...ys) - 0.02) * 20) / 20);
  const y1 = Math.min(1, Math.ceil((Math.max(...ys) + 0.02) * 20) / 20);
  const sx = linear([x0, x1 === x0 ? x0 + 1 : x1], [M.l, W - M.r]);
  const sy = linear([y0, y1], [H - M.b, M.t]);
  const series = [
    { name: 'test accuracy', color: 'var(--accent)', values: points.map((p) => p.testAccuracy), dashed: false },
    { name: 'best val accuracy', color: 'var(--fg-2)', values: points.map((p) => p.valAccuracy), dashed: true },
  ];
  return (
    <div className="card" data-testid="learning-curve" style={{ marginTop: 16 }}>
      <div className="card-head">
        <h3>Learning curve</h3>
        <span className="muted small">accuracy against the labeled images each run used</span>
        <div className="spacer" />
        <Legend items={series} />
      </div>
      <Axes
        box={{ width: W, height: H, margin: M }}
        x={{ scale: sx, ticks: ticks(x0, x1, 5), format: (v) => v.toLocaleString('en-US'), title: 'labeled images' }}
        y={{ scale: sy, ticks: ticks(y0, y1, 4), format: (v) => pct(v, 0) }}
        gaps={{ y: 6, yDy: 4, x: 16, xTitle: 2 }}
        baseline="none"
        label="Learning curve"
        maxScale={1.5}
      >
        {series.map((s) => (
          <g key={s.name}>
            <path d={linePath(xs, s.values, sx, sy)} fill="none" stroke={s.color} strokeWidth={2} strokeDasharray={s.dashed ? '5 4' : undefined} />
            {points.map((p, i) =>
              s.values[i] === null ? null : (
                <circle key={p.runId} cx={sx(xs[i]!)} cy={sy(s.values[i]!)} r={3.5} fill={s.color} data-testid={s.dashed ? undefined : 'learning-point'}>
                  <title>{`${p.name ?? p.runId}: ${p.labeled.toLocaleString('en-US')} labeled (${p.train.toLocaleString('en-US')} train) · ${s.name} ${pct(s.values[i])}`}</title>
                </circle>
              ),
            )}
          </g>
        ))}
      </Axes>
    </div>
  );
}
