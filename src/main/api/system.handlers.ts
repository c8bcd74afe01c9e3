import { createRequire } from 'node:module';
import path from 'node:path';
import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { activeBackend, availableBackends } from '../engine/backends';
import { projectRoot } from '../util/project-root';

function version(): string {
  try {
    return (createRequire(import.meta.url)(path.join(projectRoot(), 'package.json')) as { version: string }).version;
  } catch {
    return process.env.npm_package_version ?? 'unknown';
  }
}

export const systemHandlers: HandlerGroup<Extract<RequestName, `system.${string}`>> = {
  'system.info': async (_input, ctx) => {
    const available = await availableBackends();
    return {
      version: version(),
      backend: activeBackend() ?? available[0] ?? null,
      availableBackends: available,
      host: ctx.host === 'electron' ? 'electron' : 'web',
      platform: `${process.platform}-${process.arch}`,
    };
  },
};
