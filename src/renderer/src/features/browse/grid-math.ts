// Geometry of the virtualized thumbnail grid: fixed cell size, absolute positions, only visible rows rendered.
// Pure functions so the maths is tested under node and the component stays a thin renderer.

export interface GridGeometry {
  columns: number;
  cell: number;
  gap: number;
  /** cell + gap: the vertical distance between row tops */
  rowHeight: number;
  padding: number;
  /** Left edge of the first column: the columns are centred in the width they do not fill. */
  left: number;
}

export function gridGeometry(width: number, cell: number, gap: number, padding: number): GridGeometry {
  const usable = Math.max(0, width - 2 * padding + gap);
  const columns = Math.max(1, Math.floor(usable / (cell + gap)));
  const left = padding + Math.max(0, Math.floor((usable - columns * (cell + gap)) / 2));
  return { columns, cell, gap, rowHeight: cell + gap, padding, left };
}

export function totalHeight(g: GridGeometry, total: number): number {
  const rows = Math.ceil(total / g.columns);
  return rows === 0 ? 0 : rows * g.rowHeight - g.gap + 2 * g.padding;
}

export interface VisibleRange {
  /** first index rendered (inclusive) */
  start: number;
  /** last index rendered (exclusive) */
  end: number;
}

/** The indices to render for a viewport, plus `overscanRows` rows above and below. */
export function visibleRange(g: GridGeometry, scrollTop: number, viewportHeight: number, total: number, overscanRows: number): VisibleRange {
  if (total <= 0 || viewportHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop - g.padding);
  const firstRow = Math.max(0, Math.floor(top / g.rowHeight) - overscanRows);
  const lastRow = Math.floor((top + viewportHeight) / g.rowHeight) + overscanRows;
  const start = Math.min(total, firstRow * g.columns);
  const end = Math.min(total, (lastRow + 1) * g.columns);
  return { start, end };
}

export function cellPosition(g: GridGeometry, index: number): { x: number; y: number } {
  const row = Math.floor(index / g.columns);
  const col = index % g.columns;
  return { x: g.left + col * (g.cell + g.gap), y: g.padding + row * g.rowHeight };
}

/** The scrollTop that brings `index` fully into view, or null when it already is. */
export function scrollToReveal(g: GridGeometry, index: number, scrollTop: number, viewportHeight: number): number | null {
  const { y } = cellPosition(g, index);
  if (y - g.padding < scrollTop) return Math.max(0, y - g.padding);
  if (y + g.cell + g.padding > scrollTop + viewportHeight) return y + g.cell + g.padding - viewportHeight;
  return null;
}

export type MoveKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

/** Where the focus goes when a navigation key is pressed (clamped to the grid). */
export function moveIndex(index: number, key: MoveKey, columns: number, total: number, rowsPerPage = 1): number {
  if (total <= 0) return 0;
  const last = total - 1;
  const clamp = (i: number) => Math.max(0, Math.min(last, i));
  switch (key) {
    case 'ArrowLeft':
      return clamp(index - 1);
    case 'ArrowRight':
      return clamp(index + 1);
    case 'ArrowUp':
      return index - columns >= 0 ? index - columns : index;
    case 'ArrowDown':
      return index + columns <= last ? index + columns : index;
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageUp':
      return clamp(index - columns * Math.max(1, rowsPerPage));
    case 'PageDown':
      return clamp(index + columns * Math.max(1, rowsPerPage));
  }
}

/** Page numbers covering [start, end). */
export function pagesFor(range: VisibleRange, pageSize: number): number[] {
  if (range.end <= range.start) return [];
  const first = Math.floor(range.start / pageSize);
  const last = Math.floor((range.end - 1) / pageSize);
  const out: number[] = [];
  for (let p = first; p <= last; p++) out.push(p);
  return out;
}
