// This session's predictions, newest first: one card per file with a preview, its predicted class and the class
// probabilities (or why it failed), and a note when the same bytes are already in the library.
import type { PredictResult } from '../../../../shared/types';
import { int, pct } from '../../app/format';
import { ProbabilityBars } from './ProbabilityBars';
import { UnsureAnswer, useIsSure } from './UnsureAnswer'; // unsure band (calibration, #13)
import { clearResults, previewUrl, usePredict, type ResultSource } from './predict.store';
import { PredictHeat } from '../explain/HeatPanels'; // Grad-CAM (#13, saliency)
import { SimilarStrip } from '../similar/SimilarStrip'; // More like this (#13, similar images)

export function PredictResults() {
  const results = usePredict((s) => s.results);
  const about = usePredict((s) => s.about);
  if (!results || results.length === 0) return null;
  return (
    <div style={{ marginTop: 16 }}>
      <div className="row" style={{ marginBottom: 8 }}>
        <h3>Results</h3>
        <span className="muted small" data-testid="predict-count">
          {int(results.length)} this session · newest first
        </span>
        <div className="spacer" />
        <button className="btn sm" onClick={clearResults} data-testid="predict-clear">
          Clear
        </button>
      </div>
      <div className="grid-3" data-testid="predict-results">
        {results.map((r, i) => (
          <ResultCard key={`${results.length - i}:${r.path}`} result={r} source={about.get(r)} />
        ))}
      </div>
    </div>
  );
}

function ResultCard({ result: r, source }: { result: PredictResult; source: ResultSource | undefined }) {
  const preview = previewUrl(r, source);
  // Unsure band (calibration, #13): below the line, the two likeliest classes instead of one answer.
  const sure = useIsSure(r, source?.runId);
  return (
    <div className="card" data-testid="predict-result">
      <div className="row" style={{ alignItems: 'flex-start', marginBottom: 8 }}>
        {preview ? (
          <img src={preview} alt="" width={72} height={72} style={{ objectFit: 'cover', borderRadius: 'var(--radius-sm)', flex: 'none' }} data-testid="predict-preview" />
        ) : (
          <div
            className="xs faint"
            style={{ width: 72, height: 72, flex: 'none', borderRadius: 'var(--radius-sm)', border: '1px dashed var(--line-strong)', display: 'grid', placeItems: 'center', textAlign: 'center' }}
            title="A typed path is read on the host; drop or choose the file to see it here"
          >
            no preview
          </div>
        )}
        <div style={{ minWidth: 0 }}>
          <div className="mono xs muted" style={{ wordBreak: 'break-all' }}>
            {r.path}
          </div>
          {source && <div className="xs faint">model {source.runId}</div>}
          {r.match && (
            <div className="small" style={{ marginTop: 4 }} data-testid="predict-match">
              Already in the library {r.match.label ? <>as <b>{r.match.label}</b></> : '(unlabeled)'}
            </div>
          )}
        </div>
      </div>
      {r.error ? (
        <div className="bad small">{r.error}</div>
      ) : (
        <>
          <UnsureAnswer result={r} runId={source?.runId} />
          {sure && (
          <h3 style={{ marginBottom: 8 }}>
            {r.predicted} <span className="muted small">{pct(r.predicted ? r.probabilities[r.predicted] : null)}</span>
          </h3>
          )}
          <ProbabilityBars probabilities={r.probabilities} />
          {/* Grad-CAM (#13, saliency): where the model looked, on demand */}
          <PredictHeat result={r} runId={source?.runId} preview={source?.preview ?? null} />
          {/* More like this (#13, similar images): a library image by id, a typed path or the dropped bytes */}
          <SimilarStrip
            {...(r.match ? { imageId: r.match.imageId } : source?.preview ? { upload: { url: source.preview, name: r.path } } : { path: r.path })}
            compareTo={r.predicted}
          />
        </>
      )}
    </div>
  );
}
