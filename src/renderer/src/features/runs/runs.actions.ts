// Runs intents beyond picking and deleting (runs.store.ts): name a run, write its note, mark the default
// model Predict and Browse start from, and switch the confusion matrices between shares and counts.
import type { RunSummary } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { toast } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { loadRuns, useRuns } from './runs.store';

function patchRun(updated: RunSummary): void {
  useRuns.setState((s) => ({
    runs: s.runs?.map((r) => (r.id === updated.id ? { ...r, name: updated.name, note: updated.note } : r)) ?? null,
    details: s.details[updated.id] ? { ...s.details, [updated.id]: { ...s.details[updated.id]!, name: updated.name, note: updated.note } } : s.details,
  }));
}

async function update(runId: string, text: { name?: string; note?: string }): Promise<boolean> {
  try {
    patchRun(await getApi()['runs.update']({ runId, ...text }));
    return true;
  } catch (e) {
    toast(`Could not save: ${errorMessage(e)}`, 'error');
    return false;
  }
}

/** The run's name (empty clears it: the id names it then). */
export async function renameRun(runId: string, name: string): Promise<void> {
  if (await update(runId, { name })) toast(name.trim() ? `Named the run “${name.trim()}”` : 'Name cleared', 'ok');
}

export async function setRunNote(runId: string, note: string): Promise<void> {
  if (await update(runId, { note })) toast('Note saved', 'ok');
}

/** Marks the run as the default model, or (null) removes the mark so the best val accuracy decides. */
export async function markDefault(runId: string | null): Promise<void> {
  try {
    const now = await getApi()['runs.setDefault']({ runId });
    await loadRuns();
    // The details shown carry the mark too.
    useRuns.setState((s) => ({
      details: Object.fromEntries(
        Object.entries(s.details).map(([id, d]) => [id, { ...d, marked: id === runId, isDefault: id === now?.id }]),
      ),
    }));
    toast(runId ? `Default model: ${now?.name ?? now?.id}` : `Default mark removed: ${now ? `${now.name ?? now.id} (best val accuracy)` : 'no finished run'} is used`, 'ok');
  } catch (e) {
    toast(`Could not set the default model: ${errorMessage(e)}`, 'error');
  }
}

export function setConfusionMode(mode: 'normalised' | 'absolute'): void {
  useRuns.setState({ cmMode: mode });
}
