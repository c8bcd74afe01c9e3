// PaddyApi over the Electron preload's `window.paddy`: the same request names, with Results unwrapped.
import { REQUEST_NAMES, type PaddyApi, type PaddyBridge, type RequestName } from '../../../shared/contract';
import { unwrap } from './unwrap';

export function createIpcApi(bridge: PaddyBridge): PaddyApi {
  const api: Record<string, unknown> = {};
  for (const name of REQUEST_NAMES) {
    const call = bridge[name] as (input: unknown) => Promise<never>;
    if (typeof call !== 'function') throw new Error(`the preload does not expose "${name}"; rebuild the app`);
    api[name] = async (input: unknown) => unwrap(name as RequestName, await call(input ?? {}));
  }
  api.on = bridge.on;
  api.imageUrl = bridge.imageUrl;
  return api as PaddyApi;
}
