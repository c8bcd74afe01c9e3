// Runs' calibrations (runs.calibration), by run id: the run detail, Compare and Predict's unsure band read them.
// One request per run at a time; a computed calibration never changes (the run's model does not), so it is kept.
import { create } from 'zustand';
import type { RunCalibration } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { errorMessage } from '../../app/format';

interface CalibrationState {
  byRun: Record<string, RunCalibration>;
  errors: Record<string, string>;
}

export const useCalibration = create<CalibrationState>(() => ({ byRun: {}, errors: {} }));

const inflight = new Map<string, Promise<RunCalibration | null>>();

/** The run's calibration, asked for once (an older run's first answer scores its val images in a worker). */
export function loadCalibration(runId: string): Promise<RunCalibration | null> {
  const have = useCalibration.getState().byRun[runId];
  if (have) return Promise.resolve(have);
  const pending = inflight.get(runId);
  if (pending) return pending;
  const p = (async () => {
    try {
      const c = await getApi()['runs.calibration']({ runId });
      useCalibration.setState((s) => ({ byRun: { ...s.byRun, [runId]: c }, errors: omit(s.errors, runId) }));
      return c;
    } catch (e) {
      useCalibration.setState((s) => ({ errors: { ...s.errors, [runId]: errorMessage(e) } }));
      return null;
    } finally {
      inflight.delete(runId);
    }
  })();
  inflight.set(runId, p);
  return p;
}

function omit(o: Record<string, string>, key: string): Record<string, string> {
  const { [key]: _gone, ...rest } = o;
  return rest;
}
