// Export card (Library view): the corrected dataset as a folder per class (+ CSV), with a progress bar, and a
// finished run's model as one .onnx file; each ends by saying where the files are. Paths are on the host.
import { useEffect } from 'react';
import { hostKind } from '../../api';
import { bytes, int, pct } from '../../app/format';
import { PathInput } from '../../ui/PathInput';
import { Banner, ProgressBar } from '../../ui/states';
import { modelLabel } from '../runs/compare';
import { useFinishedRuns } from '../predict/predict.store';
import { loadRuns } from '../runs/runs.store';
import {
  exportDataset,
  exportOnnx,
  pickExportFolder,
  pickOnnxRun,
  setExportFolder,
  setExportMode,
  setOnnxFile,
  setWithCsv,
} from './export.actions';
import { csvBeside, useExport } from './export.store';
import { ShowInFolderButton } from '../browse/ShowInFolder'; // Show in folder (#11, desktop shell only)

export function ExportCard() {
  useEffect(() => {
    void loadRuns();
  }, []);
  return (
    <div className="card" data-testid="export-card">
      <div className="card-head">
        <h3>Export</h3>
        <span className="muted small">
          {hostKind() === 'web'
            ? 'Paths are on the computer running Paddy (the host writes the files there), not on this browser’s machine'
            : 'Source images are only read; the export is written where you say'}
        </span>
      </div>
      <div className="grid-2" style={{ alignItems: 'start' }}>
        <DatasetExport />
        <OnnxExport />
      </div>
    </div>
  );
}

function DatasetExport() {
  const folder = useExport((s) => s.folder);
  const withCsv = useExport((s) => s.withCsv);
  const mode = useExport((s) => s.mode);
  const busy = useExport((s) => s.datasetBusy);
  const progress = useExport((s) => s.progress);
  const result = useExport((s) => s.dataset);
  const error = useExport((s) => s.datasetError);
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void exportDataset();
      }}
    >
      <div className="field">
        <label className="label" htmlFor="export-folder">
          Corrected dataset · a folder per class
        </label>
        <div className="row">
          <PathInput
            id="export-folder"
            placeholder="/path/to/new-folder"
            value={folder}
            onChange={setExportFolder}
            disabled={busy}
            onPick={() => void pickExportFolder('dataset')}
            testId="export-folder"
          />
        </div>
        <span className="help">A new or empty folder. Current labels; images whose source is missing or changed are listed, not exported.</span>
      </div>
      <div className="row wrap">
        <label className="check small">
          <input type="checkbox" checked={withCsv} onChange={(e) => setWithCsv(e.target.checked)} disabled={busy} data-testid="export-csv" />
          CSV beside it{folder.trim() ? <span className="mono xs faint">{csvBeside(folder).split(/[\\/]/).pop()}</span> : null}
        </label>
        <label className="check small" title="Hard links take no extra space; they fall back to copies across drives">
          <input type="checkbox" checked={mode === 'link'} onChange={(e) => setExportMode(e.target.checked ? 'link' : 'copy')} disabled={busy} />
          Hard links instead of copies
        </label>
        <div className="spacer" />
        <button className="btn primary" type="submit" disabled={busy || !folder.trim()} data-testid="export-dataset">
          {busy ? 'Exporting…' : 'Export dataset'}
        </button>
      </div>
      {busy && (
        <ProgressBar done={progress?.done ?? 0} total={progress?.total ?? 0} label={progress?.current ? `Writing ${progress.current}` : 'Starting…'} testId="export-progress" />
      )}
      {result && (
        <Banner kind={result.missing.length ? 'info' : 'ok'} title={`Exported ${int(result.images)} image${result.images === 1 ? '' : 's'}`} testId="export-done">
          <div className="mono xs" style={{ wordBreak: 'break-all' }} data-testid="export-location">
            {result.outDir}
          </div>
          <ShowInFolderButton target={{ lastExport: 'dataset' }} testId="export-show-in-folder" /> {/* #11 */}
          {result.csv && (
            <div className="mono xs" style={{ wordBreak: 'break-all' }} data-testid="export-csv-location">
              {result.csv}
            </div>
          )}
          {result.missing.length > 0 && (
            <div className="xs" style={{ marginTop: 4 }}>
              {int(result.missing.length)} not exported (source missing or changed), e.g. {result.missing[0]!.path}: {result.missing[0]!.reason}
            </div>
          )}
        </Banner>
      )}
      {error && (
        <Banner kind="error" title="The export did not finish" testId="export-error">
          {error}
        </Banner>
      )}
    </form>
  );
}

function OnnxExport() {
  const finished = useFinishedRuns();
  const picked = useExport((s) => s.onnxRun);
  const file = useExport((s) => s.onnxFile);
  const busy = useExport((s) => s.onnxBusy);
  const result = useExport((s) => s.onnx);
  const error = useExport((s) => s.onnxError);
  const runId = picked || finished?.[0]?.id || '';
  if (finished && finished.length === 0) {
    return (
      <div className="stack">
        <span className="label small">Model · ONNX</span>
        <span className="muted small">Train a model first: a finished run can be exported as one .onnx file.</span>
      </div>
    );
  }
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void exportOnnx();
      }}
    >
      <div className="field">
        <label className="label" htmlFor="export-onnx-run">
          Model · ONNX
        </label>
        <select id="export-onnx-run" className="select" value={runId} onChange={(e) => pickOnnxRun(e.target.value)} disabled={busy} data-testid="export-onnx-run">
          {(finished ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {modelLabel(r.model)} · {r.id} · test {pct(r.testAccuracy)}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <PathInput
          placeholder="/path/to/model.onnx (or a folder)"
          value={file}
          onChange={setOnnxFile}
          disabled={busy}
          onPick={() => void pickExportFolder('onnx')}
          ariaLabel="ONNX file"
          testId="export-onnx-file"
        />
        <button className="btn primary" type="submit" disabled={busy || !file.trim() || !runId} data-testid="export-onnx">
          {busy ? 'Exporting…' : 'Export model'}
        </button>
      </div>
      <span className="muted xs">Raw RGB 0–255 in, class probabilities out; the class names are in the file’s metadata.</span>
      {busy && <ProgressBar done={0} total={0} label="Converting and test-loading the model…" testId="export-onnx-progress" />}
      {result && (
        <Banner kind="ok" title={`Model written (${bytes(result.bytes)}, ${result.classes.length} classes)`} testId="export-onnx-done">
          <div className="mono xs" style={{ wordBreak: 'break-all' }} data-testid="export-onnx-location">
            {result.file}
          </div>
          <ShowInFolderButton target={{ lastExport: 'onnx' }} testId="export-onnx-show-in-folder" /> {/* #11 */}
          <div className="xs">
            input “{result.input.name}” [{result.input.shape.join(', ')}] · output “{result.output.name}” · {result.classes.join(', ')}
          </div>
          {result.views > 1 && (
            <div className="xs" data-testid="export-onnx-views">
              This run averages each image’s {result.views} flips and quarter turns; the file scores one image as given — average the {result.views} views to score as Paddy does.
            </div>
          )}
          {result.shapeInput && (
            <div className="xs" data-testid="export-onnx-shape">
              A second input “{result.shapeInput.name}” [{result.shapeInput.shape.join(', ')}] takes {result.shapeInput.note}.
            </div>
          )}
        </Banner>
      )}
      {error && (
        <Banner kind="error" title="The model was not exported" testId="export-onnx-error">
          {error}
        </Banner>
      )}
    </form>
  );
}
