// Export: the corrected dataset (a folder per class, optionally a CSV beside it) and a run's model as .onnx.
// Destinations are paths on the machine that runs Paddy (the host writes them), typed or picked in Electron.
import { create } from 'zustand';
import type { Progress, RequestResult } from '../../../../shared/contract';
import type { OnnxExportResult } from '../../../../shared/types';

export type DatasetExport = RequestResult<'export.folder'>;

export interface ExportState {
  /** The dataset's destination folder (new or empty). */
  folder: string;
  /** Also write a CSV (path, sha256, label, split) next to the folder. */
  withCsv: boolean;
  mode: 'copy' | 'link';
  datasetBusy: boolean;
  progress: Progress | null;
  dataset: DatasetExport | null;
  datasetError: string | null;

  /** The run picked for ONNX export; '' until the user picks one (then the newest finished run is used). */
  onnxRun: string;
  /** The .onnx file (or a folder, which gets paddy-<run>.onnx). */
  onnxFile: string;
  onnxBusy: boolean;
  onnx: OnnxExportResult | null;
  onnxError: string | null;
}

export const initialExportState: ExportState = {
  folder: '',
  withCsv: true,
  mode: 'copy',
  datasetBusy: false,
  progress: null,
  dataset: null,
  datasetError: null,
  onnxRun: '',
  onnxFile: '',
  onnxBusy: false,
  onnx: null,
  onnxError: null,
};

export const useExport = create<ExportState>(() => ({ ...initialExportState }));

/** The CSV written beside a dataset folder: `<folder>.csv` (inside, it would look like one more class). */
export function csvBeside(folder: string): string {
  return `${folder.trim().replace(/[\\/]+$/, '')}.csv`;
}
