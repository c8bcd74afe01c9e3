// Under the filter bar when the library has unlabeled images (#14): pre-label them with a run (progress,
// Cancel), then accept every suggestion at or above a threshold — with how many that is and the error rate the
// run showed on its validation images at that confidence — or one by one with `A`.
import { useEffect, useState } from 'react';
import { useApp } from '../../app/app.store';
import { pct } from '../../app/format';
import { ProgressBar } from '../../ui/states';
import { modelLabel } from '../runs/compare';
import { loadRuns, useRuns } from '../runs/runs.store';
import { setFilter, useBrowse } from './browse.store';
import { acceptAtThreshold, cancelPrelabel, loadPreview, prelabel, setThreshold, useSuggestions } from './suggestions';

export function SuggestionsBar() {
  const preview = useSuggestions((s) => s.preview);
  const running = useSuggestions((s) => s.running);
  const progress = useSuggestions((s) => s.progress);
  const error = useSuggestions((s) => s.error);
  const threshold = useSuggestions((s) => s.threshold);
  // Every refresh of the library info is a new object: a change that leaves the counts as they were (an accept
  // and its undo inside one debounced refresh) must still recount.
  const library = useApp((s) => s.library);
  const unlabeledOnly = useBrowse((s) => !!s.filter.unlabeledOnly);
  const runs = useRuns((s) => s.runs);
  const completed = (runs ?? []).filter((r) => r.status === 'completed').sort((a, b) => Number(!!b.isDefault) - Number(!!a.isDefault));
  const [runId, setRunId] = useState<string>('');
  useEffect(() => {
    if (!runs) void loadRuns();
  }, [runs]);
  // Recount whenever the library info is refreshed (an import, an accept, a label by hand, an undo).
  useEffect(() => {
    void loadPreview();
  }, [library]);
  const chosen = runId || preview?.runId || completed[0]?.id || '';
  if (!running && !error && !preview?.unlabeled) return null;
  return (
    <div className="selbar" data-testid="suggestions-bar" style={{ flexWrap: 'wrap', rowGap: 6 }}>
      {running ? (
        <>
          <div style={{ flex: 1 }}>
            <ProgressBar done={progress?.done ?? 0} total={progress?.total ?? 0} label="Pre-labeling the unlabeled images" testId="prelabel-progress" />
          </div>
          <button className="btn sm danger" onClick={() => void cancelPrelabel()} data-testid="prelabel-cancel">
            Cancel
          </button>
        </>
      ) : (
        <>
          <span className="small" data-testid="unlabeled-count">
            <b>{(preview?.unlabeled ?? 0).toLocaleString('en-US')}</b> unlabeled · {(preview?.suggested ?? 0).toLocaleString('en-US')} suggested
          </span>
          {!unlabeledOnly && (
            <button className="btn sm ghost" onClick={() => setFilter({ unlabeledOnly: true })} data-testid="show-unlabeled">
              Show them
            </button>
          )}
          <select className="select sm" aria-label="Run to pre-label with" value={chosen} onChange={(e) => setRunId(e.target.value)} data-testid="prelabel-run">
            {completed.length === 0 && <option value="">no completed run</option>}
            {completed.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name ?? `${modelLabel(r.model)} · ${r.id}`}
              </option>
            ))}
          </select>
          <button className="btn sm" disabled={!chosen} onClick={() => void prelabel(chosen)} data-testid="prelabel-start" title="Suggest a class for every unlabeled image">
            Pre-label
          </button>
          {!!preview?.suggested && (
            <>
              <div className="sep" />
              <span className="small">accept all ≥</span>
              <input
                key={threshold}
                className="input sm"
                style={{ width: 52 }}
                aria-label="Accept threshold (%)"
                data-testid="accept-threshold"
                defaultValue={Math.round(threshold * 100)}
                onBlur={(e) => setThreshold(Number(e.target.value) / 100)}
                onKeyDown={(e) => e.key === 'Enter' && setThreshold(Number((e.target as HTMLInputElement).value) / 100)}
              />
              <span className="small">%</span>
              <span className="small muted" data-testid="accept-preview">
                {preview.count.toLocaleString('en-US')} image{preview.count === 1 ? '' : 's'} ·{' '}
                {preview.expectedErrorRate === null ? 'no validation images that sure' : <>expected error <b>{pct(preview.expectedErrorRate)}</b> (val, n={preview.valCount})</>}
              </span>
              <button className="btn sm primary" disabled={!preview.count} onClick={() => void acceptAtThreshold()} data-testid="accept-all">
                Accept {preview.count.toLocaleString('en-US')}
              </button>
            </>
          )}
        </>
      )}
      {error && !running && <span className="small" style={{ color: 'var(--danger)' }} data-testid="prelabel-error">Pre-label failed: {error}</span>}
    </div>
  );
}
