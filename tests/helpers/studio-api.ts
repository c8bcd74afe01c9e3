// The renderer's PaddyApi over the real handlers (dispatch) and a real library, in-process: what a host does,
// minus the transport. Worker jobs (runs.predict) run their service in this process; events reach `on`.
import { dispatch, handlers, type AppContext } from '../../src/main/api/index';
import type { Library } from '../../src/main/library';
import { predict } from '../../src/main/services/predict';
import { REQUEST_NAMES, type EventMap, type EventName, type PaddyApi, type RequestName } from '../../src/shared/contract';
import { fixtureContext } from './fixture-library';

export function studioApi(lib: Library): PaddyApi {
  const ctx = fixtureContext(lib);
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  ctx.emit = <K extends EventName>(name: K, payload: EventMap[K]) => listeners.get(name)?.forEach((l) => l(payload));
  ctx.workers.runJob = ((_lib: Library, name: string, input: { runId: string; paths: string[] }) => {
    if (name !== 'runs.predict') return Promise.reject(new Error(`no ${name} jobs here`));
    return predict(lib, input.runId, input.paths);
  }) as typeof ctx.workers.runJob;
  return {
    ...dispatchApi(ctx),
    on: ((name: string, l: (p: unknown) => void) => {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set.add(l));
      return () => set.delete(l);
    }) as PaddyApi['on'],
    imageUrl: (kind, id) => `/api/img/${kind}/${id}`,
  };
}

/** Every request of the contract sent through `dispatch` to the real handlers with `ctx`; events go nowhere. */
export function dispatchApi(ctx: AppContext): PaddyApi {
  const api: Record<string, unknown> = {};
  for (const name of REQUEST_NAMES) {
    api[name] = async (input: unknown) => {
      const r = await dispatch(handlers, ctx, name as RequestName, input);
      if (!r.ok) throw new Error(r.error);
      return r.value;
    };
  }
  api.on = () => () => {};
  api.imageUrl = (kind: string, id: number) => `${kind}/${id}`;
  return api as PaddyApi;
}
