// Grad-CAM heat maps in the studio: one store for every overlay (Browse detail, Predict results, Suspects, grid
// tiles). Heat maps are fetched with runs.explain (the host answers cached ones at once, computes the rest in a
// worker), kept per (run, image, class) with a bound on how many, and requests for the same key are shared.
// The overlays' opacity and on/off state are the user's, shared by every view.
import { create } from 'zustand';
import type { ExplainResult } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { errorMessage } from '../../app/format';

/** What to explain: a library image, a file on the host, or bytes the page holds (an object URL, read as base64). */
export type ExplainTarget = { imageId: number } | { path: string } | { upload: { name: string; url: string; read: () => Promise<string> } };

export interface HeatEntry {
  status: 'loading' | 'done' | 'error';
  width?: number;
  height?: number;
  /** Row-major heat, 0..1 (tiles keep a downsampled copy). */
  values?: Float32Array;
  /** The class the map is for, the predicted class, and the run's classes (from the probabilities). */
  cls?: string | null;
  predicted?: string | null;
  classes?: string[];
  error?: string;
}

interface ExplainState {
  /** Heat shown over the images in the detail, Predict and Suspects views. */
  show: boolean;
  /** Heat drawn on the Browse grid's tiles. */
  tiles: boolean;
  /** The run the tiles' heat is for (Browse's run, else the default model). */
  tileRun: string;
  /** The heat layer's strongest opacity, 0..1. */
  opacity: number;
  entries: Record<string, HeatEntry>;
}

export const useExplain = create<ExplainState>(() => ({ show: true, tiles: false, tileRun: '', opacity: 0.6, entries: {} }));

export function targetKey(t: ExplainTarget): string {
  return 'imageId' in t ? `image:${t.imageId}` : 'path' in t ? `path:${t.path}` : `upload:${t.upload.url}`;
}

/** The store key of one heat map; `cls` null: the predicted class. */
export function heatKey(runId: string, t: ExplainTarget, cls: string | null): string {
  return `${runId}|${targetKey(t)}|${cls ?? ''}`;
}

export function setShowHeat(show: boolean): void {
  useExplain.setState({ show });
}

export function setHeatOpacity(opacity: number): void {
  useExplain.setState({ opacity: Math.max(0, Math.min(1, opacity)) });
}

export function setTileRun(tileRun: string): void {
  if (useExplain.getState().tileRun !== tileRun) useExplain.setState({ tileRun });
}

export function setTileHeat(tiles: boolean): void {
  useExplain.setState({ tiles });
  if (!tiles) tileQueue.clear();
}

const MAX_ENTRIES = 400;
const TILE_SIZE = 48;

function put(key: string, entry: HeatEntry): void {
  useExplain.setState((s) => {
    const entries = { ...s.entries, [key]: entry };
    const keys = Object.keys(entries);
    // Oldest first (insertion order): drop finished ones beyond the bound; one in flight stays.
    for (let i = 0; keys.length - i > MAX_ENTRIES && i < keys.length; i++) if (entries[keys[i]!]!.status !== 'loading') delete entries[keys[i]!];
    return { entries };
  });
}

/** Nearest-neighbour downsampling for tiles: a 224² map per visible tile would hold megabytes for nothing. */
function shrink(values: number[], w: number, h: number, max: number): { values: Float32Array; width: number; height: number } {
  if (w <= max && h <= max) return { values: Float32Array.from(values), width: w, height: h };
  const s = Math.max(w, h) / max;
  const width = Math.round(w / s);
  const height = Math.round(h / s);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = values[Math.min(h - 1, Math.floor((y + 0.5) * s)) * w + Math.min(w - 1, Math.floor((x + 0.5) * s))]!;
  }
  return { values: out, width, height };
}

function entryOf(r: ExplainResult, small = false): HeatEntry {
  if (!r.heatmap) return { status: 'error', error: r.error ?? 'no heat map' };
  const m = small ? shrink(r.heatmap.values, r.heatmap.width, r.heatmap.height, TILE_SIZE) : { values: Float32Array.from(r.heatmap.values), width: r.heatmap.width, height: r.heatmap.height };
  return { status: 'done', ...m, cls: r.class, predicted: r.predicted, classes: Object.keys(r.probabilities) };
}

/** Fetches one heat map unless it is held or on its way. */
export async function loadHeat(runId: string, t: ExplainTarget, cls: string | null): Promise<void> {
  const key = heatKey(runId, t, cls);
  const have = useExplain.getState().entries[key];
  if (have && have.status !== 'error') return;
  put(key, { status: 'loading' });
  try {
    const input = {
      runId,
      ...('imageId' in t ? { imageIds: [t.imageId] } : 'path' in t ? { paths: [t.path] } : { uploads: [{ name: t.upload.name, base64: await t.upload.read() }] }),
      ...(cls ? { className: cls } : {}),
    };
    const [r] = await getApi()['runs.explain'](input);
    put(key, r ? entryOf(r) : { status: 'error', error: 'no answer' });
  } catch (e) {
    put(key, { status: 'error', error: errorMessage(e) });
  }
}

// ---- grid tiles: visible tiles ask, small batches go out one after another so tiles fill in as they come ----
const TILE_BATCH = 12;
const tileQueue = new Map<string, { runId: string; imageId: number }>();
let pumping = false;

export function queueTileHeat(runId: string, imageId: number): void {
  const key = heatKey(runId, { imageId }, null);
  if (useExplain.getState().entries[key] || tileQueue.has(key)) return;
  tileQueue.set(key, { runId, imageId });
  if (!pumping) setTimeout(() => void pump(), 30);
}

/** A tile scrolled away before its turn: not worth computing. */
export function unqueueTileHeat(runId: string, imageId: number): void {
  tileQueue.delete(heatKey(runId, { imageId }, null));
}

async function pump(): Promise<void> {
  if (pumping) return;
  pumping = true;
  try {
    while (tileQueue.size) {
      const batch = [...tileQueue.entries()].slice(0, TILE_BATCH);
      const runId = batch[0]![1].runId;
      const same = batch.filter(([, v]) => v.runId === runId);
      for (const [k] of same) {
        tileQueue.delete(k);
        put(k, { status: 'loading' });
      }
      try {
        const results = await getApi()['runs.explain']({ runId, imageIds: same.map(([, v]) => v.imageId) });
        same.forEach(([k], i) => put(k, results[i] ? entryOf(results[i]!, true) : { status: 'error', error: 'no answer' }));
      } catch (e) {
        for (const [k] of same) put(k, { status: 'error', error: errorMessage(e) });
        // One failure (no model, a busy worker) would fail every tile alike: stop asking until toggled again.
        tileQueue.clear();
      }
    }
  } finally {
    pumping = false;
  }
}
