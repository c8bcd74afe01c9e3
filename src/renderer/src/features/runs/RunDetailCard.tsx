// One run on its own: its scores, learning curves and test confusion matrix (cells open their images).
import { pct } from '../../app/format';
import { ConfusionMatrix } from '../../charts/ConfusionMatrix';
import { LineChart } from '../../charts/LineChart';
import { Banner, Loading } from '../../ui/states';
import { configSummary, modelLabel } from './compare';
import { openConfusionCell, useRuns } from './runs.store';

export function RunDetailCard({ runId }: { runId: string }) {
  const d = useRuns((s) => s.details[runId]);
  if (!d) return <Loading label="Loading the run…" />;
  const xs = d.epochs.map((e) => e.epoch);
  return (
    <div className="card" style={{ marginTop: 16 }} data-testid="run-detail">
      <div className="card-head">
        <h3>{modelLabel(d.model)}</h3>
        <span className="mono small muted">{d.id}</span>
        <div className="spacer" />
        <span className="small faint">{configSummary(d)} · {d.imageCount} images</span>
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
          x={xs}
          series={[
            { name: 'train', values: d.epochs.map((e) => e.loss), color: 'var(--series-a)' },
            { name: 'val', values: d.epochs.map((e) => e.valLoss), color: 'var(--series-b)', dashed: true },
          ]}
        />
        <LineChart
          title="Accuracy"
          percent
          x={xs}
          series={[
            { name: 'train', values: d.epochs.map((e) => e.accuracy), color: 'var(--series-a)' },
            { name: 'val', values: d.epochs.map((e) => e.valAccuracy), color: 'var(--series-b)', dashed: true },
          ]}
        />
        {d.test ? (
          <ConfusionMatrix
            title={`Test confusion matrix · ${d.test.n} images`}
            classes={d.test.classes}
            matrix={d.test.confusion}
            onCell={(t, p) => void openConfusionCell(d.id, d.test!.classes, t, p)}
          />
        ) : (
          <p className="small faint">No test results: the run did not finish.</p>
        )}
      </div>
    </div>
  );
}
