// Train: model and hyper-parameters on the left, the live run (progress, curves, result) on the right.
import { useEffect, useRef } from 'react';
import { navigate, useApp } from '../../app/app.store';
import { duration, pct } from '../../app/format';
import { ConfusionMatrix } from '../../charts/ConfusionMatrix';
import { LineChart } from '../../charts/LineChart';
import { Banner, EmptyState, ErrorState, Loading, ProgressBar } from '../../ui/states';
import { openConfusionCell } from '../runs/runs.store';
import { curves, epochLabel, failureHint, isActive, overallProgress, runsOn, type LiveRun } from './live';
import { BASIC_KEYS, fieldsFor, toText, type ParamField as Field } from './params';
import { cancelTraining, chooseModel, loadDefaults, resetParams, setParam, startTraining, useTrain } from './train.store';

export function TrainView() {
  const model = useTrain((s) => s.model);
  const live = useTrain((s) => s.live);
  const library = useApp((s) => s.library);
  useEffect(() => {
    void loadDefaults(model);
  }, [model]);
  return (
    <div className="view" data-testid="view-train">
      <div className="view-head">
        <div>
          <h1>Train</h1>
          <div className="sub">Train a classifier on the library’s train split, watch it learn, and score it on the test split.</div>
        </div>
      </div>
      {library && library.imageCount === 0 ? (
        <div className="card">
          <EmptyState
            icon="◔"
            title="Nothing to train on yet"
            action={
              <button className="btn primary" onClick={() => navigate('library')}>
                Import images
              </button>
            }
          >
            Training needs labeled images in at least two classes.
          </EmptyState>
        </div>
      ) : (
        <div className="cols" style={{ display: 'grid', gridTemplateColumns: 'minmax(340px, 420px) 1fr', gap: 16, alignItems: 'start' }}>
          <ConfigCard />
          {live ? <LiveCard live={live} /> : <IdleCard />}
        </div>
      )}
    </div>
  );
}

function ConfigCard() {
  const model = useTrain((s) => s.model);
  const defaults = useTrain((s) => s.defaults[s.model]);
  const defaultsError = useTrain((s) => s.defaultsError);
  const formError = useTrain((s) => s.formError);
  const starting = useTrain((s) => s.starting);
  const active = useTrain((s) => isActive(s.live));
  const system = useApp((s) => s.system);
  return (
    <div className="card" data-testid="train-config">
      <div className="card-head">
        <h3>Model</h3>
        <div className="spacer" />
        <div className="segmented" role="group" aria-label="Model">
          <button className={model === 'cnn' ? 'on' : ''} onClick={() => chooseModel('cnn')} data-testid="model-cnn">
            Custom CNN
          </button>
          <button className={model === 'mobilenetv2' ? 'on' : ''} onClick={() => chooseModel('mobilenetv2')} data-testid="model-mobilenetv2">
            MobileNetV2
          </button>
        </div>
      </div>
      <p className="small muted" style={{ marginBottom: 16 }}>
        {model === 'cnn'
          ? 'A small convolutional network trained from scratch: quick, no downloads, good on clean single-object photos.'
          : 'ImageNet-trained MobileNetV2 with a new classification head (transfer learning): more accurate, slower, needs the weights on disk.'}
      </p>
      {defaultsError ? (
        <ErrorState title="Defaults unavailable" error={defaultsError} />
      ) : !defaults ? (
        <Loading label="Loading defaults…" />
      ) : (
        <div className="stack">
          {fieldsFor(model)
            .filter((f) => BASIC_KEYS.includes(f.key))
            .map((f) => (
              <ParamField key={f.key} f={f} />
            ))}
        </div>
      )}
      {formError && (
        <div style={{ marginTop: 12 }}>
          <Banner kind="error" title="Cannot start" testId="train-form-error">
            {formError}
          </Banner>
        </div>
      )}
      <div className="row" style={{ marginTop: 16 }}>
        <button className="btn primary" disabled={!defaults || starting || active} onClick={() => void startTraining()} data-testid="train-start">
          {starting ? 'Starting…' : 'Start training'}
        </button>
        <button className="btn ghost" onClick={resetParams}>
          Reset to defaults
        </button>
        <div className="spacer" />
        <span className="small faint">backend: {system?.backend ?? 'auto'}</span>
      </div>
      {defaults && (
        <details className="advanced" data-testid="train-advanced" style={{ marginTop: 16 }}>
          <summary className="small muted">Advanced settings</summary>
          <div className="stack" style={{ marginTop: 12 }}>
            {fieldsFor(model)
              .filter((f) => !BASIC_KEYS.includes(f.key))
              .map((f) => (
                <ParamField key={f.key} f={f} />
              ))}
          </div>
        </details>
      )}
    </div>
  );
}

function ParamField({ f }: { f: Field }) {
  const defaults = useTrain((s) => s.defaults[s.model]);
  const text = useTrain((s) => s.texts[s.model][f.key]);
  const system = useApp((s) => s.system);
  const value = text ?? toText(f, (defaults as unknown as Record<string, unknown> | null)?.[f.key]);
  const id = `param-${f.key}`;
  return (
    <div className="field">
      {f.kind === 'bool' ? (
        <label className="check">
          <input type="checkbox" id={id} data-testid={id} checked={value === 'true'} onChange={(e) => setParam(f.key, String(e.target.checked))} />
          <span className="label">{f.label}</span>
        </label>
      ) : (
        <>
          <label className="label" htmlFor={id}>
            {f.label}
          </label>
          {f.kind === 'choice' ? (
            <select id={id} data-testid={id} className="select" value={value} onChange={(e) => setParam(f.key, e.target.value)}>
              {f.choices!.map((c) => (
                <option key={c.value} value={c.value} disabled={f.key === 'backend' && c.value !== 'auto' && !!system && !backendAvailable(system.availableBackends, c.value)}>
                  {c.label}
                </option>
              ))}
            </select>
          ) : (
            <input id={id} data-testid={id} className="input" value={value} placeholder={f.optional ? 'all' : undefined} onChange={(e) => setParam(f.key, e.target.value)} />
          )}
        </>
      )}
      <span className="help">{f.help}</span>
    </div>
  );
}

function backendAvailable(available: string[], choice: string): boolean {
  return choice === 'tensorflow' ? available.some((b) => b.startsWith('tensorflow')) : available.includes(choice);
}

function IdleCard() {
  return (
    <div className="card">
      <EmptyState icon="◔" title="No run in progress">
        Choose a model, adjust the settings if you like, and start. Loss and accuracy curves move here every few batches, with an ETA; finished
        runs are listed under Runs.
      </EmptyState>
    </div>
  );
}

function LiveCard({ live }: { live: LiveRun }) {
  const active = isActive(live);
  const c = curves(live);
  // A run that starts takes the focus: its live view scrolls into sight (the settings may have pushed it down).
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
    ref.current?.focus({ preventScroll: true });
  }, [live.runId]);
  const progress = overallProgress(live);
  const last = live.epochs[live.epochs.length - 1];
  const hint = live.error ? failureHint(live.error) : null;
  const on = runsOn(live);
  const statusClass = live.status === 'completed' ? 'ok' : live.status === 'failed' ? 'bad' : live.status === 'cancelled' ? '' : 'run';
  return (
    <div className="card" data-testid="train-live" data-status={live.status} ref={ref} tabIndex={-1} aria-label={`Run ${live.runId}`}>
      <div className="card-head">
        <h3>Run</h3>
        <span className="mono small muted">{live.runId}</span>
        <span className={`badge ${statusClass}`} data-testid="train-status">
          {live.status}
        </span>
        <div className="spacer" />
        {on && <span className="small faint" data-testid="train-engine">{on}</span>}
        {active && (
          <button className="btn danger sm" onClick={() => void cancelTraining()} data-testid="train-cancel">
            Cancel
          </button>
        )}
      </div>
      {live.status === 'failed' && live.error && (
        <div style={{ marginBottom: 16 }}>
          <Banner kind="error" title="Training failed" testId="train-error">
            {live.error}
            {hint && <div style={{ marginTop: 6, color: 'var(--fg-0)' }}>{hint}</div>}
          </Banner>
        </div>
      )}
      {live.status === 'cancelled' && (
        <div style={{ marginBottom: 16 }}>
          <Banner kind="info" title="Run cancelled" testId="train-cancelled">
            Stopped after {live.epochs.length === 1 ? '1 epoch' : `${live.epochs.length} epochs`}. Change the settings and start again whenever you like.
          </Banner>
        </div>
      )}
      {active && (
        <div className="stack" style={{ marginBottom: 16 }}>
          {live.phase && live.phase.total > 0 && live.phase.done < live.phase.total && (
            <ProgressBar
              done={live.phase.done}
              total={live.phase.total}
              label={live.phase.name === 'train' && live.batch ? `train · batches of all ${live.totalEpochs ?? ''} epochs` : live.phase.name}
              testId="train-phase"
            />
          )}
          {live.batch ? (
            <ProgressBar
              done={live.batch.batch}
              total={live.batch.batches}
              label={`${epochLabel(live)} · batch loss ${live.batch.loss.toFixed(3)} · ETA ${duration(live.batch.etaSeconds)}`}
              testId="train-batch"
            />
          ) : (
            !live.phase && <ProgressBar done={0} total={0} label="Preparing…" />
          )}
          {progress !== null && <div className="small faint">overall {pct(progress, 0)}</div>}
        </div>
      )}
      <div className="metrics" style={{ marginBottom: 16 }}>
        <div className="metric">
          <span className="label">Epochs</span>
          <span className="value" data-testid="train-epochs">
            {live.epochs.length}
            {live.totalEpochs ? <span className="faint"> / {live.totalEpochs}</span> : null}
          </span>
        </div>
        <div className="metric">
          <span className="label">Train acc.</span>
          <span className="value">{pct(last?.accuracy)}</span>
        </div>
        <div className="metric">
          <span className="label">Val acc.</span>
          <span className="value">{pct(last?.valAccuracy)}</span>
        </div>
        {live.test && (
          <>
            <div className="metric">
              <span className="label">Test acc.</span>
              <span className="value ok" data-testid="train-test-acc">
                {pct(live.test.accuracy)}
              </span>
            </div>
            <div className="metric">
              <span className="label">Macro-F1</span>
              <span className="value">{live.test.macroF1.toFixed(3)}</span>
            </div>
          </>
        )}
      </div>
      {(active || live.epochs.length > 0) && (
      <div className="grid-2">
        <LineChart
          title="Loss"
          testId="chart-loss"
          x={c.x}
          series={[
            { name: 'train', values: c.loss, color: 'var(--series-a)' },
            { name: 'val', values: c.valLoss, color: 'var(--series-b)', dashed: true },
          ]}
        />
        <LineChart
          title="Accuracy"
          testId="chart-accuracy"
          percent
          x={c.x}
          series={[
            { name: 'train', values: c.accuracy, color: 'var(--series-a)' },
            { name: 'val', values: c.valAccuracy, color: 'var(--series-b)', dashed: true },
          ]}
        />
      </div>
      )}
      {live.test && (
        <div style={{ marginTop: 16, maxWidth: 460 }}>
          <ConfusionMatrix
            title={`Test confusion matrix · ${live.test.n} images`}
            classes={live.test.classes}
            matrix={live.test.confusion}
            onCell={(t, p) => void openConfusionCell(live.runId, live.test!.classes, t, p)}
          />
        </div>
      )}
    </div>
  );
}
