// Export intents, one function each: type or pick a destination, export the dataset (with progress from
// 'export.progress'), export a run's model as .onnx. Each ends with where the files are, or why not.
import type { Progress } from '../../../../shared/contract';
import { getApi } from '../../app/api';
import { toast } from '../../app/app.store';
import { errorMessage, int } from '../../app/format';
import { chosenRunId, finishedRuns } from '../predict/predict.store';
import { useRuns } from '../runs/runs.store';
import { csvBeside, useExport } from './export.store';

export function setExportFolder(folder: string): void {
  useExport.setState({ folder });
}

export function setWithCsv(withCsv: boolean): void {
  useExport.setState({ withCsv });
}

export function setExportMode(mode: 'copy' | 'link'): void {
  useExport.setState({ mode });
}

export function pickOnnxRun(onnxRun: string): void {
  useExport.setState({ onnxRun });
}

export function setOnnxFile(onnxFile: string): void {
  useExport.setState({ onnxFile });
}

/** The host's progress events while a dataset export runs (subscribed once in app/events.ts). */
export function onExportProgress(p: Progress): void {
  if (useExport.getState().datasetBusy) useExport.setState({ progress: p });
}

export async function exportDataset(): Promise<void> {
  const { folder, withCsv, mode, datasetBusy } = useExport.getState();
  const outDir = folder.trim();
  if (!outDir || datasetBusy) return;
  useExport.setState({ datasetBusy: true, progress: null, dataset: null, datasetError: null });
  try {
    const r = await getApi()['export.folder']({ outDir, mode, ...(withCsv ? { csv: csvBeside(outDir) } : {}) });
    useExport.setState({ dataset: r });
    toast(`Exported ${int(r.images)} image${r.images === 1 ? '' : 's'}`, 'ok');
  } catch (e) {
    useExport.setState({ datasetError: errorMessage(e) });
  }
  useExport.setState({ datasetBusy: false, progress: null });
}

/** The run an ONNX export uses: the one picked, else the newest finished one. */
export function onnxRunId(): string {
  return chosenRunId(useExport.getState().onnxRun, finishedRuns(useRuns.getState().runs ?? []));
}

export async function exportOnnx(): Promise<void> {
  const { onnxFile, onnxBusy } = useExport.getState();
  const runId = onnxRunId();
  const outFile = onnxFile.trim();
  if (!runId || !outFile || onnxBusy) return;
  useExport.setState({ onnxBusy: true, onnx: null, onnxError: null });
  try {
    const r = await getApi()['export.onnx']({ runId, outFile });
    useExport.setState({ onnx: r });
    toast(`Model of run ${runId} exported`, 'ok');
  } catch (e) {
    useExport.setState({ onnxError: errorMessage(e) });
  }
  useExport.setState({ onnxBusy: false });
}

/** The desktop app's folder picker, for either destination (for ONNX, the host names the file paddy-<run>.onnx). */
export async function pickExportFolder(target: 'dataset' | 'onnx'): Promise<void> {
  try {
    const dir = await getApi()['dialog.pickFolder']({});
    if (!dir) return;
    // The dataset goes into a new folder inside the one picked (an export needs a new or empty folder).
    if (target === 'dataset') setExportFolder(`${dir.replace(/[\\/]+$/, '')}${dir.includes('\\') && !dir.includes('/') ? '\\' : '/'}paddy-dataset`);
    else setOnnxFile(dir);
  } catch (e) {
    toast(`Could not open the folder picker: ${errorMessage(e)}`, 'error');
  }
}
