// A run's calibration in the run detail and in Compare: the temperature, ECE / NLL / Brier on val and test before
// and after it, the test reliability diagram (before vs after), and the per-class table with its PR curves.
import { useEffect } from 'react';
import type { CalibrationScores, RunCalibration } from '../../../../shared/types';
import { classSlot, useApp } from '../../app/app.store';
import { PrCurves } from '../../charts/PrCurves';
import { ReliabilityDiagram } from '../../charts/ReliabilityDiagram';
import { Loading } from '../../ui/states';
import { loadCalibration, useCalibration } from './calibration.store';

const BEFORE = 'rgba(226,109,109,0.75)';
const AFTER = 'var(--series-b)';

export function useRunCalibration(runId: string): { c: RunCalibration | undefined; error: string | undefined } {
  const c = useCalibration((s) => s.byRun[runId]);
  const error = useCalibration((s) => s.errors[runId]);
  useEffect(() => {
    void loadCalibration(runId);
  }, [runId]);
  return { c, error };
}

/** `tag`: "A" / "B" in Compare, so test ids and titles say which run. */
export function CalibrationPanel({ runId, tag }: { runId: string; tag?: string }) {
  const { c, error } = useRunCalibration(runId);
  const id = (s: string) => (tag ? `${s}-${tag.toLowerCase()}` : s);
  if (error) return <p className="small bad" data-testid={id('calibration-error')}>Calibration unavailable: {error}</p>;
  if (!c) return <Loading label="Calibrating…" />;
  return (
    <div className="stack" style={{ gap: 12 }} data-testid={id('calibration')}>
      <div className="row wrap" style={{ gap: 16, alignItems: 'flex-start' }}>
        <div style={{ flex: '1 1 300px', minWidth: 260 }}>
          <ReliabilityDiagram
            title={`${tag ? `${tag} · ` : ''}Reliability (test${c.test ? `, ${c.test.before.n} images` : ''})`}
            testId={id('reliability')}
            series={c.test ? [{ name: 'before', bins: c.test.before.bins, color: BEFORE }, { name: `after (T = ${c.temperature.toFixed(2)})`, bins: c.test.after.bins, color: AFTER }] : []}
          />
        </div>
        <div style={{ flex: '1 1 260px', minWidth: 240 }}>
          <h4 style={{ marginBottom: 6 }}>Calibration</h4>
          <ScoresTable c={c} testId={id('calibration-scores')} />
          {!c.fittedOn && (
            <p className="small muted" style={{ marginTop: 6 }} data-testid={id('calibration-unfitted')}>
              Too few val images to fit a temperature ({c.val?.before.n ?? 0}, fewer than 20): T stays 1.
            </p>
          )}
          <p className="xs faint" style={{ marginTop: 6 }}>
            One temperature T, fitted on val by least NLL, divides every answer&apos;s log-probabilities: the top class never changes, its
            confidence does. Predictions, evaluation and Predict&apos;s unsure band use the calibrated values.
          </p>
        </div>
      </div>
      <div className="row wrap" style={{ gap: 16, alignItems: 'flex-start' }}>
        <div style={{ flex: '1 1 300px', minWidth: 260 }}>
          <PrCurvesOf c={c} title={`${tag ? `${tag} · ` : ''}Precision–recall (test)`} testId={id('pr-curves')} />
        </div>
        <div style={{ flex: '1 1 300px', minWidth: 260, overflowX: 'auto' }}>
          <PerClassTable c={c} testId={id('per-class-table')} />
        </div>
      </div>
    </div>
  );
}

function ScoresTable({ c, testId }: { c: RunCalibration; testId: string }) {
  const rows: Array<[string, CalibrationScores | undefined, CalibrationScores | undefined]> = [
    ['val', c.val?.before, c.val?.after],
    ['test', c.test?.before, c.test?.after],
  ];
  const f = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));
  return (
    <table className="table" data-testid={testId} data-temperature={c.temperature}>
      <thead>
        <tr>
          <th />
          <th className="num">ECE</th>
          <th className="num">NLL</th>
          <th className="num">Brier</th>
        </tr>
      </thead>
      <tbody>
        {rows.flatMap(([split, before, after]) => [
          <tr key={`${split}-b`}>
            <td className="muted small">{split} · before</td>
            <td className="num">{f(before?.ece)}</td>
            <td className="num">{f(before?.nll)}</td>
            <td className="num">{f(before?.brier)}</td>
          </tr>,
          <tr key={`${split}-a`} data-testid={`${testId}-${split}-after`}>
            <td className="small">{split} · after</td>
            <td className="num">{f(after?.ece)}</td>
            <td className="num">{f(after?.nll)}</td>
            <td className="num">{f(after?.brier)}</td>
          </tr>,
        ])}
        <tr>
          <td className="muted small">temperature</td>
          <td className="num" colSpan={3}>
            {c.temperature.toFixed(3)}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function PrCurvesOf({ c, title, testId }: { c: RunCalibration; title: string; testId: string }) {
  const library = useApp((s) => s.library);
  const slotOf = (name: string) => {
    const cls = library?.classes.find((x) => x.name === name);
    const slot = cls ? classSlot(library, cls.id) : -1;
    return slot < 0 ? 8 : slot;
  };
  return <PrCurves title={title} testId={testId} series={c.perClass.map((r) => ({ name: r.name, points: r.curve, color: `var(--class-${slotOf(r.name)})` }))} />;
}

const CELL = { padding: '6px 6px' } as const;

function PerClassTable({ c, testId }: { c: RunCalibration; testId: string }) {
  // Short headings (full words in their titles) so the table fits half a card in Compare at 1024 px.
  return (
    <table className="table" data-testid={testId} style={{ fontSize: 'var(--t-sm)' }}>
      <thead>
        <tr>
          <th style={CELL}>Class</th>
          <th style={CELL} className="num" title="Test images of the class">Support</th>
          <th style={CELL} className="num" title="Precision of the top-class answers">Prec.</th>
          <th style={CELL} className="num" title="Recall of the top-class answers">Recall</th>
          <th style={CELL} className="num">F1</th>
          <th style={CELL} className="num" title="Average precision: the area under the class's precision–recall curve">AP</th>
        </tr>
      </thead>
      <tbody>
        {c.perClass.map((r) => (
          <tr key={r.name}>
            <td style={CELL}>{r.name}</td>
            <td style={CELL} className="num">{r.support}</td>
            <td style={CELL} className="num">{r.precision.toFixed(2)}</td>
            <td style={CELL} className="num">{r.recall.toFixed(2)}</td>
            <td style={CELL} className="num">{r.f1.toFixed(3)}</td>
            <td style={CELL} className="num">{r.ap.toFixed(3)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
