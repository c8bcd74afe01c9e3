// Suspects: likely label errors, best first; decide each with one key (A accept, K keep, 1–9 relabel).
import { useEffect, useMemo } from 'react';
import { imageUrl } from '../../app/api';
import { classSlot, navigate, useApp } from '../../app/app.store';
import { num } from '../../app/format';
import { EmptyState, ErrorState, ProgressBar } from '../../ui/states';
import { ClassButtons } from '../labels/ClassButtons';
import { ProbabilityBars } from '../predict/ProbabilityBars';
import { acceptShown, acceptSuggestion, cancelScan, keepLabel, pickSuspect, relabelSuspectAt, scanSuspects, setPairFilter, undoDecision } from './suspects.actions';
import { loadSuspects, positionText, shownSuspects, suspectPairs, useSuspects } from './suspects.store';
import { SuspectHeat } from '../explain/HeatPanels'; // Grad-CAM (#13, saliency)
import { SimilarStrip } from '../similar/SimilarStrip'; // More like this (#13, similar images)

export function SuspectsView() {
  const list = useSuspects((s) => s.list);
  const error = useSuspects((s) => s.error);
  const scanning = useSuspects((s) => s.scanning);
  const cancelling = useSuspects((s) => s.cancelling);
  const progress = useSuspects((s) => s.progress);
  const cursor = useSuspects((s) => s.cursor);
  const pair = useSuspects((s) => s.pair);
  const status = useSuspects((s) => s.status);
  const lastResult = useSuspects((s) => s.lastResult);
  const library = useApp((s) => s.library);
  useEffect(() => {
    void loadSuspects();
  }, []);
  const shown = useMemo(() => shownSuspects(list, pair), [list, pair]);
  const pairs = useMemo(() => suspectPairs(list), [list]);
  const current = shown[cursor];
  const notScanned = status !== null && status.scan === null;
  return (
    <div className="view" data-testid="view-suspects">
      <div className="view-head">
        <div>
          <h1>Suspects</h1>
          <div className="sub">Images whose label a model that never saw them disagrees with — most likely errors first.</div>
        </div>
        <div className="spacer" />
        <button className="btn primary" disabled={scanning || !library?.imageCount} onClick={() => void scanSuspects()} data-testid="suspects-scan">
          {scanning ? 'Scanning…' : list?.length ? 'Scan again' : 'Scan the library'}
        </button>
      </div>
      {scanning && (
        <div className="card row" style={{ marginBottom: 16, alignItems: 'flex-end' }}>
          <div style={{ flex: 1 }}>
            <ProgressBar done={progress?.done ?? 0} total={progress?.total ?? 0} label={progress?.phase ?? 'Starting…'} testId="suspects-progress" />
          </div>
          <button className="btn" disabled={cancelling} onClick={() => void cancelScan()} data-testid="suspects-cancel">
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      )}
      {lastResult && !scanning && (
        <div className="card row" style={{ marginBottom: 12, padding: '8px 12px' }} data-testid="suspect-result">
          <span className={`badge${lastResult.kind === 'undo' ? '' : ' ok'}`}>{lastResult.kind === 'undo' ? '↶' : '✓'}</span>
          <span className="small">{lastResult.text}</span>
          <div className="spacer" />
          {lastResult.kind !== 'undo' && (
            <button className="btn sm" onClick={() => void undoDecision()} data-testid="suspect-undo">
              Undo <span className="kbd">Ctrl Z</span>
            </button>
          )}
        </div>
      )}
      {scanning ? null : error ? (
        <div className="card">
          <ErrorState title="The review queue is unavailable" error={error} />
        </div>
      ) : !library?.imageCount ? (
        <div className="card">
          <EmptyState icon="?" title="Nothing to review" action={<button className="btn primary" onClick={() => navigate('library')}>Import images</button>}>
            Import a labeled folder first.
          </EmptyState>
        </div>
      ) : notScanned ? (
        <div className="card" data-testid="suspects-not-scanned">
          <EmptyState icon="?" title="Not scanned yet">
            A scan cross-validates a fast model so every image gets a prediction from a model that never saw it, then ranks the
            images whose label it disagrees with. Press “Scan the library” to build the review queue.
          </EmptyState>
        </div>
      ) : !list || list.length === 0 ? (
        <div className="card" data-testid="suspects-empty">
          <EmptyState icon="✓" title="No suspects left in the queue">
            A scan cross-validates a fast model so every image gets a prediction from a model that never saw it, then ranks the
            images whose label it disagrees with. Reviewed images stay out of the queue on later scans.
          </EmptyState>
        </div>
      ) : (
        <>
        <div className="row wrap" style={{ marginBottom: 12 }}>
          <span className="badge" data-testid="suspect-position">{positionText(cursor, shown.length)}</span>
          {status && <span className="small faint">{status.decided.toLocaleString('en-US')} decided</span>}
          <div className="spacer" />
          <select
            className="select sm"
            aria-label="Class pair"
            data-testid="suspect-pair"
            value={pair ?? ''}
            onChange={(e) => setPairFilter(e.target.value || null)}
          >
            <option value="">every class pair ({list.length})</option>
            {pairs.map((p) => (
              <option key={p.pair} value={p.pair}>
                {p.pair} ({p.count})
              </option>
            ))}
          </select>
          {pair !== null && (
            <button className="btn sm" onClick={() => void acceptShown()} data-testid="suspect-accept-shown">
              Accept all {shown.length} shown
            </button>
          )}
        </div>
        <div className="cols" style={{ display: 'grid', gridTemplateColumns: '260px minmax(0, 1fr)', gap: 16, alignItems: 'start' }}>
          <div className="card" style={{ padding: 0, maxHeight: '70vh', overflow: 'auto' }}>
            {shown.map((s, i) => (
              <div
                key={s.imageId}
                className={`row${i === cursor ? ' picked' : ''}`}
                data-testid="suspect-item"
                style={{ padding: '6px 10px', cursor: 'pointer', background: i === cursor ? 'var(--accent-soft)' : undefined, borderBottom: '1px solid var(--line)' }}
                onClick={() => pickSuspect(i)}
              >
                <img src={imageUrl('thumb', s.imageId)} alt="" style={{ width: 40, height: 40, borderRadius: 4, objectFit: 'cover' }} />
                <div className="small">
                  {s.label} → <b>{s.suggested}</b>
                  <div className="faint xs">score {num(s.score, 3)}{s.kind === 'near-duplicate' ? ' · near-duplicate' : ''}</div>
                </div>
              </div>
            ))}
          </div>
          {current && (
            <div className="card" data-testid="suspect-current" data-image={current.imageId}>
              {/* Side by side when there is room for both, else the photo above its decision buttons. */}
              <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 280px), 1fr))', gap: 24 }}>
                {/* Grad-CAM (#13, saliency): the heat map over the suspect */}
                <SuspectHeat imageId={current.imageId}>
                <img src={imageUrl('full', current.imageId)} alt="" style={{ width: '100%', maxWidth: 360, borderRadius: 6, background: '#000' }} />
                </SuspectHeat>
                <div className="stack">
                  <div className="mono xs muted" style={{ wordBreak: 'break-all' }}>{current.path}</div>
                  <div className="row">
                    <span className="badge">
                      <i className="dot" style={{ background: `var(--class-${slotOfName(library, current.label)})` }} /> labeled {current.label}
                    </span>
                    <span>→</span>
                    <span className="badge run">suggested {current.suggested}</span>
                  </div>
                  <ProbabilityBars probabilities={current.probabilities} />
                  <div className="row wrap" style={{ marginTop: 8 }}>
                    <button className="btn primary" onClick={() => void acceptSuggestion()} data-testid="suspect-accept">
                      Accept {current.suggested} <span className="kbd">A</span>
                    </button>
                    <button className="btn" onClick={() => void keepLabel()} data-testid="suspect-keep">
                      Keep {current.label} <span className="kbd">K</span>
                    </button>
                  </div>
                  <ClassButtons classes={library.classes} onPick={(i) => void relabelSuspectAt(i)} />
                  <p className="xs faint">Ctrl+Z here takes the last decision back and puts its image in the queue again.</p>
                  {/* More like this (#13, similar images): do the neighbours agree with the label or the suggestion? */}
                  <SimilarStrip imageId={current.imageId} compareTo={current.suggested} title="Most similar images" />
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

function slotOfName(library: ReturnType<typeof useApp.getState>['library'], name: string): number {
  const c = library?.classes.find((x) => x.name === name);
  return c ? classSlot(library, c.id) : 8;
}
