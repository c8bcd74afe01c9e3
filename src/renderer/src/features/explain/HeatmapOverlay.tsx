// Where the model looked: a Grad-CAM heat map drawn on a canvas over an image, with an on/off switch, an opacity
// slider and a class picker (the predicted class by default). Wraps the view's own <img>, so each view keeps its
// layout; the canvas covers the part of the box the image fills (object-fit contain/cover/fill), which is what the
// model saw: it resizes the whole image to its input square.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { heatAlpha, heatColour } from '../../../../shared/heat-colour';
import { useBrowse } from '../browse/browse.store';
import { defaultRunId, loadRuns, useRuns } from '../runs/runs.store';
import {
  heatKey, loadHeat, queueTileHeat, setHeatOpacity, setShowHeat, setTileHeat, setTileRun, unqueueTileHeat, useExplain, type ExplainTarget, type HeatEntry,
} from './explain.store';

/** The run Browse explains with: the run its filter names, else the default model ('' when there is none). */
export function useBrowseExplainRun(): string {
  const filterRun = useBrowse((s) => s.filter.runId);
  const runs = useRuns((s) => s.runs);
  useEffect(() => {
    if (!runs) void loadRuns();
  }, [runs]);
  return filterRun || defaultRunId(runs) || runs?.find((r) => r.status === 'completed')?.id || '';
}

type Fit = 'contain' | 'cover' | 'fill';

/** The image's rectangle inside its box, in % of the box. `aspect`s are width / height. */
function imageRect(fit: Fit, imageAspect: number, boxAspect: number): { left: number; top: number; width: number; height: number } {
  if (fit === 'fill' || Math.abs(imageAspect - boxAspect) < 1e-6) return { left: 0, top: 0, width: 100, height: 100 };
  const wider = imageAspect > boxAspect;
  const grow = fit === 'contain' ? !wider : wider;
  if (grow) {
    // Full height, width by aspect.
    const width = (imageAspect / boxAspect) * 100;
    return { left: (100 - width) / 2, top: 0, width, height: 100 };
  }
  const height = (boxAspect / imageAspect) * 100;
  return { left: 0, top: (100 - height) / 2, width: 100, height };
}

function HeatCanvas({ entry, opacity, rect, testId }: { entry: HeatEntry; opacity: number; rect: ReturnType<typeof imageRect>; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const v = entry.values;
    if (!c || !v || !entry.width || !entry.height) return;
    c.width = entry.width;
    c.height = entry.height;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(entry.width, entry.height);
    for (let i = 0; i < v.length; i++) {
      const [r, g, b] = heatColour(v[i]!);
      img.data[i * 4] = r;
      img.data[i * 4 + 1] = g;
      img.data[i * 4 + 2] = b;
      img.data[i * 4 + 3] = Math.round(255 * heatAlpha(v[i]!, opacity));
    }
    ctx.putImageData(img, 0, 0);
  }, [entry, opacity]);
  return (
    <canvas
      ref={ref}
      data-testid={testId}
      data-class={entry.cls ?? ''}
      style={{ position: 'absolute', left: `${rect.left}%`, top: `${rect.top}%`, width: `${rect.width}%`, height: `${rect.height}%`, pointerEvents: 'none' }}
    />
  );
}

export interface HeatmapOverlayProps {
  /** The run whose model is explained ('' : none, the controls say so). */
  runId: string;
  target: ExplainTarget;
  /** The wrapped image (its box is the overlay's box). */
  children: ReactNode;
  fit?: Fit;
  /** width / height of the image and of its box; unknown → the image fills its box. */
  imageAspect?: number;
  boxAspect?: number;
  /** Narrow places (Predict cards): a shorter opacity slider. */
  compact?: boolean;
  /** Side padding of the controls, for a panel whose image runs edge to edge. */
  pad?: boolean;
}

export function HeatmapOverlay({ runId, target, children, fit = 'fill', imageAspect = 1, boxAspect = 1, compact = false, pad = false }: HeatmapOverlayProps) {
  const show = useExplain((s) => s.show);
  const opacity = useExplain((s) => s.opacity);
  const [cls, setCls] = useState<string | null>(null);
  const key = runId ? heatKey(runId, target, cls) : '';
  const entry = useExplain((s) => (key ? s.entries[key] : undefined));
  // The class list comes with any answer for this image (the probabilities' keys).
  const predictedEntry = useExplain((s) => (runId ? s.entries[heatKey(runId, target, null)] : undefined));
  const classes = entry?.classes ?? predictedEntry?.classes ?? [];
  const tKey = key;
  useEffect(() => {
    setCls(null);
  }, [runId]);
  useEffect(() => {
    if (show && runId) void loadHeat(runId, target, cls);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [show, tKey]);
  const rect = useMemo(() => imageRect(fit, imageAspect, boxAspect), [fit, imageAspect, boxAspect]);

  const status = !runId
    ? 'No completed run to explain with'
    : !show
      ? 'Heat map off'
      : !entry || entry.status === 'loading'
        ? 'Computing the heat map…'
        : entry.status === 'error'
          ? entry.error
          : (entry.cls === entry.predicted ? `Where ${runId} looked to say ${entry.predicted}` : `Evidence for ${entry.cls} (predicted ${entry.predicted})`) +
            (entry.values?.some((v) => v > 0) ? '' : ': nothing in the image raised this class\'s score');

  return (
    <div className="heat-overlay" data-testid="heat-overlay">
      <div style={{ position: 'relative', overflow: 'hidden', lineHeight: 0 }}>
        {children}
        {show && entry?.status === 'done' && <HeatCanvas entry={entry} opacity={opacity} rect={rect} testId="heat-canvas" />}
      </div>
      <div className="row wrap" style={{ gap: 8, padding: pad ? '6px var(--s-4) 0' : '6px 0', fontSize: 'var(--t-xs)' }}>
        <label className="row" style={{ gap: 4, whiteSpace: 'nowrap' }} title="Grad-CAM: the image regions that raised the class's score">
          <input type="checkbox" checked={show} onChange={(e) => setShowHeat(e.target.checked)} data-testid="heat-toggle" disabled={!runId} />
          Heat map
        </label>
        <input
          type="range"
          min={0}
          max={100}
          value={Math.round(opacity * 100)}
          onChange={(e) => setHeatOpacity(Number(e.target.value) / 100)}
          aria-label="Heat map opacity"
          data-testid="heat-opacity"
          disabled={!show || !runId}
          style={{ width: compact ? 64 : 80 }}
        />
        <select
          className="select sm"
          aria-label="Class the heat map is for"
          data-testid="heat-class"
          value={cls ?? ''}
          disabled={!show || !runId || classes.length === 0}
          onChange={(e) => setCls(e.target.value || null)}
          style={{ flex: '1 1 110px', minWidth: 100, maxWidth: 160 }}
        >
          <option value="">predicted class</option>
          {classes.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      <div className={`xs ${entry?.status === 'error' ? 'bad' : 'faint'}`} data-testid="heat-status" style={{ wordBreak: 'break-word', padding: pad ? '2px var(--s-4) 0' : undefined }}>
        {status}
      </div>
    </div>
  );
}

/** The heat of one grid tile (the tile's image is square and covers it): asked for while the tile is visible. */
export function TileHeat({ runId, imageId, imageAspect }: { runId: string; imageId: number; imageAspect: number }) {
  const key = heatKey(runId, { imageId }, null);
  const entry = useExplain((s) => s.entries[key]);
  const opacity = useExplain((s) => s.opacity);
  useEffect(() => {
    queueTileHeat(runId, imageId);
    return () => unqueueTileHeat(runId, imageId);
  }, [runId, imageId]);
  const rect = useMemo(() => imageRect('cover', imageAspect, 1), [imageAspect]);
  if (entry?.status !== 'done') return null;
  return <HeatCanvas entry={entry} opacity={opacity} rect={rect} testId="tile-heat" />;
}

/** The grid's "heat" switch, floating at its top right; while it is on, the tiles draw the heat of Browse's run. */
export function TileHeatToggle() {
  const runId = useBrowseExplainRun();
  const tiles = useExplain((s) => s.tiles);
  useEffect(() => setTileRun(runId), [runId]);
  return (
    <div style={{ position: 'sticky', top: 0, height: 0, zIndex: 3 }}>
      <button
        className={`btn sm${tiles ? ' primary' : ''}`}
        style={{ position: 'absolute', right: 12, top: 8 }}
        disabled={!runId}
        title={runId ? `Grad-CAM heat of ${runId} on the visible tiles` : 'No completed run to explain with'}
        onClick={() => setTileHeat(!tiles)}
        data-testid="grid-heat-toggle"
        aria-pressed={tiles}
      >
        heat
      </button>
    </div>
  );
}
