// The offer under the filter bar when the run whose predictions Browse shows has not predicted every image: how
// many it misses (their tiles stay, without a prediction), a button to predict them, then a progress bar with Cancel.
import { useEffect } from 'react';
import { ProgressBar } from '../../ui/states';
import { useApp } from '../../app/app.store';
import { useBrowse } from './browse.store';
import { isScored } from './tile-text';
import { cancelPredictRest, countUnpredicted, predictRest, usePredictAll } from './predict-all';

export function PredictAllBar() {
  const runId = useBrowse((s) => s.filter.runId);
  const scored = useBrowse((s) => isScored(s.filter));
  const imageCount = useApp((s) => s.library?.imageCount ?? 0);
  const unpredicted = usePredictAll((s) => (s.runId === runId ? s.unpredicted : null));
  const running = usePredictAll((s) => s.running);
  const progress = usePredictAll((s) => s.progress);
  const error = usePredictAll((s) => s.error);
  // Recount when the run or the library's size changes (an import adds images the run has not seen).
  useEffect(() => {
    void countUnpredicted(runId);
  }, [runId, imageCount]);
  if (!runId || (!running && !error && !unpredicted)) return null;
  return (
    <div className="selbar" data-testid="predict-rest">
      {running ? (
        <>
          <div style={{ flex: 1 }}>
            <ProgressBar done={progress?.done ?? 0} total={progress?.total ?? 0} label="Predicting every image with this run" testId="predict-rest-progress" />
          </div>
          <button className="btn sm danger" onClick={() => void cancelPredictRest()} data-testid="predict-rest-cancel">
            Cancel
          </button>
        </>
      ) : error ? (
        <span className="small" style={{ color: 'var(--danger)' }}>Prediction failed: {error}</span>
      ) : (
        <>
          <span className="small" data-testid="predict-rest-count">
            <b>{unpredicted!.toLocaleString('en-US')}</b> {unpredicted === 1 ? 'image has' : 'images have'} no prediction from this run
            {scored && <span className="faint"> · left out by the filters on its predictions</span>}
          </span>
          <button className="btn sm primary" onClick={() => void predictRest()} data-testid="predict-rest-start">
            Predict {unpredicted === 1 ? 'it' : 'them'}
          </button>
        </>
      )}
    </div>
  );
}
