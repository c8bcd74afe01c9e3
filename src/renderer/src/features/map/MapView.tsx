// Map: every image of the library placed by similarity (UMAP of the MobileNetV2 features), coloured by label,
// predicted class, split, correctness or suspect score. Hover shows the thumbnail, a click opens the image in
// Browse, a lasso opens its images there as a clearable image set — or relabels them at once.
import { useEffect, useMemo, useState } from 'react';
import { imageUrl } from '../../app/api';
import { navigate, useApp } from '../../app/app.store';
import { int as num } from '../../app/format';
import { EmptyState, ErrorState, ProgressBar } from '../../ui/states';
import { setSelection, toggleDetail } from '../browse/browse.store';
import { openImagesInBrowse } from '../runs/runs.store';
import { MapCanvas } from './MapCanvas';
import { pointColors } from './map-colors';
import { cancelMap, computeMap, loadMap, loadSyntheticMap, relabelLasso, setColorBy, setHover, setLasso, setSource, useMap, type ColorBy } from './map.store';
import { loadRuns, useRuns } from '../runs/runs.store';
import { modelLabel } from '../runs/compare';
import type { MapSource } from '../../../../shared/types';
import './map.css';

const COLOR_BY: Array<{ id: ColorBy; label: string }> = [
  { id: 'label', label: 'Label' },
  { id: 'predicted', label: 'Predicted class' },
  { id: 'split', label: 'Split' },
  { id: 'correctness', label: 'Correctness' },
  { id: 'suspect', label: 'Suspect score' },
];

// The e2e test loads a synthetic 75,000-point map through this to measure frame times.
(globalThis as { __paddyMapSynthetic?: (n: number) => void }).__paddyMapSynthetic = loadSyntheticMap;

function openInBrowse(imageId: number): void {
  openImagesInBrowse([imageId], undefined, 'Map point');
  setSelection({ ids: new Set([imageId]), anchor: 0, focus: 0 });
  toggleDetail(true);
}

export function MapView() {
  const map = useMap((s) => s.map);
  const info = useMap((s) => s.info);
  const loaded = useMap((s) => s.loaded);
  const computing = useMap((s) => s.computing);
  const cancelling = useMap((s) => s.cancelling);
  const progress = useMap((s) => s.progress);
  const error = useMap((s) => s.error);
  const colorBy = useMap((s) => s.colorBy);
  const hover = useMap((s) => s.hover);
  const lasso = useMap((s) => s.lasso);
  const library = useApp((s) => s.library);
  const source = useMap((s) => s.source);
  const runs = useRuns((s) => s.runs);
  const completed = (runs ?? []).filter((r) => r.status === 'completed');
  const [lassoMode, setLassoMode] = useState(false);
  const [hoverAt, setHoverAt] = useState<{ x: number; y: number } | null>(null);

  useEffect(() => {
    void loadMap();
    if (!runs) void loadRuns();
  }, []);
  const lassoSet = useMemo(() => new Set(lasso), [lasso]);
  const { rgba, legend } = useMemo(() => pointColors(map?.points ?? [], info, colorBy, lassoSet), [map, info, colorBy, lassoSet]);
  const hoverInfo = hover === null ? null : info?.points.find((p) => p.imageId === hover) ?? null;

  return (
    <div className="view map-view" data-testid="view-map">
      <div className="view-head">
        <div>
          <h1>Map</h1>
          <div className="sub">Every image placed by what it looks like: clusters, outliers and mislabels stand out.</div>
        </div>
        <div className="spacer" />
        <select
          className="select sm"
          style={{ flex: '0 1 auto', width: 'auto', minWidth: 170, maxWidth: 280, marginRight: 8 }}
          aria-label="Lay out by"
          title="What places the images: what MobileNetV2 sees, or what a trained run learned (its last hidden layer)"
          value={source}
          disabled={computing}
          onChange={(e) => setSource(e.target.value as MapSource)}
          data-testid="map-source"
        >
          <option value="features">MobileNetV2 features</option>
          {completed.map((r) => (
            <option key={r.id} value={`run:${r.id}`}>
              {r.name ?? `${modelLabel(r.model)} · ${r.id}`} · hidden layer
            </option>
          ))}
        </select>
        <button className="btn primary" disabled={computing || !library?.imageCount} onClick={() => void computeMap()} data-testid="map-compute">
          {computing ? 'Computing…' : map ? 'Recompute' : 'Compute the map'}
        </button>
      </div>
      {computing && (
        <div className="card row" style={{ marginBottom: 12, alignItems: 'flex-end' }}>
          <div style={{ flex: 1 }}>
            <ProgressBar done={progress?.done ?? 0} total={progress?.total ?? 0} label={progress?.phase ?? 'Starting…'} testId="map-progress" />
          </div>
          <button className="btn" disabled={cancelling} onClick={() => void cancelMap()} data-testid="map-cancel">
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      )}
      {error && <ErrorState title="The map could not be computed" error={error} />}
      {loaded && !map && !computing && !error && (
        <EmptyState icon="⁘" title="No map for the library as it is now">
          Computing it extracts the features of images that have none yet, then lays them out (a minute or two for 12,000 images).
        </EmptyState>
      )}
      {map && (
        <>
          <div className="map-toolbar">
            <label className="small faint" htmlFor="map-color">Colour by</label>
            <select id="map-color" className="select" value={colorBy} onChange={(e) => setColorBy(e.target.value as ColorBy)} data-testid="map-color-by">
              {COLOR_BY.map((c) => (
                <option key={c.id} value={c.id}>{c.label}</option>
              ))}
            </select>
            <button className={`btn${lassoMode ? ' primary' : ''}`} onClick={() => setLassoMode(!lassoMode)} data-testid="map-lasso-mode" title="Draw around points to select them (or Shift+drag)">
              Lasso
            </button>
            <span className="small faint" data-testid="map-count">
              {num(map.points.length)} images · {map.method}{info?.runId && (colorBy === 'predicted' || colorBy === 'correctness') ? ` · run ${info.runId}` : ''}
            </span>
            <div className="spacer" />
            <div className="map-legend" data-testid="map-legend">
              {legend.map((l) => (
                <span key={l.label} className="legend-item">
                  <i className="dot" style={{ background: l.color }} />
                  {l.label} <span className="faint">{num(l.count)}</span>
                </span>
              ))}
            </div>
          </div>
          {lasso.length > 0 && (
            <div className="map-selection card row" data-testid="map-selection">
              <b>{num(lasso.length)}</b> images in the lasso
              <button className="btn primary" onClick={() => openImagesInBrowse(lasso, undefined, 'Map lasso')} data-testid="map-open-browse">
                Open in Browse
              </button>
              <select className="select" value="" onChange={(e) => e.target.value && void relabelLasso(Number(e.target.value))} data-testid="map-relabel">
                <option value="">Label all as…</option>
                {library?.classes.map((c) => (
                  <option key={c.id} value={c.id}>{c.name}</option>
                ))}
              </select>
              <button className="btn" onClick={() => setLasso([])} data-testid="map-lasso-clear">Clear</button>
            </div>
          )}
          <div className="map-stage">
            <MapCanvas
              points={map.points}
              rgba={rgba}
              lassoMode={lassoMode}
              onHover={(id, at) => {
                setHover(id);
                setHoverAt(at);
              }}
              onOpen={(id) => {
                openInBrowse(id);
                navigate('browse');
              }}
              onLasso={(ids) => {
                setLasso(ids);
                setLassoMode(false);
              }}
            />
            {hover !== null && hoverAt && (
              <div className="map-hover" style={{ left: hoverAt.x + 14, top: hoverAt.y + 14 }} data-testid="map-hover">
                <img src={imageUrl('thumb', hover)} alt="" />
                <div className="small">
                  <b>{hoverInfo?.label ?? 'unlabeled'}</b>
                  {hoverInfo?.predicted && <div className="faint">predicted {hoverInfo.predicted}</div>}
                  {hoverInfo?.suspectScore != null && <div className="faint">suspect {hoverInfo.suspectScore.toFixed(2)}</div>}
                </div>
              </div>
            )}
          </div>
        </>
      )}
    </div>
  );
}
