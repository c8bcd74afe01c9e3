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
  // Show in folder (#11): only the desktop shell has it; the web client leaves `shell` out.
  const shell = bridge.shell;
  if (shell) {
    api.shell = {
      async showInFolder(input: Parameters<typeof shell.showInFolder>[0]) {
        const r = await shell.showInFolder(input);
        if (!r || typeof r !== 'object' || !('ok' in r)) throw new Error('Show in folder: malformed reply from the app');
        if (!r.ok) throw new Error(r.error);
        return r.value;
      },
    };
  }
  return api as PaddyApi;
}
