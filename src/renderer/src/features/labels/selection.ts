// The selection model of the grid: a set of image ids, an anchor for shift-ranges, and a focus (the cursor
// that arrows move and digits label). Indices are positions in the current query; ids are what is persisted.

export interface Selection {
  ids: ReadonlySet<number>;
  anchor: number | null;
  focus: number | null;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null, focus: null };

export interface Modifiers {
  shift: boolean;
  /** ctrl on Linux/Windows, cmd on macOS */
  toggle: boolean;
}

type IdAt = (index: number) => number | undefined;

function range(a: number, b: number, idAt: IdAt): number[] {
  const out: number[] = [];
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  for (let i = lo; i <= hi; i++) {
    const id = idAt(i);
    if (id !== undefined) out.push(id);
  }
  return out;
}

export function clickSelect(sel: Selection, index: number, idAt: IdAt, mods: Modifiers): Selection {
  const id = idAt(index);
  if (id === undefined) return sel;
  if (mods.shift && sel.anchor !== null) {
    const ids = new Set(mods.toggle ? sel.ids : []);
    for (const r of range(sel.anchor, index, idAt)) ids.add(r);
    return { ids, anchor: sel.anchor, focus: index };
  }
  if (mods.toggle) {
    const ids = new Set(sel.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: index, focus: index };
  }
  return { ids: new Set([id]), anchor: index, focus: index };
}

/** Arrow-key move: the focus moves; with shift the selection extends from the anchor, else it follows. */
export function moveFocus(sel: Selection, index: number, idAt: IdAt, extend: boolean): Selection {
  if (extend) {
    const anchor = sel.anchor ?? sel.focus ?? index;
    return { ids: new Set(range(anchor, index, idAt)), anchor, focus: index };
  }
  const id = idAt(index);
  return { ids: id === undefined ? new Set() : new Set([id]), anchor: index, focus: index };
}

export function selectIds(sel: Selection, ids: readonly number[]): Selection {
  return { ids: new Set(ids), anchor: sel.anchor, focus: sel.focus };
}

/** What a labeling action applies to: the selection, or the focused image when nothing is selected. */
export function labelTargets(sel: Selection, idAt: IdAt): number[] {
  if (sel.ids.size > 0) return [...sel.ids];
  if (sel.focus === null) return [];
  const id = idAt(sel.focus);
  return id === undefined ? [] : [id];
}

/**
 * After labeling, the cursor moves on: to the image after the focused one when one image was labeled
 * (keyboard flow: digit, digit, digit…); a multi-selection stays where it is so the result can be seen.
 */
export function advanceAfterLabel(sel: Selection, labeled: number, total: number, idAt: IdAt): Selection {
  if (labeled !== 1 || sel.focus === null) return sel;
  const next = Math.min(total - 1, sel.focus + 1);
  if (next === sel.focus) return sel;
  return moveFocus(sel, next, idAt, false);
}
