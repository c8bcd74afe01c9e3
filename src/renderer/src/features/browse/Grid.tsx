// The virtualized thumbnail grid: a tall spacer, and absolutely positioned cells for the visible rows plus a
// little overscan. Fixed cell size keeps the maths O(1) at any library size.
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ImageSummary } from '../../../../shared/types';
import { imageUrl } from '../../app/api';
import { classSlot, useApp } from '../../app/app.store';
import { clickImage } from '../labels/labels.actions';
import { PAGE_SIZE, cache, ensurePages, reportLayout, useBrowse } from './browse.store';
import { predictionFlag } from './tile-text';
import { suggestionText } from './tile-text'; // pre-labels (#14)
import { cellPosition, gridGeometry, pagesFor, scrollToReveal, totalHeight, visibleRange } from './grid-math';
// Grad-CAM heat on the tiles (#13, saliency)
import { TileHeat, TileHeatToggle } from '../explain/HeatmapOverlay';
import { useExplain } from '../explain/explain.store';

const CELL = 148;
const GAP = 8;
const PADDING = 16;
const OVERSCAN_ROWS = 3;

export function Grid() {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  // The first row at the top of the viewport: React re-renders only when it changes, not on every scrolled pixel.
  const [topRow, setTopRow] = useState(0);
  const total = useBrowse((s) => s.total) ?? 0;
  const version = useBrowse((s) => s.version);
  const queryKey = useBrowse((s) => s.queryKey);
  const queryEpoch = useBrowse((s) => s.queryEpoch);
  const selection = useBrowse((s) => s.selection);
  const library = useApp((s) => s.library);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    setSize({ width: el.clientWidth, height: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  const geo = useMemo(() => gridGeometry(size.width, CELL, GAP, PADDING), [size.width]);

  // Scroll events only move the top row; a row is 156 px, so a fling re-renders every few frames, not each one.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onScroll = () => setTopRow(Math.floor(Math.max(0, el.scrollTop - geo.padding) / geo.rowHeight));
    el.addEventListener('scroll', onScroll, { passive: true });
    onScroll();
    return () => el.removeEventListener('scroll', onScroll);
  }, [geo]);

  // A new query starts at the top.
  useEffect(() => {
    if (ref.current) ref.current.scrollTop = 0;
    setTopRow(0);
  }, [queryEpoch]);

  // Overscan covers the part of a row the quantized top hides.
  const range = visibleRange(geo, geo.padding + topRow * geo.rowHeight, size.height, total, OVERSCAN_ROWS);

  useEffect(() => {
    reportLayout(geo.columns, Math.max(1, Math.floor(size.height / geo.rowHeight)));
  }, [geo.columns, geo.rowHeight, size.height]);

  // The first page is needed before the total is known; afterwards, the pages under the viewport.
  const wantPages = total === 0 ? [0] : pagesFor(range, PAGE_SIZE);
  const wantKey = `${queryKey}:${wantPages.join(',')}`;
  useEffect(() => {
    void ensurePages(wantPages);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wantKey]);

  // Keep the cursor in view when the keyboard moves it.
  useEffect(() => {
    const el = ref.current;
    if (!el || selection.focus === null) return;
    const to = scrollToReveal(geo, selection.focus, el.scrollTop, el.clientHeight);
    if (to !== null) el.scrollTop = to;
  }, [selection.focus, geo]);

  const classIndex = useMemo(() => {
    const m = new Map<number, number>();
    for (const c of library?.classes ?? []) m.set(c.id, classSlot(library, c.id));
    return m;
  }, [library]);

  const classNames = useMemo(() => new Map((library?.classes ?? []).map((c) => [c.id, c.name])), [library]);

  const cells = [];
  for (let i = range.start; i < range.end; i++) {
    const item = cache.item(i);
    const { x, y } = cellPosition(geo, i);
    cells.push(
      <Cell
        key={i}
        index={i}
        x={x}
        y={y}
        item={item}
        slot={item?.classId != null ? (classIndex.get(item.classId) ?? -1) : -1}
        classNames={classNames}
        selected={item ? selection.ids.has(item.id) : false}
        focused={selection.focus === i}
      />,
    );
  }

  return (
    <div className="grid-scroll" ref={ref} data-testid="grid" data-total={total} data-version={version}>
      <TileHeatToggle /> {/* Grad-CAM (#13, saliency) */}
      <div className="grid-spacer" style={{ height: totalHeight(geo, total) }}>
        {cells}
      </div>
    </div>
  );
}

interface CellProps {
  index: number;
  x: number;
  y: number;
  item: ImageSummary | undefined;
  slot: number;
  selected: boolean;
  focused: boolean;
  classNames: ReadonlyMap<number, string>;
}

const Cell = memo(function Cell({ index, x, y, item, slot, selected, focused, classNames }: CellProps) {
  const tileRun = useExplain((s) => (s.tiles ? s.tileRun : '')); // Grad-CAM (#13, saliency)
  const style = { transform: `translate(${x}px, ${y}px)`, width: CELL, height: CELL };
  if (!item) return <div className="cell placeholder" style={style} />;
  const flag = predictionFlag(item, classNames);
  return (
    <div
      className={`cell${selected ? ' selected' : ''}${focused ? ' focused' : ''}`}
      style={style}
      data-testid="cell"
      data-index={index}
      data-id={item.id}
      data-class={item.className ?? ''}
      onMouseDown={(e) => {
        if (e.shiftKey) e.preventDefault(); // no text selection on shift-click
      }}
      onClick={(e) => clickImage(index, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey })}
      title={item.fileName}
    >
      <img src={imageUrl('thumb', item.id)} alt={item.fileName} decoding="async" draggable={false} />
      {tileRun && <TileHeat runId={tileRun} imageId={item.id} imageAspect={item.width / item.height} />} {/* Grad-CAM (#13, saliency) */}
      {item.conflict && <span className="cell-flag conflict" title="Seen under two class folders">conflict</span>}
      {item.sourceState && (
        <span className="cell-flag conflict" title={item.sourceState === 'missing' ? 'Source file is missing' : 'Source file changed since import'}>
          {item.sourceState}
        </span>
      )}
      {flag && (
        <span className={`cell-flag pred ${flag.wrong ? 'wrong' : 'right'}`} data-testid="cell-pred" title={flag.title}>
          {flag.text}
        </span>
      )}
      <SuggestionMark item={item} />
      <div className="cell-label">
        <i className="dot" style={{ background: slot >= 0 ? `var(--class-${slot})` : 'var(--fg-3)' }} />
        <span>{item.className ?? 'unlabeled'}</span>
        {item.origin === 'manual' && <span className="cell-origin" title="Labeled by hand">✎</span>}
      </div>
    </div>
  );
});

/** Pre-labels (#14): an unlabeled tile's suggestion, dashed so it never passes for a label. */
function SuggestionMark({ item }: { item: ImageSummary }) {
  const s = suggestionText(item);
  if (!s) return null;
  return (
    <>
      <span style={{ position: 'absolute', inset: 4, border: '2px dashed var(--accent)', borderRadius: 'var(--radius)', pointerEvents: 'none' }} />
      <span
        className="cell-flag"
        data-testid="cell-suggestion"
        title={s.title}
        style={{ left: 6, top: 'auto', bottom: 30, background: 'rgba(0, 0, 0, 0.75)', color: 'var(--accent)', border: '1px dashed var(--accent)' }}
      >
        {s.text}
      </span>
    </>
  );
}
