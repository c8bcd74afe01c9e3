import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { getSettings, saveSettings } from '../services/settings';

export const settingsHandlers: HandlerGroup<Extract<RequestName, `settings.${string}`>> = {
  'settings.get': (_input, ctx) => getSettings(ctx.library().db),
  'settings.set': (input, ctx) => saveSettings(ctx.library().db, input),
};
