// Review (#14): the unlabeled images the model is least sure about, spread out so a batch is not many copies of
// one hard case. Decide each with one key: a digit labels, A accepts the suggestion, K skips.
import { useEffect } from 'react';
import { imageUrl } from '../../app/api';
import { navigate, useApp } from '../../app/app.store';
import { pct } from '../../app/format';
import { EmptyState, ErrorState, Loading } from '../../ui/states';
import { ClassButtons } from '../labels/ClassButtons';
import { ProbabilityBars } from '../predict/ProbabilityBars';
import { modelLabel } from '../runs/compare';
import { loadRuns, useRuns } from '../runs/runs.store';
import { acceptCurrent, labelCurrentAt, loadQueue, pickReview, setQueueOptions, skipCurrent } from './review.actions';
import { reviewPosition, useReview } from './review.store';

export function ReviewView() {
  const queue = useReview((s) => s.queue);
  const cursor = useReview((s) => s.cursor);
  const error = useReview((s) => s.error);
  const loading = useReview((s) => s.loading);
  const runId = useReview((s) => s.runId);
  const n = useReview((s) => s.n);
  const pool = useReview((s) => s.pool);
  const diversity = useReview((s) => s.diversity);
  const decided = useReview((s) => s.decided);
  const lastResult = useReview((s) => s.lastResult);
  const library = useApp((s) => s.library);
  const runs = useRuns((s) => s.runs);
  useEffect(() => {
    void loadQueue();
    if (!runs) void loadRuns();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const completed = (runs ?? []).filter((r) => r.status === 'completed');
  const current = queue?.[cursor];
  return (
    <div className="view" data-testid="view-review">
      <div className="view-head">
        <div>
          <h1>Review</h1>
          <div className="sub">Unlabeled images the model is least sure about, spread out over the feature space — label these first.</div>
        </div>
        <div className="spacer" />
        <select className="select sm" aria-label="Run" value={runId ?? ''} onChange={(e) => setQueueOptions({ runId: e.target.value || null })} data-testid="review-run">
          <option value="">run with the most suggestions</option>
          {completed.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name ?? `${modelLabel(r.model)} · ${r.id}`}
            </option>
          ))}
        </select>
        <select className="select sm" aria-label="Queue size" value={n} onChange={(e) => setQueueOptions({ n: Number(e.target.value) })}>
          {[10, 20, 50, 100].map((k) => (
            <option key={k} value={k}>
              {k} images
            </option>
          ))}
        </select>
        <button className="btn" onClick={() => void loadQueue()} data-testid="review-refresh">
          New batch
        </button>
      </div>
      {lastResult && (
        <div className="card row" style={{ marginBottom: 12, padding: '8px 12px' }} data-testid="review-result">
          <span className="badge ok">✓</span>
          <span className="small">{lastResult}</span>
          <div className="spacer" />
          <span className="xs faint">Ctrl+Z undoes the last label change</span>
        </div>
      )}
      {loading && !queue ? (
        <Loading label="Ranking the unlabeled images…" />
      ) : error ? (
        <div className="card" data-testid="review-error">
          <ErrorState
            title="No review queue"
            error={error}
            action={
              <button className="btn primary" onClick={() => navigate('browse')}>
                Go to Browse to pre-label
              </button>
            }
          />
        </div>
      ) : !queue || queue.length === 0 ? (
        <div className="card" data-testid="review-empty">
          <EmptyState icon="✓" title="This batch is done" action={<button className="btn primary" onClick={() => void loadQueue()}>Next batch</button>}>
            {decided} decided here. Ask for a new batch, or retrain on the grown library and pre-label again.
          </EmptyState>
        </div>
      ) : (
        <>
          <div className="row wrap" style={{ marginBottom: 12 }}>
            <span className="badge" data-testid="review-position">{reviewPosition(cursor, queue.length)}</span>
            <span className="small faint">
              from {pool.toLocaleString('en-US')} unlabeled · spread over {diversity === 'features' ? 'image features' : diversity === 'probabilities' ? 'the predictions' : '—'} · {decided} decided
            </span>
          </div>
          <div style={{ display: 'grid', gridTemplateColumns: '260px minmax(0, 1fr)', gap: 16, alignItems: 'start' }}>
            <div className="card" style={{ padding: 0, maxHeight: '70vh', overflow: 'auto' }}>
              {queue.map((s, i) => (
                <div
                  key={s.imageId}
                  className="row"
                  data-testid="review-item"
                  style={{ padding: '6px 10px', cursor: 'pointer', background: i === cursor ? 'var(--accent-soft)' : undefined, borderBottom: '1px solid var(--line)' }}
                  onClick={() => pickReview(i)}
                >
                  <img src={imageUrl('thumb', s.imageId)} alt="" style={{ width: 40, height: 40, borderRadius: 4, objectFit: 'cover', outline: '2px dashed var(--accent)', outlineOffset: -2 }} />
                  <div className="small">
                    ? <b>{s.suggested}</b> {pct(s.confidence, 0)}
                    <div className="faint xs">uncertainty {s.score.toFixed(3)}</div>
                  </div>
                </div>
              ))}
            </div>
            {current && (
              <div className="card" data-testid="review-current" data-image={current.imageId}>
                <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 280px), 1fr))', gap: 24 }}>
                  <img src={imageUrl('full', current.imageId)} alt="" style={{ width: '100%', maxWidth: 360, borderRadius: 6, background: '#000' }} />
                  <div className="stack">
                    <div className="mono xs muted" style={{ wordBreak: 'break-all' }}>{current.path}</div>
                    <div className="row">
                      <span className="badge">unlabeled</span>
                      <span className="badge run" style={{ border: '1px dashed var(--accent)' }} data-testid="review-suggested">
                        ? {current.suggested} {pct(current.confidence, 0)}
                      </span>
                    </div>
                    <ProbabilityBars probabilities={current.probabilities} />
                    <div className="row wrap" style={{ marginTop: 8 }}>
                      <button className="btn primary" onClick={() => void acceptCurrent()} data-testid="review-accept">
                        Accept {current.suggested} <span className="kbd">A</span>
                      </button>
                      <button className="btn" onClick={() => skipCurrent()} data-testid="review-skip">
                        Skip <span className="kbd">K</span>
                      </button>
                    </div>
                    <ClassButtons classes={library?.classes ?? []} onPick={(i) => void labelCurrentAt(i)} testIdPrefix="review-label-" />
                  </div>
                </div>
              </div>
            )}
          </div>
        </>
      )}
    </div>
  );
}
