// The Map view's state: the cached map and what colours its points, the computation (progress, Cancel), the
// colouring choice, the point under the pointer and the lasso selection.
import { create } from 'zustand';
import { isCancelledError } from '../../../../shared/contract';
import type { EmbeddingMap, MapPointInfo, MapPointsResult, MapSource } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { errorMessage } from '../../app/format';
import { toast } from '../../app/app.store';

export type ColorBy = 'label' | 'predicted' | 'split' | 'correctness' | 'suspect';

interface MapState {
  map: EmbeddingMap | null;
  info: MapPointsResult | null;
  loaded: boolean;
  computing: boolean;
  cancelling: boolean;
  progress: { phase: string; done: number; total: number } | null;
  error: string | null;
  colorBy: ColorBy;
  /** What the layout is computed from: the cached MobileNetV2 features, or a run's last hidden layer. */
  source: MapSource;
  hover: number | null;
  /** Image ids inside the last lasso. */
  lasso: number[];
}

export const useMap = create<MapState>(() => ({
  map: null,
  info: null,
  loaded: false,
  computing: false,
  cancelling: false,
  progress: null,
  error: null,
  colorBy: 'label',
  source: 'features',
  hover: null,
  lasso: [],
}));

/** A run's map colours "predicted" and "correctness" by that run; the features map by the default run. */
const pointsInput = (source: MapSource) => (source.startsWith('run:') ? { runId: source.slice(4) } : {});

export async function loadMap(): Promise<void> {
  const { source } = useMap.getState();
  try {
    const api = getApi();
    const [map, info] = await Promise.all([api['map.get']({ source }), api['map.points'](pointsInput(source))]);
    if (useMap.getState().source !== source) return;
    useMap.setState({ map, info, loaded: true, error: null });
  } catch (e) {
    useMap.setState({ loaded: true, error: errorMessage(e) });
  }
}

export async function computeMap(): Promise<void> {
  if (useMap.getState().computing) return;
  const api = getApi();
  useMap.setState({ computing: true, cancelling: false, progress: null, error: null });
  try {
    const { source } = useMap.getState();
    const [map, info] = await Promise.all([api['map.compute']({ source }), api['map.points'](pointsInput(source))]);
    useMap.setState({ map, info, lasso: [] });
  } catch (e) {
    if (isCancelledError('map.compute', e)) toast('Map cancelled');
    else useMap.setState({ error: errorMessage(e) });
  } finally {
    useMap.setState({ computing: false, cancelling: false, progress: null });
  }
}

/** map.progress (subscribed in app/events.ts): shown while this page computes the map. */
export function onMapProgress(p: { phase: string; done: number; total: number }): void {
  if (useMap.getState().computing) useMap.setState({ progress: p });
}

export async function cancelMap(): Promise<void> {
  useMap.setState({ cancelling: true });
  await getApi()['jobs.cancel']({ name: 'map.compute' }).catch(() => undefined);
}

export const setColorBy = (colorBy: ColorBy) => useMap.setState({ colorBy });
/** Another source: its own cached map (or none yet), loaded at once. */
export function setSource(source: MapSource): void {
  if (useMap.getState().computing || useMap.getState().source === source) return;
  useMap.setState({ source, map: null, info: null, loaded: false, lasso: [], error: null });
  void loadMap();
}
export const setHover = (hover: number | null) => useMap.getState().hover !== hover && useMap.setState({ hover });
export const setLasso = (lasso: number[]) => useMap.setState({ lasso });

/** Relabels the lasso's images at once (one undoable change), then refreshes the colours. */
export async function relabelLasso(classId: number): Promise<void> {
  const ids = useMap.getState().lasso;
  if (!ids.length) return;
  try {
    const r = await getApi()['labels.set']({ imageIds: ids, classId });
    toast(`${r.changed ?? ids.length} images relabeled`);
    useMap.setState({ info: await getApi()['map.points']({}) });
  } catch (e) {
    toast(errorMessage(e), 'error');
  }
}

/** Replaces the map with n synthetic points in a few clusters: the e2e test measures frame times at 75,000. */
export function loadSyntheticMap(n: number, classes = ['A', 'B', 'C', 'D', 'E']): void {
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const points = [];
  const info: MapPointInfo[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes.length;
    const r = Math.sqrt(-2 * Math.log(rand() + 1e-12));
    const a = 2 * Math.PI * rand();
    points.push({ imageId: i + 1, x: 10 * Math.cos((2 * Math.PI * c) / classes.length) + 2 * r * Math.cos(a), y: 10 * Math.sin((2 * Math.PI * c) / classes.length) + 2 * r * Math.sin(a) });
    info.push({ imageId: i + 1, label: classes[c]!, predicted: null, split: null, correct: null, suspectScore: null });
  }
  useMap.setState({
    map: { points, source: 'features', method: 'synthetic', params: {}, seconds: {}, createdAt: new Date().toISOString() },
    info: { points: info, classes, runId: null },
    loaded: true,
    lasso: [],
    colorBy: 'label',
  });
}
