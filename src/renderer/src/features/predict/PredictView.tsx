// Predict: pick a finished run and some image files; see each file's predicted class and probabilities.
// Many files take a while: Cancel stops the prediction job (jobs.cancel) and leaves the previous results.
import { useEffect } from 'react';
import { navigate } from '../../app/app.store';
import { EmptyState, ErrorState, Loading } from '../../ui/states';
import { loadRuns, useRuns } from '../runs/runs.store';
import { PredictForm } from './PredictForm';
import { PredictResults } from './PredictResults';
import { useFinishedRuns } from './predict.store';

export function PredictView() {
  useEffect(() => {
    void loadRuns();
  }, []);
  return (
    <div className="view" data-testid="view-predict">
      <div className="view-head">
        <div>
          <h1>Predict</h1>
          <div className="sub">Classify image files with a trained model; results stay here for this session.</div>
        </div>
      </div>
      <PredictBody />
    </div>
  );
}

/** The form and results once there is a finished run; a designed state until then. */
function PredictBody() {
  const finished = useFinishedRuns();
  const runsError = useRuns((s) => s.error);
  if (runsError && !finished) {
    return (
      <div className="card">
        <ErrorState title="Runs unavailable" error={runsError} />
      </div>
    );
  }
  if (!finished) return <Loading />;
  if (finished.length === 0) return <NoModelYet />;
  return (
    <>
      <PredictForm runs={finished} />
      <PredictResults />
    </>
  );
}

function NoModelYet() {
  return (
    <div className="card">
      <EmptyState
        icon="◎"
        title="No trained model yet"
        action={
          <button className="btn primary" onClick={() => navigate('train')}>
            Train a model
          </button>
        }
      >
        Predictions need a finished training run.
      </EmptyState>
    </div>
  );
}
