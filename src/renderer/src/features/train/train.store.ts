// Train: the model choice, the form (texts over train.defaults), and the live run folded from train events.
import { create } from 'zustand';
import type { TrainEvent } from '../../../../shared/contract';
import type { TrainConfig } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { toast } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { loadRuns } from '../runs/runs.store';
import { applyTrainEvent, isActive, newLiveRun, type LiveRun } from './live';
import { buildConfig } from './params';

type Model = 'cnn' | 'mobilenetv2';

interface TrainState {
  model: Model;
  defaults: Partial<Record<Model, TrainConfig>>;
  defaultsError: string | null;
  texts: Record<Model, Record<string, string>>;
  formError: string | null;
  starting: boolean;
  live: LiveRun | null;
}

export const useTrain = create<TrainState>(() => ({
  model: 'cnn',
  defaults: {},
  defaultsError: null,
  texts: { cnn: {}, mobilenetv2: {} },
  formError: null,
  starting: false,
  live: null,
}));

export function chooseModel(model: Model): void {
  useTrain.setState({ model, formError: null });
  void loadDefaults(model);
}

export async function loadDefaults(model: Model): Promise<void> {
  if (useTrain.getState().defaults[model]) return;
  try {
    const d = await getApi()['train.defaults']({ model });
    useTrain.setState((s) => ({ defaults: { ...s.defaults, [model]: d }, defaultsError: null }));
  } catch (e) {
    useTrain.setState({ defaultsError: errorMessage(e) });
  }
}

export function setParam(key: string, text: string): void {
  useTrain.setState((s) => ({ texts: { ...s.texts, [s.model]: { ...s.texts[s.model], [key]: text } }, formError: null }));
}

export function resetParams(): void {
  useTrain.setState((s) => ({ texts: { ...s.texts, [s.model]: {} }, formError: null }));
}

export async function startTraining(): Promise<void> {
  const { model, defaults, texts, live } = useTrain.getState();
  if (isActive(live)) return toast('A run is already training; cancel it or wait for it to finish');
  const d = defaults[model];
  if (!d) return;
  let config: TrainConfig;
  try {
    config = buildConfig(d, texts[model]);
  } catch (e) {
    useTrain.setState({ formError: errorMessage(e) });
    return;
  }
  useTrain.setState({ starting: true, formError: null });
  try {
    const { runId } = await getApi()['train.start']({ config });
    // Events may have arrived before the reply; keep them if they did.
    const cur = useTrain.getState().live;
    useTrain.setState({ starting: false, live: cur && cur.runId === runId ? cur : newLiveRun(runId, Date.now()) });
    void loadRuns();
  } catch (e) {
    useTrain.setState({ starting: false, formError: errorMessage(e) });
  }
}

export async function cancelTraining(): Promise<void> {
  const live = useTrain.getState().live;
  if (!live || !isActive(live)) return;
  try {
    const { cancelled } = await getApi()['train.cancel']({ runId: live.runId });
    if (!cancelled) toast('The run had already finished');
  } catch (e) {
    toast(`Could not cancel: ${errorMessage(e)}`, 'error');
  }
}

export function onTrainEvent(ev: TrainEvent): void {
  const live = useTrain.getState().live;
  // A run started elsewhere (CLI, another window) is followed too.
  const base = live && live.runId === ev.runId ? live : ev.type === 'started' || !live || !isActive(live) ? newLiveRun(ev.runId, Date.now()) : null;
  if (!base) return;
  useTrain.setState({ live: applyTrainEvent(base, ev) });
  if (ev.type === 'finished' || ev.type === 'failed' || ev.type === 'cancelled' || ev.type === 'started') void loadRuns();
}
