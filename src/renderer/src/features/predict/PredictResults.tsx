// The last prediction: one card per file, its predicted class and the class probabilities (or why it failed).
import type { PredictResult } from '../../../../shared/types';
import { pct } from '../../app/format';
import { ProbabilityBars } from './ProbabilityBars';
import { usePredict } from './predict.store';

export function PredictResults() {
  const results = usePredict((s) => s.results);
  if (!results) return null;
  return (
    <div className="grid-3" style={{ marginTop: 16 }} data-testid="predict-results">
      {results.map((r, i) => (
        <ResultCard key={`${i}:${r.path}`} result={r} />
      ))}
    </div>
  );
}

function ResultCard({ result: r }: { result: PredictResult }) {
  return (
    <div className="card" data-testid="predict-result">
      <div className="mono xs muted" style={{ wordBreak: 'break-all', marginBottom: 8 }}>
        {r.path}
      </div>
      {r.error ? (
        <div className="bad small">{r.error}</div>
      ) : (
        <>
          <h3 style={{ marginBottom: 8 }}>
            {r.predicted} <span className="muted small">{pct(r.predicted ? r.probabilities[r.predicted] : null)}</span>
          </h3>
          <ProbabilityBars probabilities={r.probabilities} />
        </>
      )}
    </div>
  );
}
