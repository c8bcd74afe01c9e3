// Predict: pick a finished run and some image files; see each file's predicted class and probabilities.
// Many files take a while: Cancel stops the prediction job (jobs.cancel) and leaves the previous results.
import { useEffect, useState } from 'react';
import { isCancelledError } from '../../../../shared/contract';
import type { PredictResult } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { hostKind } from '../../api';
import { navigate, toast } from '../../app/app.store';
import { errorMessage, pct } from '../../app/format';
import { Banner, EmptyState, ErrorState, Loading } from '../../ui/states';
import { modelLabel } from '../runs/compare';
import { loadRuns, useRuns } from '../runs/runs.store';
import { parsePaths } from './paths';
import { ProbabilityBars } from './ProbabilityBars';

export function PredictView() {
  const runs = useRuns((s) => s.runs);
  const runsError = useRuns((s) => s.error);
  const [runId, setRunId] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<PredictResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    void loadRuns();
  }, []);
  const done = (runs ?? []).filter((r) => r.status === 'completed');
  const chosen = runId || done[0]?.id || '';
  const failed = (e: unknown) => {
    if (isCancelledError('runs.predict', e)) toast('Prediction cancelled');
    else setError(errorMessage(e));
  };
  const cancel = async () => {
    try {
      await getApi()['jobs.cancel']({ name: 'runs.predict' });
    } catch (e) {
      toast(`Could not cancel: ${errorMessage(e)}`, 'error');
    }
  };

  const predict = async (paths: string[]) => {
    if (!chosen || paths.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      setResults(await getApi()['runs.predict']({ runId: chosen, paths }));
    } catch (e) {
      failed(e);
    }
    setBusy(false);
  };
  // Dropped or chosen files travel as bytes: a browser has no paths, and the host may be another machine.
  const predictFiles = async (list: FileList | null) => {
    const files = list ? Array.from(list) : [];
    if (!chosen || files.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const payload = await Promise.all(files.map(async (f) => ({ name: f.name, base64: await toBase64(f) })));
      setResults(await getApi()['runs.predictUpload']({ runId: chosen, files: payload }));
    } catch (e) {
      failed(e);
    }
    setBusy(false);
  };
  const pick = async () => {
    try {
      const files = await getApi()['dialog.pickFiles']({});
      if (files.length) {
        setText(files.join('\n'));
        await predict(files);
      }
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="view" data-testid="view-predict">
      <div className="view-head">
        <div>
          <h1>Predict</h1>
          <div className="sub">Classify images that are not in the library with a trained model.</div>
        </div>
      </div>
      {runsError && !runs ? (
        <div className="card">
          <ErrorState title="Runs unavailable" error={runsError} />
        </div>
      ) : !runs ? (
        <Loading />
      ) : done.length === 0 ? (
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
      ) : (
        <>
          <div className="card stack">
            <div className="field">
              <label className="label" htmlFor="predict-run">
                Model
              </label>
              <select id="predict-run" className="select" value={chosen} onChange={(e) => setRunId(e.target.value)} data-testid="predict-run">
                {done.map((r) => (
                  <option key={r.id} value={r.id}>
                    {modelLabel(r.model)} · {r.id} · test {pct(r.testAccuracy)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="label" htmlFor="predict-paths">
                Image files
              </label>
              <textarea
                id="predict-paths"
                className="textarea"
                rows={4}
                placeholder="/path/to/grain1.jpg&#10;/path/to/grain2.jpg"
                value={text}
                onChange={(e) => setText(e.target.value)}
                data-testid="predict-paths"
              />
              <span className="help">One path per line. The files are read, never changed or added to the library.</span>
            </div>
            <label
              className={`dropzone${dragging ? ' over' : ''}`}
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={(e) => {
                e.preventDefault();
                setDragging(false);
                void predictFiles(e.dataTransfer.files);
              }}
              data-testid="predict-drop"
            >
              <input
                type="file"
                accept="image/*"
                multiple
                hidden
                onChange={(e) => {
                  void predictFiles(e.currentTarget.files);
                  e.currentTarget.value = '';
                }}
                data-testid="predict-upload"
              />
              Drop image files here, or click to choose them
            </label>
            <div className="row">
              <button className="btn primary" disabled={busy || !parsePaths(text).length} onClick={() => void predict(parsePaths(text))} data-testid="predict-go">
                {busy ? 'Predicting…' : 'Predict'}
              </button>
              {busy && (
                <button className="btn" onClick={() => void cancel()} data-testid="predict-cancel">
                  Cancel
                </button>
              )}
              {hostKind() === 'electron' && (
                <button className="btn" disabled={busy} onClick={() => void pick()}>
                  Choose files…
                </button>
              )}
            </div>
            {error && <Banner kind="error" title="Prediction failed">{error}</Banner>}
          </div>
          {results && (
            <div className="grid-3" style={{ marginTop: 16 }} data-testid="predict-results">
              {results.map((r, i) => (
                <div className="card" key={`${i}:${r.path}`} data-testid="predict-result">
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
              ))}
            </div>
          )}
        </>
      )}
    </div>
  );
}

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
