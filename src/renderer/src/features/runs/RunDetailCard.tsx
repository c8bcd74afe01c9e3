// One run on its own: its scores, learning curves, test confusion matrix (cells open their images), calibration
// and per-class precision–recall.
import { pct } from '../../app/format';
import { ConfusionMatrix } from '../../charts/ConfusionMatrix';
import { LineChart } from '../../charts/LineChart';
import { Banner, Loading } from '../../ui/states';
import { CalibrationPanel } from './CalibrationPanel';
import { ConfusionModeToggle } from './CompareView';
import { configSummary, modelLabel } from './compare';
import { markDefault, renameRun, setRunNote } from './runs.actions';
import { openConfusionCell, useRuns } from './runs.store';

export function RunDetailCard({ runId }: { runId: string }) {
  const d = useRuns((s) => s.details[runId]);
  const cmMode = useRuns((s) => s.cmMode);
  if (!d) return <Loading label="Loading the run…" />;
  const xs = d.epochs.map((e) => e.epoch);
  return (
    <div className="card" style={{ marginTop: 16 }} data-testid="run-detail">
      <div className="card-head">
        <h3>{d.name ?? modelLabel(d.model)}</h3>
        {d.isDefault && <span className="badge ok" data-testid="run-detail-default">{d.marked ? '★ default model' : 'default: best val accuracy'}</span>}
        <span className="mono small muted">{d.id}</span>
        <div className="spacer" />
        <span className="small faint">{configSummary(d)} · {d.imageCount} images</span>
      </div>
      <div className="row wrap" style={{ marginBottom: 16, alignItems: 'flex-start' }}>
        {/* Uncontrolled, keyed by the saved text: a save (or another run) resets them to what is stored. */}
        <input
          key={`name-${d.id}-${d.name ?? ''}`}
          className="input"
          aria-label="Run name"
          data-testid="run-name"
          placeholder="Name this run…"
          defaultValue={d.name ?? ''}
          maxLength={200}
          style={{ width: 220 }}
          onBlur={(e) => e.target.value.trim() !== (d.name ?? '') && void renameRun(d.id, e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
        />
        <textarea
          key={`note-${d.id}-${d.note ?? ''}`}
          className="input"
          aria-label="Run note"
          data-testid="run-note"
          placeholder="A note: what you tried, what you saw…"
          defaultValue={d.note ?? ''}
          maxLength={4000}
          rows={1}
          style={{ flex: 1, minWidth: 200, resize: 'vertical' }}
          onBlur={(e) => e.target.value.trim() !== (d.note ?? '') && void setRunNote(d.id, e.target.value)}
        />
        {d.status === 'completed' &&
          (d.marked ? (
            <button className="btn" data-testid="run-default" onClick={() => void markDefault(null)} title="Predict and Browse start from this run">
              ★ Default model · unmark
            </button>
          ) : (
            <button className="btn" data-testid="run-default" onClick={() => void markDefault(d.id)} title="Predict and Browse will start from this run">
              ☆ Use as default model
            </button>
          ))}
      </div>
      {d.error && (
        <div style={{ marginBottom: 16 }}>
          <Banner kind="error" title="This run failed">
            {d.error}
          </Banner>
        </div>
      )}
      <div className="metrics" style={{ marginBottom: 16 }}>
        <div className="metric">
          <span className="label">Test acc.</span>
          <span className="value">{pct(d.testAccuracy)}</span>
        </div>
        <div className="metric">
          <span className="label">Macro-F1</span>
          <span className="value">{d.macroF1 === null ? '—' : d.macroF1.toFixed(3)}</span>
        </div>
        <div className="metric">
          <span className="label">Epochs</span>
          <span className="value">{d.epochs.length}</span>
        </div>
        <div className="metric">
          <span className="label">Backend</span>
          <span className="value">{d.backend ?? '—'}</span>
          {d.engine && <span className="xs faint" data-testid="run-engine">{d.engine}</span>}
        </div>
      </div>
      <div className="grid-3" style={{ alignItems: 'start' }}>
        <LineChart
          title="Loss"
          testId="chart-loss"
          x={xs}
          series={[
            { name: 'train', values: d.epochs.map((e) => e.loss), color: 'var(--series-a)' },
            { name: 'val', values: d.epochs.map((e) => e.valLoss), color: 'var(--series-b)', dashed: true },
          ]}
        />
        <LineChart
          title="Accuracy"
          testId="chart-accuracy"
          percent
          x={xs}
          series={[
            { name: 'train', values: d.epochs.map((e) => e.accuracy), color: 'var(--series-a)' },
            { name: 'val', values: d.epochs.map((e) => e.valAccuracy), color: 'var(--series-b)', dashed: true },
          ]}
        />
        {d.test ? (
          <div className="stack" style={{ gap: 6 }}>
          <ConfusionModeToggle />
          <ConfusionMatrix
            title={`Test confusion matrix · ${d.test.n} images`}
            testId="cm-run"
            classes={d.test.classes}
            matrix={d.test.confusion}
            mode={cmMode}
            onCell={(t, p) => void openConfusionCell(d.id, d.test!.classes, t, p)}
          />
          </div>
        ) : (
          <p className="small faint">No test results: the run did not finish.</p>
        )}
      </div>
      {d.status === 'completed' && (
        <div style={{ marginTop: 16 }}>
          <CalibrationPanel runId={d.id} />
        </div>
      )}
    </div>
  );
}
