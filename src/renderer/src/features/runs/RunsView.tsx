// Runs: every training run in a table; tick two to compare them below.
import { useEffect } from 'react';
import { navigate } from '../../app/app.store';
import { bytes, duration, int, pct, runSeconds } from '../../app/format';
import { EmptyState, ErrorState, Loading } from '../../ui/states';
import { CompareView } from './CompareView';
import { RunDetailCard } from './RunDetailCard';
import { LearningCurve } from './LearningCurve'; // accuracy against labeled images (#14)
import { configSummary, modelLabel } from './compare';
import { deleteRun, loadRuns, pickRun, useRuns } from './runs.store';

export function RunsView() {
  const runs = useRuns((s) => s.runs);
  const error = useRuns((s) => s.error);
  const picked = useRuns((s) => s.picked);
  useEffect(() => {
    void loadRuns();
  }, []);
  // A run still queued or running (here, from the CLI, or just finishing) is followed until it settles.
  const unsettled = (runs ?? []).some((r) => r.status === 'running' || r.status === 'queued');
  useEffect(() => {
    if (!unsettled) return;
    const timer = setInterval(() => void loadRuns(), 1500);
    return () => clearInterval(timer);
  }, [unsettled]);
  return (
    <div className="view" data-testid="view-runs">
      <div className="view-head">
        <div>
          <h1>Runs</h1>
          <div className="sub">Tick two finished runs to compare them on the same test images.</div>
        </div>
        <div className="spacer" />
        <button className="btn" onClick={() => void loadRuns()}>
          Refresh
        </button>
      </div>
      {error && !runs ? (
        <div className="card">
          <ErrorState title="Runs unavailable" error={error} />
        </div>
      ) : !runs ? (
        <Loading label="Loading runs…" />
      ) : runs.length === 0 ? (
        <div className="card">
          <EmptyState
            icon="≋"
            title="No runs yet"
            action={
              <button className="btn primary" onClick={() => navigate('train')}>
                Train a model
              </button>
            }
          >
            Every training run is kept here with its settings, curves and test results.
          </EmptyState>
        </div>
      ) : (
        <>
          <div className="card" style={{ padding: 0, overflow: 'auto' }}>
            <table className="table" data-testid="runs-table">
              <thead>
                <tr>
                  <th style={{ width: 36 }} />
                  <th>Run</th>
                  <th className="col-wide">Model</th>
                  <th>Configuration</th>
                  <th className="col-wide" title="The tfjs backend, and below it what ran the training steps">Backend · engine</th>
                  <th>Status</th>
                  <th className="num">Duration</th>
                  <th className="num">Test acc.</th>
                  <th className="num">Macro-F1</th>
                  <th className="num col-wide">Params</th>
                  <th className="num col-wide">Size</th>
                  <th style={{ padding: 0 }} />
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => {
                  const on = picked.includes(r.id);
                  const done = r.status === 'completed';
                  return (
                    <tr key={r.id} className={`${done ? 'clickable' : ''}${on ? ' picked' : ''}`} data-testid="run-row" data-run={r.id} data-status={r.status} onClick={() => done && pickRun(r.id)}>
                      <td>
                        <input type="checkbox" checked={on} disabled={!done} readOnly aria-label={`Compare ${r.id}`} />
                      </td>
                      <td className="small">
                        {/* Name and note are the user's free text: as wide as the id (width 0, min-width 100%) and cut with an
                            ellipsis, so a long one never widens the table. */}
                        {(r.name || r.isDefault) && (
                          <div className="row" style={{ gap: 6, width: 0, minWidth: '100%' }}>
                            {r.name && <span data-testid="run-row-name" style={{ fontWeight: 600, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={r.name}>{r.name}</span>}
                            {r.isDefault && (
                              <span className="badge ok" style={{ flex: 'none' }} data-testid="run-row-default" title={r.marked ? 'Marked as the default model' : 'The default model: the best val accuracy (none marked)'}>
                                {r.marked ? '★ default' : 'default'}
                              </span>
                            )}
                          </div>
                        )}
                        <div className="mono" style={{ overflowWrap: 'anywhere' }}>{r.id}</div>
                        <div className="faint xs">{new Date(r.createdAt).toLocaleString()}</div>
                        {r.note && <div className="faint xs" title={r.note} style={{ width: 0, minWidth: '100%', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>{r.note}</div>}
                      </td>
                      <td className="col-wide">{modelLabel(r.model)}</td>
                      <td className="small muted wrap">{configSummary(r)}</td>
                      <td className="small wrap col-wide" style={{ minWidth: 120 }}>
                        {r.backend ?? '—'}
                        {r.engine && <div className="faint xs" data-testid="run-engine">{r.engine}</div>}
                      </td>
                      <td>
                        <span className={`badge${done ? ' ok' : r.status === 'failed' ? ' bad' : r.status === 'running' ? ' run' : ''}`} title={r.error ?? undefined}>
                          {r.status}
                        </span>
                      </td>
                      <td className="num">{duration(runSeconds(r.seconds))}</td>
                      <td className="num">{pct(r.testAccuracy)}</td>
                      <td className="num">{r.macroF1 === null ? '—' : r.macroF1.toFixed(3)}</td>
                      <td className="num col-wide">{int(r.params)}</td>
                      <td className="num col-wide">{bytes(r.modelBytes)}</td>
                      {/* No side padding: at 1024 px every pixel of this column counts toward fitting the table. */}
                      <td style={{ paddingLeft: 0, paddingRight: 4 }}>
                        <button
                          className="btn sm ghost"
                          title="Delete this run and its model"
                          onClick={(e) => {
                            e.stopPropagation();
                            if (window.confirm(`Delete run ${r.id} and its model files?`)) void deleteRun(r.id);
                          }}
                        >
                          ✕
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <LearningCurve />
          {picked.length === 2 ? (
            <CompareView a={picked[0]} b={picked[1]} />
          ) : picked.length === 1 ? (
            <RunDetailCard runId={picked[0]} />
          ) : (
            <div className="card">
              <EmptyState icon="⇆" title="Pick a run to see it, two to compare them">
                Side by side: accuracy, per-class precision, recall and F1, both confusion matrices, McNemar’s test and the images one
                run gets right and the other wrong.
              </EmptyState>
            </div>
          )}
        </>
      )}
    </div>
  );
}
