// Browse: filters, the selection bar with "Label as", the virtualized grid and the detail panel.
import { splitNote } from './tile-text';
import { useEffect, useRef, useState } from 'react';
import { classSlot, navigate, useApp } from '../../app/app.store';
import { EmptyState, ErrorState } from '../../ui/states';
import { clearSelection, redo, relabelSelection, selectAllInFilter, undo } from '../labels/labels.actions';
import { replaceFilter, toggleDetail, useBrowse } from './browse.store';
import { DetailPanel } from './DetailPanel';
import { FilterBar } from './FilterBar';
import { Grid } from './Grid';
import { ImageSetChip } from './ImageSetChip';
import { PredictAllBar } from './PredictAllBar';
import { SuggestionsBar } from './SuggestionsBar'; // pre-labels of unlabeled images (#14)

export function BrowseView() {
  const library = useApp((s) => s.library);
  const total = useBrowse((s) => s.total);
  const error = useBrowse((s) => s.error);
  const filter = useBrowse((s) => s.filter);
  const detailOpen = useBrowse((s) => s.detailOpen);

  if (library && library.imageCount === 0) {
    return (
      <div className="view">
        <EmptyState
          icon="▦"
          title="No images to browse yet"
          action={
            <button className="btn primary" onClick={() => navigate('library')}>
              Import a folder
            </button>
          }
        >
          Import a folder with one sub-folder per class, or the built-in sample, and the images appear here.
        </EmptyState>
      </div>
    );
  }
  const filtered = Object.keys(filter).length > 0;
  return (
    <div className="view flush" data-testid="view-browse">
      <div className="browse">
        <div className="browse-main">
          <FilterBar />
          <SelectionBar />
          <PredictAllBar />
          <SuggestionsBar />
          {error ? (
            <ErrorState error={error} title="The images could not be listed" />
          ) : total === 0 ? (
            <EmptyState
              icon="∅"
              title="No image matches these filters"
              action={
                filtered ? (
                  <button className="btn" onClick={() => replaceFilter({})}>
                    Clear the filters
                  </button>
                ) : undefined
              }
            >
              Loosen a filter to see more.
            </EmptyState>
          ) : (
            <Grid />
          )}
        </div>
        {detailOpen && <DetailPanel />}
      </div>
    </div>
  );
}

function SelectionBar() {
  const total = useBrowse((s) => s.total);
  const count = useBrowse((s) => s.selection.ids.size);
  const detailOpen = useBrowse((s) => s.detailOpen);
  const note = useBrowse((s) => splitNote(s.filter));
  return (
    <div className="selbar" data-testid="selection-bar">
      <span data-testid="match-count">
        <b>{total === null ? '…' : total.toLocaleString('en-US')}</b> images
        {note && <span className="faint" data-testid="match-split"> · {note}</span>}
      </span>
      <ImageSetChip />
      <span data-testid="selected-count">{count > 0 ? <><b>{count.toLocaleString('en-US')}</b> selected</> : 'none selected'}</span>
      <button className="btn sm ghost" onClick={() => void selectAllInFilter()} data-testid="select-all">
        Select all
      </button>
      {count > 0 && (
        <button className="btn sm ghost" onClick={clearSelection}>
          Clear
        </button>
      )}
      <LabelMenu disabled={count === 0} />
      <div className="spacer" />
      <button className="btn sm ghost" onClick={() => void undo()} title="Undo (Ctrl+Z)" data-testid="undo">
        ↶ Undo
      </button>
      <button className="btn sm ghost" onClick={() => void redo()} title="Redo (Ctrl+Shift+Z)">
        ↷ Redo
      </button>
      <button className="btn sm ghost" onClick={() => toggleDetail()}>
        {detailOpen ? 'Hide details' : 'Show details'}
      </button>
    </div>
  );
}

function LabelMenu({ disabled }: { disabled: boolean }) {
  const library = useApp((s) => s.library);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <div className="menu" ref={ref}>
      <button className="btn sm" disabled={disabled} onClick={() => setOpen(!open)} data-testid="label-as">
        Label as… ▾
      </button>
      {open && (
        <div className="menu-list" role="menu">
          {(library?.classes ?? []).map((c, i) => (
            <button
              key={c.id}
              role="menuitem"
              data-testid={`label-as-${c.name}`}
              onClick={() => {
                setOpen(false);
                void relabelSelection(c.id);
              }}
            >
              <i className="dot" style={{ background: `var(--class-${classSlot(library, c.id)})` }} />
              {c.name}
              {i < 9 && <span className="kbd">{i + 1}</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
