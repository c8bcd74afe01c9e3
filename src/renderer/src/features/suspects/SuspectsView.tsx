// Suspects: likely label errors, best first; decide each with one key (A accept, K keep, 1–9 relabel).
import { useEffect } from 'react';
import { imageUrl } from '../../app/api';
import { classSlot, navigate, useApp } from '../../app/app.store';
import { num } from '../../app/format';
import { EmptyState, ErrorState, ProgressBar } from '../../ui/states';
import { ProbabilityBars } from '../predict/ProbabilityBars';
import { acceptSuggestion, cancelScan, keepLabel, loadSuspects, relabelSuspectAt, scanSuspects, useSuspects } from './suspects.store';

export function SuspectsView() {
  const list = useSuspects((s) => s.list);
  const error = useSuspects((s) => s.error);
  const scanning = useSuspects((s) => s.scanning);
  const cancelling = useSuspects((s) => s.cancelling);
  const progress = useSuspects((s) => s.progress);
  const cursor = useSuspects((s) => s.cursor);
  const library = useApp((s) => s.library);
  useEffect(() => {
    void loadSuspects();
  }, []);
  const current = list?.[cursor];
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
      ) : !list || list.length === 0 ? (
        <div className="card">
          <EmptyState icon="✓" title="No suspects in the queue">
            A scan cross-validates a fast model so every image gets a prediction from a model that never saw it, then ranks the
            images whose label it disagrees with. Reviewed images stay out of the queue on later scans.
          </EmptyState>
        </div>
      ) : (
        <div className="cols" style={{ display: 'grid', gridTemplateColumns: '280px 1fr', gap: 16, alignItems: 'start' }}>
          <div className="card" style={{ padding: 0, maxHeight: '70vh', overflow: 'auto' }}>
            {list.map((s, i) => (
              <div
                key={s.imageId}
                className={`row${i === cursor ? ' picked' : ''}`}
                style={{ padding: '6px 10px', cursor: 'pointer', background: i === cursor ? 'var(--accent-soft)' : undefined, borderBottom: '1px solid var(--line)' }}
                onClick={() => useSuspects.setState({ cursor: i })}
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
            <div className="card" data-testid="suspect-current">
              <div style={{ display: 'grid', gridTemplateColumns: 'minmax(200px, 360px) 1fr', gap: 24 }}>
                <img src={imageUrl('full', current.imageId)} alt="" style={{ width: '100%', borderRadius: 6, background: '#000' }} />
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
                  <div className="row wrap">
                    {library.classes.map((c, i) => (
                      <button key={c.id} className="btn sm ghost" onClick={() => void relabelSuspectAt(i)}>
                        {c.name} {i < 9 && <span className="kbd">{i + 1}</span>}
                      </button>
                    ))}
                  </div>
                  <p className="xs faint">Every decision is a journaled label change: Ctrl+Z undoes it.</p>
                </div>
              </div>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function slotOfName(library: ReturnType<typeof useApp.getState>['library'], name: string): number {
  const c = library?.classes.find((x) => x.name === name);
  return c ? classSlot(library, c.id) : 8;
}
