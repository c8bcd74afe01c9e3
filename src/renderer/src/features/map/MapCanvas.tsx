// The map's drawing surface: drag pans, the wheel zooms (around the pointer), Shift+drag or the lasso tool
// draws a lasso, hover names the nearest point, click opens it. Redraws go through requestAnimationFrame and
// only change the view (uniforms on a GPU, one CPU splat otherwise); the renderer's kind and the mean JS time per
// draw are kept on the element for the e2e test and bench/map-fps.bench.ts.
import { useEffect, useMemo, useRef, useState } from 'react';
import { createRenderer, fitPoints, type RendererKind, inPolygon, pointSize, toData, toScreen, type PointsRenderer, type View } from './map-gl';

export interface MapCanvasProps {
  points: ReadonlyArray<{ imageId: number; x: number; y: number }>;
  rgba: Float32Array;
  lassoMode: boolean;
  onHover(imageId: number | null, at: { x: number; y: number } | null): void;
  onOpen(imageId: number): void;
  onLasso(imageIds: number[]): void;
}

/** Buckets of point indices over the fitted square, for hover lookups without scanning every point. */
function buildGrid(xy: Float32Array, cells: number): Map<number, number[]> {
  const grid = new Map<number, number[]>();
  for (let i = 0; i < xy.length / 2; i++) {
    const key = cellKey(xy[2 * i]!, xy[2 * i + 1]!, cells);
    (grid.get(key) ?? grid.set(key, []).get(key)!).push(i);
  }
  return grid;
}
const cellOf = (v: number, cells: number) => Math.max(0, Math.min(cells - 1, Math.floor(((v + 1) / 2) * cells)));
const cellKey = (x: number, y: number, cells: number) => cellOf(y, cells) * cells + cellOf(x, cells);

/** A renderer asked for by name (localStorage "paddy.map.renderer": webgl | webgl-software | cpu), to compare them. */
function forcedRenderer(): RendererKind | null {
  try {
    const v = localStorage.getItem('paddy.map.renderer');
    return v === 'webgl' || v === 'webgl-software' || v === 'cpu' ? v : null;
  } catch {
    return null;
  }
}

export function MapCanvas({ points, rgba, lassoMode, onHover, onOpen, onLasso }: MapCanvasProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const renderer = useRef<PointsRenderer | null>(null);
  const view = useRef<View>({ k: 1, tx: 0, ty: 0 });
  const size = useRef({ w: 1, h: 1, dpr: 1 });
  const frame = useRef(0);
  const times = useRef<number[]>([]);
  const [lasso, setLassoPath] = useState<Array<[number, number]> | null>(null);
  const xy = useMemo(() => fitPoints(points), [points]);
  const CELLS = 128;
  const grid = useMemo(() => buildGrid(xy, CELLS), [xy]);

  const draw = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const r = renderer.current;
      if (!r) return;
      const t0 = performance.now();
      r.draw(view.current, size.current.w, size.current.h, size.current.dpr);
      const ms = performance.now() - t0;
      times.current = [...times.current.slice(-59), ms];
      canvas.current?.setAttribute('data-draw-ms', (times.current.reduce((a, b) => a + b, 0) / times.current.length).toFixed(2));
    });
  };

  useEffect(() => {
    renderer.current = createRenderer(canvas.current!, forcedRenderer());
    canvas.current!.setAttribute('data-renderer', renderer.current.kind);
    const resize = () => {
      const el = wrap.current!;
      const dpr = Math.min(window.devicePixelRatio || 1, renderer.current?.maxPixelRatio ?? Infinity);
      size.current = { w: el.clientWidth, h: el.clientHeight, dpr };
      canvas.current!.width = Math.max(1, Math.round(el.clientWidth * dpr));
      canvas.current!.height = Math.max(1, Math.round(el.clientHeight * dpr));
      draw();
    };
    const ro = new ResizeObserver(resize);
    ro.observe(wrap.current!);
    resize();
    return () => {
      ro.disconnect();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      renderer.current?.dispose();
      renderer.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    renderer.current?.setPoints(xy);
    view.current = { k: 1, tx: 0, ty: 0 };
    draw();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [xy]);
  useEffect(() => {
    renderer.current?.setColors(rgba);
    draw();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rgba]);

  const local = (e: { clientX: number; clientY: number }): [number, number] => {
    const r = canvas.current!.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };

  const nearest = (px: number, py: number): number | null => {
    const { w, h } = size.current;
    const [dx, dy] = toData(px, py, view.current, w, h);
    const radiusPx = Math.max(6, pointSize(points.length, view.current.k));
    const [rx] = toData(px + radiusPx, py, view.current, w, h);
    const reach = Math.abs(rx - dx);
    const span = Math.ceil((reach * CELLS) / 2) + 1;
    const cx = cellOf(dx, CELLS);
    const cy = cellOf(dy, CELLS);
    let best = -1;
    let bestD = reach * reach;
    for (let gy = Math.max(0, cy - span); gy <= Math.min(CELLS - 1, cy + span); gy++) {
      for (let gx = Math.max(0, cx - span); gx <= Math.min(CELLS - 1, cx + span); gx++) {
        for (const i of grid.get(gy * CELLS + gx) ?? []) {
          const d = (xy[2 * i]! - dx) ** 2 + (xy[2 * i + 1]! - dy) ** 2;
          if (d <= bestD) {
            bestD = d;
            best = i;
          }
        }
      }
    }
    return best < 0 ? null : points[best]!.imageId;
  };

  const drag = useRef<{ x: number; y: number; moved: boolean; lasso: boolean } | null>(null);

  const onPointerDown = (e: React.PointerEvent) => {
    const [x, y] = local(e);
    const lassoing = lassoMode || e.shiftKey;
    drag.current = { x, y, moved: false, lasso: lassoing };
    if (lassoing) setLassoPath([[x, y]]);
    canvas.current!.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const [x, y] = local(e);
    const d = drag.current;
    if (!d) {
      const id = nearest(x, y);
      onHover(id, id === null ? null : { x, y });
      return;
    }
    if (Math.abs(x - d.x) + Math.abs(y - d.y) > 3) d.moved = true;
    if (d.lasso) {
      setLassoPath((p) => (p ? [...p, [x, y]] : [[x, y]]));
      return;
    }
    const { w, h } = size.current;
    const [ax, ay] = toData(d.x, d.y, view.current, w, h);
    const [bx, by] = toData(x, y, view.current, w, h);
    view.current = { ...view.current, tx: view.current.tx + (bx - ax), ty: view.current.ty + (by - ay) };
    d.x = x;
    d.y = y;
    onHover(null, null);
    draw();
  };
  const onPointerUp = (e: React.PointerEvent) => {
    const d = drag.current;
    drag.current = null;
    const [x, y] = local(e);
    if (d?.lasso && lasso && lasso.length > 2) {
      const { w, h } = size.current;
      const ids: number[] = [];
      for (let i = 0; i < points.length; i++) {
        const [sx, sy] = toScreen(xy[2 * i]!, xy[2 * i + 1]!, view.current, w, h);
        if (inPolygon(sx, sy, lasso)) ids.push(points[i]!.imageId);
      }
      onLasso(ids);
    } else if (d && !d.moved) {
      const id = nearest(x, y);
      if (id !== null) onOpen(id);
    }
    setLassoPath(null);
  };
  const onWheel = (e: React.WheelEvent) => {
    const [x, y] = local(e);
    const { w, h } = size.current;
    const [ax, ay] = toData(x, y, view.current, w, h);
    const k = Math.max(0.5, Math.min(200, view.current.k * Math.exp(-e.deltaY * 0.0015)));
    view.current = { ...view.current, k };
    // Zoom around the pointer: the point under it stays under it.
    const [bx, by] = toData(x, y, view.current, w, h);
    view.current = { k, tx: view.current.tx + (bx - ax), ty: view.current.ty + (by - ay) };
    draw();
  };

  return (
    <div ref={wrap} className={`map-canvas${lassoMode ? ' lasso' : ''}`} data-testid="map-canvas-wrap">
      <canvas
        ref={canvas}
        data-testid="map-canvas"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => onHover(null, null)}
        onWheel={onWheel}
      />
      {lasso && lasso.length > 1 && (
        <svg className="map-lasso" aria-hidden>
          <polygon points={lasso.map(([a, b]) => `${a},${b}`).join(' ')} />
        </svg>
      )}
    </div>
  );
}
