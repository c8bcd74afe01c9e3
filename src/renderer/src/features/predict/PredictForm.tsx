// The Predict form: which model, which files (typed paths, dropped or chosen files), and the buttons.
import { useState } from 'react';
import type { RunSummary } from '../../../../shared/types';
import { hostKind } from '../../api';
import { pct } from '../../app/format';
import { Banner } from '../../ui/states';
import { modelLabel } from '../runs/compare';
import { parsePaths } from './paths';
import { UnsureField } from './UnsureAnswer';
import {
  cancelPrediction,
  pickAndPredict,
  pickRun,
  predictFiles,
  predictPaths,
  setPathsText,
  useChosenRunId,
  usePredict,
} from './predict.store';

export function PredictForm({ runs }: { runs: RunSummary[] }) {
  const error = usePredict((s) => s.error);
  return (
    <div className="card stack">
      <ModelSelect runs={runs} />
      <PathsField />
      <DropZone />
      <UnsureField />
      <PredictButtons />
      {error && <Banner kind="error" title="Prediction failed">{error}</Banner>}
    </div>
  );
}

function ModelSelect({ runs }: { runs: RunSummary[] }) {
  const chosen = useChosenRunId();
  return (
    <div className="field">
      <label className="label" htmlFor="predict-run">
        Model
      </label>
      <select id="predict-run" className="select" value={chosen} onChange={(e) => pickRun(e.target.value)} data-testid="predict-run">
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {modelLabel(r.model)} · {r.id} · test {pct(r.testAccuracy)}
          </option>
        ))}
      </select>
    </div>
  );
}

function PathsField() {
  const text = usePredict((s) => s.text);
  return (
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
        onChange={(e) => setPathsText(e.target.value)}
        data-testid="predict-paths"
      />
      <span className="help">One path per line. The files are read, never changed or added to the library.</span>
    </div>
  );
}

function DropZone() {
  const [dragging, setDragging] = useState(false);
  return (
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
        void predictFiles(Array.from(e.dataTransfer.files));
      }}
      data-testid="predict-drop"
    >
      <input
        type="file"
        accept="image/*"
        multiple
        hidden
        onChange={(e) => {
          void predictFiles(Array.from(e.currentTarget.files ?? []));
          e.currentTarget.value = '';
        }}
        data-testid="predict-upload"
      />
      Drop image files here, or click to choose them
    </label>
  );
}

function PredictButtons() {
  const busy = usePredict((s) => s.busy);
  const hasPaths = usePredict((s) => parsePaths(s.text).length > 0);
  return (
    <div className="row">
      <button className="btn primary" disabled={busy || !hasPaths} onClick={() => void predictPaths(parsePaths(usePredict.getState().text))} data-testid="predict-go">
        {busy ? 'Predicting…' : 'Predict'}
      </button>
      {busy && (
        <button className="btn" onClick={() => void cancelPrediction()} data-testid="predict-cancel">
          Cancel
        </button>
      )}
      {hostKind() === 'electron' && (
        <button className="btn" disabled={busy} onClick={() => void pickAndPredict()}>
          Choose files…
        </button>
      )}
    </div>
  );
}
