// The Settings card's intents: save (the host checks a weights folder and says which MobileNetV2 widths it
// holds) and, where the host has native dialogs, choose the weights folder with one.
import type { BackendChoice, SavedSettings } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { loadSystem, toast } from '../../app/app.store';
import { errorMessage } from '../../app/format';

export type SaveOutcome = { ok: true; settings: SavedSettings } | { ok: false; error: string };

/** "MobileNetV2 1.0 and 0.35" — the widths a checked weights folder holds. */
export function weightsSummary(settings: SavedSettings): string | null {
  if (!settings.weights) return null;
  const names = settings.weights.alphas.map((a) => (a === 1 ? '1.0' : '0.35'));
  return `holds MobileNetV2 ${names.join(' and ')}`;
}

export async function saveSettings(backend: BackendChoice, weightsDir: string): Promise<SaveOutcome> {
  try {
    const settings = await getApi()['settings.set']({ backend, weightsDir: weightsDir.trim() || null });
    void loadSystem();
    const held = weightsSummary(settings);
    toast(held ? `Settings saved: the weights folder ${held}` : 'Settings saved', 'ok');
    return { ok: true, settings };
  } catch (e) {
    return { ok: false, error: errorMessage(e) };
  }
}

/** The native folder picker (desktop only); null when the person cancels. */
export async function chooseWeightsFolder(): Promise<string | null> {
  try {
    return await getApi()['dialog.pickFolder']({});
  } catch (e) {
    toast(errorMessage(e), 'error');
    return null;
  }
}
