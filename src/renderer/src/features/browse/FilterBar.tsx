// Filters and sort of the grid. Each control writes one field of the filter; the store drops empty ones.
import { useEffect } from 'react';
import type { LabelOrigin, SortKey, Split } from '../../../../shared/types';
import { classSlot, useApp } from '../../app/app.store';
import { defaultRunId, loadRuns, useRuns } from '../runs/runs.store';
import { modelLabel } from '../runs/compare';
import { chooseSort, setDefaultRun, setFilter, setSort, useBrowse } from './browse.store';

const SPLIT_OPTIONS: Array<Split | 'all'> = ['all', 'train', 'val', 'test'];

export function FilterBar() {
  const filter = useBrowse((s) => s.filter);
  const sort = useBrowse((s) => s.sort);
  const desc = useBrowse((s) => s.desc);
  const library = useApp((s) => s.library);
  const runs = useRuns((s) => s.runs);
  // Fresh on every visit and library switch: the default model may have changed meanwhile (or belong to
  // another library).
  const libraryPath = library?.path;
  useEffect(() => {
    void loadRuns();
  }, [libraryPath]);
  useEffect(() => {
    if (!runs) return;
    // Browse shows the default model's predictions (marked, else best val accuracy) unless a run was picked.
    setDefaultRun(defaultRunId(runs) || null, runs.filter((r) => r.status === 'completed').map((r) => r.id));
  }, [runs]);
  // The default model first, so it is the first run offered.
  const completed = (runs ?? []).filter((r) => r.status === 'completed').sort((a, b) => Number(!!b.isDefault) - Number(!!a.isDefault));
  const classIds = filter.classIds ?? [];
  const split = filter.splits?.length === 1 ? filter.splits[0] : 'all';

  return (
    <div className="toolbar" data-testid="filter-bar">
      <div className="group" role="group" aria-label="Class filter">
        {(library?.classes ?? []).map((c) => {
          const on = classIds.includes(c.id);
          return (
            <button
              key={c.id}
              className={`chip${on ? ' on' : ''}`}
              data-testid={`filter-class-${c.name}`}
              onClick={() => setFilter({ classIds: on ? classIds.filter((x) => x !== c.id) : [...classIds, c.id] })}
            >
              <i className="dot" style={{ background: `var(--class-${classSlot(library, c.id)})` }} />
              {c.name}
              <span className="faint">{c.count.toLocaleString('en-US')}</span>
            </button>
          );
        })}
      </div>
      <div className="sep" />
      <div className="segmented" role="group" aria-label="Split">
        {SPLIT_OPTIONS.map((s) => (
          <button key={s} className={split === s ? 'on' : ''} data-testid={`filter-split-${s}`} onClick={() => setFilter({ splits: s === 'all' ? [] : [s] })}>
            {s}
          </button>
        ))}
      </div>
      <select
        className="select sm"
        aria-label="Label origin"
        value={filter.origins?.[0] ?? ''}
        onChange={(e) => setFilter({ origins: e.target.value ? [e.target.value as LabelOrigin] : [] })}
      >
        <option value="">any origin</option>
        <option value="folder">from folder</option>
        <option value="manual">labeled by hand</option>
        <option value="suggestion">accepted suggestion</option>
      </select>
      <label className="check small">
        <input type="checkbox" checked={!!filter.conflictsOnly} onChange={(e) => setFilter({ conflictsOnly: e.target.checked })} />
        conflicts
      </label>
      <label className="check small" title="Images whose source file was found missing or changed">
        <input type="checkbox" checked={!!filter.missingOnly} onChange={(e) => setFilter({ missingOnly: e.target.checked })} />
        missing
      </label>
      <UnlabeledFilters />
      <input
        className="input sm"
        placeholder="file name…"
        aria-label="Search file names"
        style={{ width: 130 }}
        defaultValue={filter.search ?? ''}
        onKeyDown={(e) => {
          if (e.key === 'Enter') setFilter({ search: (e.target as HTMLInputElement).value.trim() });
        }}
      />
      <div className="sep" />
      {/* Whose predictions the tiles show and the filters below use: the default model unless picked (#11). */}
      <div className="group" title="The run whose predictions the tiles show (predicted class, ✓/✕, confidence); images it did not predict stay in the grid">
        <span className="group-label">predictions</span>
        <select
          className="select sm"
          aria-label="Predictions from"
          data-testid="filter-run"
          style={{ maxWidth: 230 }}
          value={filter.runId ?? ''}
          onChange={(e) => setFilter({ runId: e.target.value || undefined })}
        >
          <option value="">{completed.length ? 'none' : 'no runs yet'}</option>
          {completed.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name ?? `${modelLabel(r.model)} · ${r.id}`}{r.isDefault ? ' · default' : ''}
            </option>
          ))}
        </select>
      </div>
      {filter.runId && (
        <>
          <label className="check small" title="Only the images this run predicted, each under the class and split the run scored it by (train = in-sample)">
            <input type="checkbox" data-testid="filter-run-only" checked={!!filter.runOnly} onChange={(e) => setFilter({ runOnly: e.target.checked })} />
            predicted only
          </label>
          <select
            className="select sm"
            aria-label="Predicted class"
            value={filter.predictedClassIds?.[0] ?? ''}
            onChange={(e) => setFilter({ predictedClassIds: e.target.value ? [Number(e.target.value)] : [] })}
          >
            <option value="">any prediction</option>
            {(library?.classes ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                predicted {c.name}
              </option>
            ))}
          </select>
          <div className="segmented" role="group" aria-label="Correctness">
            {(['all', 'correct', 'wrong'] as const).map((k) => (
              <button key={k} className={(filter.correctness ?? 'all') === k ? 'on' : ''} onClick={() => setFilter({ correctness: k === 'all' ? undefined : k })}>
                {k}
              </button>
            ))}
          </div>
          <ConfidenceRange min={filter.confidenceMin} max={filter.confidenceMax} />
        </>
      )}
      <div className="spacer" />
      <div className="group">
        <span className="group-label">sort</span>
        <select className="select sm" aria-label="Sort by" data-testid="sort-by" value={sort} onChange={(e) => chooseSort(e.target.value as SortKey)}>
          <option value="name">name</option>
          <option value="date">date</option>
          <option value="confidence" disabled={!filter.runId}>
            confidence
          </option>
          <option value="loss" disabled={!filter.runId}>
            loss
          </option>
        </select>
        <button className="btn sm ghost" aria-label="Sort direction" onClick={() => setSort(sort, !desc)} title={desc ? 'descending' : 'ascending'}>
          {desc ? '↓' : '↑'}
        </button>
      </div>
    </div>
  );
}

function ConfidenceRange(props: { min?: number; max?: number }) {
  const commit = (key: 'confidenceMin' | 'confidenceMax', text: string) => {
    const v = text.trim() === '' ? undefined : Number(text) / 100;
    if (v === undefined || (Number.isFinite(v) && v >= 0 && v <= 1)) setFilter({ [key]: v });
  };
  return (
    <div className="group small">
      <span className="group-label">conf %</span>
      <input className="input sm" style={{ width: 52 }} aria-label="Minimum confidence (%)" placeholder="0" defaultValue={props.min === undefined ? '' : Math.round(props.min * 100)} onBlur={(e) => commit('confidenceMin', e.target.value)} />
      <span className="faint">–</span>
      <input className="input sm" style={{ width: 52 }} aria-label="Maximum confidence (%)" placeholder="100" defaultValue={props.max === undefined ? '' : Math.round(props.max * 100)} onBlur={(e) => commit('confidenceMax', e.target.value)} />
    </div>
  );
}

/** Unlabeled images and their suggestions (#14): "unlabeled", then "suggested: <class>" and a confidence floor. */
function UnlabeledFilters() {
  const filter = useBrowse((s) => s.filter);
  const library = useApp((s) => s.library);
  const on = !!filter.unlabeledOnly || filter.suggestedClassIds !== undefined || filter.suggestionMin !== undefined;
  return (
    <>
      <label className="check small" title="Images without a label (imported with --unlabeled)">
        <input
          type="checkbox"
          data-testid="filter-unlabeled"
          checked={on}
          onChange={(e) => setFilter(e.target.checked ? { unlabeledOnly: true } : { unlabeledOnly: false, suggestedClassIds: [], suggestionMin: undefined })}
        />
        unlabeled
      </label>
      {on && (
        <>
          <select
            className="select sm"
            aria-label="Suggested class"
            data-testid="filter-suggested"
            value={filter.suggestedClassIds?.[0] ?? ''}
            onChange={(e) => setFilter({ suggestedClassIds: e.target.value ? [Number(e.target.value)] : [] })}
          >
            <option value="">any suggestion</option>
            {(library?.classes ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                suggested: {c.name}
              </option>
            ))}
          </select>
          <input
            className="input sm"
            style={{ width: 52 }}
            aria-label="Minimum suggestion confidence (%)"
            title="Suggestion confidence at least (%)"
            placeholder="≥ %"
            data-testid="filter-suggestion-min"
            defaultValue={filter.suggestionMin === undefined ? '' : Math.round(filter.suggestionMin * 100)}
            onBlur={(e) => {
              const v = e.target.value.trim() === '' ? undefined : Number(e.target.value) / 100;
              if (v === undefined || (Number.isFinite(v) && v >= 0 && v <= 1)) setFilter({ suggestionMin: v });
            }}
          />
        </>
      )}
    </>
  );
}
