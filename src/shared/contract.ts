// The one contract between renderer, preload, main, web host, CLI and training worker.
// Every request has an input schema (validated on the receiving side, always) and a result type.
// Channel names are derived here and nowhere else: IPC uses `channelOf(name)`, the web host `apiPath(name)`.
import { z } from 'zod';
import type {
  LibraryPredictionResult,
  // unlabeled images and pre-labels (#14)
  AcceptPreview,
  AcceptResult,
  LearningCurvePoint,
  PrelabelResult,
  ReviewQueue,
  CompareResult,
  ImageDetail,
  ImagePage,
  ImportReport,
  ImportSummary,
  LabelChangeResult,
  LibraryInfo,
  OnnxExportResult,
  PredictResult,
  RelinkResult,
  RunDetail,
  RunSummary,
  SavedSettings,
  Settings,
  SkippedFile,
  SourceCheckResult,
  Stats,
  SuspectScan,
  Suspect,
  SuspectsStatus,
  SuspectUndoResult,
  SystemInfo,
  TestMetrics,
  UndoResult,
  TrainConfig,
  EpochMetrics,
  BackendName,
  // calibration (#13)
  RunCalibration,
} from './types';
// Grad-CAM (#13, saliency)
import type { ExplainResult } from './types';
// Embedding map + similar images (#13)
import type { EmbeddingMap, MapPointsResult, SimilarResult } from './types';
import type { SimilarIndexInfo } from './types'; // similar-images index job (#13)

import { backendChoice, id, imageFilterSchema, mapSource, origin, path, runId, split, trainConfigSchema } from './schemas';

export { imageFilterSchema, trainConfigSchema };

/**
 * The heavy requests that run as jobs in a worker process (src/main/workers/jobs.ts) and can be cancelled with
 * `jobs.cancel`. A cancelled request rejects with `cancelledMessage(name)` in every host, so the renderer and
 * the CLI can tell a cancellation from a failure by its message (errors cross IPC and HTTP as strings).
 */
export const JOB_REQUESTS = ['suspects.scan', 'runs.evaluate', 'runs.predict', 'runs.predictAll', 'runs.prelabel', 'runs.explain', /* embedding map + similar (#13) */ 'map.compute', 'similar.files', /* similar-images index (#13) */ 'similar.index', /* calibration (#13) */ 'runs.calibration'] as const;
export type JobRequestName = (typeof JOB_REQUESTS)[number];
export const cancelledMessage = (name: JobRequestName): string => `${name} was cancelled`;
export function isCancelledError(name: JobRequestName, e: unknown): boolean {
  return (e instanceof Error ? e.message : String(e)) === cancelledMessage(name);
}

/** Declares a request: its input schema and (as a phantom type) its result. */
function req<I extends z.ZodType, R>(input: I): { input: I; result: R } {
  return { input, result: undefined as R };
}
const none = z.object({}).strict();

export const requests = {
  'system.info': req<typeof none, SystemInfo>(none),
  'settings.get': req<typeof none, Settings>(none),
  'settings.set': req<z.ZodType<Partial<Settings>>, SavedSettings>(
    z.object({ backend: backendChoice.optional(), weightsDir: path.nullable().optional() }).strict(),
  ),

  'library.info': req<typeof none, LibraryInfo>(none),
  /** Open an existing library folder (never creates one); the host switches every service to it. */
  'library.open': req<z.ZodType<{ path: string }>, LibraryInfo>(z.object({ path }).strict()),
  /** Create a library in a folder (or open the one already there), then switch to it like library.open. */
  'library.create': req<z.ZodType<{ path: string }>, LibraryInfo>(z.object({ path }).strict()),
  'library.stats': req<typeof none, Stats>(none),

  'import.folder': req<z.ZodType<{ folder: string }>, ImportReport>(z.object({ folder: path }).strict()),
  'import.demo': req<typeof none, ImportReport>(none),
  'import.list': req<typeof none, ImportSummary[]>(none),
  'import.report': req<z.ZodType<{ importId: number }>, ImportReport>(z.object({ importId: id }).strict()),

  'classes.add': req<z.ZodType<{ name: string }>, LibraryInfo>(z.object({ name: z.string().trim().min(1).max(100) }).strict()),
  'classes.rename': req<z.ZodType<{ classId: number; name: string }>, LibraryInfo>(
    z.object({ classId: id, name: z.string().trim().min(1).max(100) }).strict(),
  ),
  'classes.merge': req<z.ZodType<{ fromId: number; intoId: number }>, LibraryInfo>(
    z.object({ fromId: id, intoId: id }).strict(),
  ),

  'images.query': req<
    z.ZodType<{ filter: z.infer<typeof imageFilterSchema>; sort: 'name' | 'date' | 'confidence' | 'loss'; desc: boolean; offset: number; limit: number }>,
    ImagePage
  >(
    z
      .object({
        filter: imageFilterSchema,
        sort: z.enum(['name', 'date', 'confidence', 'loss']),
        desc: z.boolean(),
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(5000),
      })
      .strict(),
  ),
  /** Every image id matching a filter, in sort order ("select all in filter"). */
  'images.ids': req<z.ZodType<{ filter: z.infer<typeof imageFilterSchema> }>, number[]>(
    z.object({ filter: imageFilterSchema }).strict(),
  ),
  'images.detail': req<z.ZodType<{ imageId: number }>, ImageDetail>(z.object({ imageId: id }).strict()),

  'labels.set': req<z.ZodType<{ imageIds: number[]; classId: number; origin?: 'manual' | 'suggestion' }>, LabelChangeResult>(
    z
      .object({ imageIds: z.array(id).min(1).max(100_000), classId: id, origin: z.enum(['manual', 'suggestion']).optional() })
      .strict(),
  ),
  'labels.undo': req<typeof none, UndoResult>(none),
  'labels.redo': req<typeof none, UndoResult>(none),

  'export.folder': req<
    z.ZodType<{ outDir: string; csv?: string; mode?: 'copy' | 'link' }>,
    { images: number; outDir: string; csv: string | null; missing: SkippedFile[] }
  >(z.object({ outDir: path, csv: path.optional(), mode: z.enum(['copy', 'link']).optional() }).strict()),
  /** A completed run's model as one .onnx file (a folder gets paddy-<run>.onnx); an existing file is refused. */
  'export.onnx': req<z.ZodType<{ runId: string; outFile: string }>, OnnxExportResult>(z.object({ runId, outFile: path }).strict()),

  /** Checks every image's source file (progress: 'sources.progress'); missing/changed ones are recorded as such. */
  'sources.check': req<typeof none, SourceCheckResult>(none),
  /** A moved folder: images under `from` whose file under `to` has their bytes take the new path. */
  'sources.relink': req<z.ZodType<{ from: string; to: string }>, RelinkResult>(z.object({ from: path, to: path }).strict()),
  /** Deletes every image whose source was found missing or changed, with its labels, split and run rows. */
  'sources.removeMissing': req<typeof none, { removed: number }>(none),

  'train.start': req<z.ZodType<{ config: Partial<TrainConfig> & { model: 'cnn' | 'mobilenetv2' } }>, { runId: string }>(
    z.object({ config: z.object({ model: z.enum(['cnn', 'mobilenetv2']) }).passthrough() }).strict(),
  ),
  'train.cancel': req<z.ZodType<{ runId: string }>, { cancelled: boolean }>(z.object({ runId }).strict()),
  'train.defaults': req<z.ZodType<{ model: 'cnn' | 'mobilenetv2' }>, TrainConfig>(
    z.object({ model: z.enum(['cnn', 'mobilenetv2']) }).strict(),
  ),

  'runs.list': req<typeof none, RunSummary[]>(none),
  'runs.get': req<z.ZodType<{ runId: string }>, RunDetail>(z.object({ runId }).strict()),
  'runs.delete': req<z.ZodType<{ runId: string }>, { deleted: boolean }>(z.object({ runId }).strict()),
  /** A run's name and note (trimmed; empty clears it; a field left out stays). */
  'runs.update': req<z.ZodType<{ runId: string; name?: string; note?: string }>, RunSummary>(
    z.object({ runId, name: z.string().max(200).optional(), note: z.string().max(4000).optional() }).strict(),
  ),
  /** Marks the default model Predict and Browse start from (null: unmark); answers the run now used by default. */
  'runs.setDefault': req<z.ZodType<{ runId: string | null }>, RunSummary | null>(z.object({ runId: runId.nullable() }).strict()),
  'runs.compare': req<z.ZodType<{ a: string; b: string }>, CompareResult>(z.object({ a: runId, b: runId }).strict()),
  'runs.evaluate': req<z.ZodType<{ runId: string; folder?: string }>, TestMetrics>(
    z.object({ runId, folder: path.optional() }).strict(),
  ),
  /** Every readable image of the library gets the run's prediction, stored with its split (progress: runs.predictProgress). */
  'runs.predictAll': req<z.ZodType<{ runId: string }>, LibraryPredictionResult>(z.object({ runId }).strict()),
  'runs.predict': req<z.ZodType<{ runId: string; paths: string[] }>, PredictResult[]>(
    z.object({ runId, paths: z.array(path).min(1).max(1000) }).strict(),
  ),
  /** Files the user dropped or chose in the page (their bytes, base64): the browser studio has no paths. */
  // ---- Grad-CAM (#13, saliency) ----
  /**
   * Grad-CAM heat maps of a completed run for library images, files and/or uploaded bytes, for each image's
   * predicted class or the class picked (by id or name). A job; cached per (run, image, class) in
   * <library>/cache/heatmaps/ (progress: runs.explainProgress).
   */
  'runs.explain': req<
    z.ZodType<{
      runId: string;
      imageIds?: number[];
      paths?: string[];
      uploads?: Array<{ name: string; base64: string }>;
      classId?: number;
      className?: string;
    }>,
    ExplainResult[]
  >(
    z
      .object({
        runId,
        imageIds: z.array(id).max(1000).optional(),
        paths: z.array(path).max(1000).optional(),
        uploads: z.array(z.object({ name: z.string().min(1).max(255), base64: z.string().min(1).max(8_000_000) }).strict()).max(100).optional(),
        classId: id.optional(),
        className: z.string().min(1).max(100).optional(),
      })
      .strict()
      .refine((v) => (v.imageIds?.length ?? 0) + (v.paths?.length ?? 0) + (v.uploads?.length ?? 0) > 0, 'give imageIds, paths or uploads'),
  ),
  'runs.predictUpload': req<z.ZodType<{ runId: string; files: Array<{ name: string; base64: string }> }>, PredictResult[]>(
    z
      .object({
        runId,
        files: z
          .array(z.object({ name: z.string().min(1).max(255), base64: z.string().min(1).max(8_000_000) }).strict())
          .min(1)
          .max(100),
      })
      .strict(),
  ),

  'suspects.scan': req<z.ZodType<{ folds?: number; top?: number; alpha?: 1 | 0.35; weightsDir?: string }>, SuspectScan>(
    z
      .object({
        folds: z.number().int().min(2).max(20).optional(),
        top: z.number().int().min(1).max(100_000).optional(),
        /** MobileNetV2 width whose cached features the scan uses (default 1). */
        alpha: z.union([z.literal(1), z.literal(0.35)]).optional(),
        weightsDir: path.optional(),
      })
      .strict(),
  ),
  'suspects.list': req<typeof none, Suspect[]>(none),
  'suspects.decide': req<
    z.ZodType<{ imageId: number; decision: 'accept' | 'keep' | 'relabel'; classId?: number }>,
    LabelChangeResult
  >(z.object({ imageId: id, decision: z.enum(['accept', 'keep', 'relabel']), classId: id.optional() }).strict()),

  /** Whether a scan exists yet ("not scanned yet" differs from "nothing left to review"), open and decided counts. */
  'suspects.status': req<typeof none, SuspectsStatus>(none),
  /** Takes back the latest review decision (a batch accept as a whole): its images return to the queue. */
  'suspects.undo': req<typeof none, SuspectUndoResult>(none),
  /** Accepts the suggestion of several suspects that share one suggested class, as one undoable label change. */
  'suspects.acceptBatch': req<z.ZodType<{ imageIds: number[] }>, LabelChangeResult>(
    z.object({ imageIds: z.array(id).min(1).max(100_000) }).strict(),
  ),

  /** Cancels the running jobs of one kind (the UI's Cancel buttons, the CLI's Ctrl-C); `cancelled`: how many. */
  'jobs.cancel': req<z.ZodType<{ name: JobRequestName }>, { cancelled: number }>(z.object({ name: z.enum(JOB_REQUESTS) }).strict()),

  // ---- unlabeled images, pre-labels and the review queue (#14) ----
  /** Imports every image below a folder without a label (sub-folders are not classes); known images keep theirs. */
  'import.unlabeled': req<z.ZodType<{ folder: string }>, ImportReport>(z.object({ folder: path }).strict()),
  /** The run suggests a class for every unlabeled image (a job; progress: runs.prelabelProgress). */
  'runs.prelabel': req<z.ZodType<{ runId: string }>, PrelabelResult>(z.object({ runId }).strict()),
  /** Completed runs' accuracy against the labeled images they used. */
  'runs.learningCurve': req<typeof none, LearningCurvePoint[]>(none),
  /** How many suggestions are at or above a confidence threshold, and the run's validation error rate there. */
  'suggestions.preview': req<z.ZodType<{ threshold: number }>, AcceptPreview>(
    z.object({ threshold: z.number().min(0).max(1) }).strict(),
  ),
  /** Accepts suggestions as labels (origin 'suggestion', one undoable label change): these images, or all ≥ minConfidence. */
  'suggestions.accept': req<z.ZodType<{ imageIds?: number[]; minConfidence?: number }>, AcceptResult>(
    z.object({ imageIds: z.array(id).min(1).max(100_000).optional(), minConfidence: z.number().min(0).max(1).optional() }).strict(),
  ),
  /** The N unlabeled images most worth a human look, least certain first, spread out over the features. */
  'suggestions.next': req<z.ZodType<{ runId?: string; n: number }>, ReviewQueue>(
    z.object({ runId: runId.optional(), n: z.number().int().min(1).max(10_000) }).strict(),
  ),

  // ---- Calibration and per-class curves (#13) ----
  /** Temperature, reliability bins and ECE/NLL/Brier before and after on val and test, the per-class table and PR
   * curves. Stored with the run; an older run's first call scores its val images (then a job). */
  'runs.calibration': req<z.ZodType<{ runId: string }>, RunCalibration>(z.object({ runId }).strict()),

  /** Only in Electron: a native folder / file picker. The web host answers with an error. */
  'dialog.pickFolder': req<typeof none, string | null>(none),
  'dialog.pickFiles': req<typeof none, string[]>(none),

  // ---- Embedding map + similar images (#13) ----
  /** A 2-D UMAP map of every readable image (a job, progress: map.progress), cached per library state and source. */
  'map.compute': req<z.ZodType<{ source?: string; weightsDir?: string }>, EmbeddingMap>(
    z.object({ source: mapSource.optional(), weightsDir: path.optional() }).strict(),
  ),
  /** The cached map of the library as it is now (null when none: compute it). */
  'map.get': req<z.ZodType<{ source?: string }>, EmbeddingMap | null>(z.object({ source: mapSource.optional() }).strict()),
  /** What each image can be coloured by: label, predicted class and correctness (the run asked for, else the default run), split, suspect score. */
  'map.points': req<z.ZodType<{ runId?: string }>, MapPointsResult>(z.object({ runId: runId.optional() }).strict()),
  /** The k library images most like one image (by id: the in-memory index) or a file / upload (extracted in a worker). */
  'similar.query': req<
    z.ZodType<{ imageId?: number; path?: string; upload?: { name: string; base64: string }; k?: number }>,
    SimilarResult
  >(
    z
      .object({
        imageId: id.optional(),
        path: path.optional(),
        upload: z.object({ name: z.string().min(1).max(255), base64: z.string().min(1).max(8_000_000) }).strict().optional(),
        k: z.number().int().min(1).max(200).optional(),
      })
      .strict()
      .refine((v) => [v.imageId, v.path, v.upload].filter((x) => x !== undefined).length === 1, 'give exactly one of imageId, path or upload'),
  ),
  /** The k most similar library images for each file (inside or outside the library): a job (progress: similar.progress). */
  'similar.files': req<
    z.ZodType<{ paths?: string[]; uploads?: Array<{ name: string; base64: string }>; k?: number; weightsDir?: string }>,
    SimilarResult[]
  >(
    z
      .object({
        paths: z.array(path).max(1000).optional(),
        uploads: z.array(z.object({ name: z.string().min(1).max(255), base64: z.string().min(1).max(8_000_000) }).strict()).max(100).optional(),
        k: z.number().int().min(1).max(200).optional(),
        weightsDir: path.optional(),
      })
      .strict(),
  ),
  // ---- Similar images: the index as a job (#13) ----
  /** Builds the similar-images index over the cached features (a job, progress: similar.progress; PCA-reduced above 20,000 rows, kept on disk). */
  'similar.index': req<z.ZodType<{ weightsDir?: string }>, SimilarIndexInfo>(z.object({ weightsDir: path.optional() }).strict()),
} as const;

export type RequestName = keyof typeof requests;
export type RequestInput<K extends RequestName> = z.infer<(typeof requests)[K]['input']>;
export type RequestResult<K extends RequestName> = (typeof requests)[K]['result'];

// ---- events (main → renderer), each keyed by the job they belong to --------------------------------

export interface Progress {
  done: number;
  total: number;
  current?: string;
}

export type TrainEvent =
  | {
      type: 'started'; runId: string; backend: BackendName; config: TrainConfig; totalEpochs: number; batchesPerEpoch: number;
      /** Labeled images left out because their source file is missing or changed. */
      excludedMissing?: number;
    }
  /** Once per run, before the first batch: what runs the steps (the tfjs backend alone does not say; see runs.engine). */
  | { type: 'engine'; runId: string; engine: string }
  | { type: 'phase'; runId: string; phase: string; done: number; total: number }
  | { type: 'batch'; runId: string; epoch: number; batch: number; batches: number; loss: number; accuracy: number; etaSeconds: number | null }
  | { type: 'epoch'; runId: string; metrics: EpochMetrics }
  | { type: 'finished'; runId: string; test: TestMetrics; seconds: Record<string, number> }
  | { type: 'failed'; runId: string; error: string }
  | { type: 'cancelled'; runId: string };

export interface EventMap {
  'import.progress': { importId: number } & Progress;
  'train.event': TrainEvent;
  'suspects.progress': { phase: string } & Progress;
  'library.changed': { reason: string };
  'sources.progress': Progress;
  'runs.predictProgress': { runId: string } & Progress;
  /** The dataset export (export.folder): images handled so far. */
  'export.progress': Progress;
  /** runs.prelabel: unlabeled images predicted so far (#14). */
  'runs.prelabelProgress': { runId: string } & Progress;
  /** runs.explain: images explained so far (#13, saliency). */
  'runs.explainProgress': { runId: string } & Progress;
  /** map.compute / similar.files: phase (features, pca, neighbours, layout) and how far (#13). */
  'map.progress': { phase: string } & Progress;
  'similar.progress': { phase: string } & Progress;
}
export type EventName = keyof EventMap;
export const EVENT_NAMES: readonly EventName[] = ['import.progress', 'train.event', 'suspects.progress', 'library.changed', 'sources.progress', 'export.progress', 'runs.predictProgress', 'runs.prelabelProgress', 'runs.explainProgress', /* #13 map + similar */ 'map.progress', 'similar.progress'];

export type Emit = <K extends EventName>(name: K, payload: EventMap[K]) => void;

// ---- transport names ------------------------------------------------------------------------------

export const REQUEST_NAMES = Object.keys(requests) as RequestName[];
/** Electron IPC channel of a request (ipcMain.handle / ipcRenderer.invoke). */
export const channelOf = (name: RequestName): string => `paddy:req:${name}`;
/** Electron IPC channel of an event (webContents.send / ipcRenderer.on). */
export const eventChannelOf = (name: EventName): string => `paddy:evt:${name}`;
/** Web host: POST `apiPath(name)` with the JSON input; events come over the socket at WS_PATH. */
export const apiPath = (name: RequestName): string => `/api/${name}`;
export const WS_PATH = '/api/events';
/** Custom protocol that serves library files (thumbnails, full images) in Electron. */
export const IMAGE_SCHEME = 'paddy-img';
/** URL of an image's thumbnail or full image; the web host serves the same under /api/img/. */
export const imageUrlPath = (kind: 'thumb' | 'full', imageId: number): string => `${kind}/${imageId}`;
/** Web host: the prefix its image route lives under (`/api/img/thumb/12`; <img> tags add `?token=`). */
export const WEB_IMAGE_PREFIX = '/api/img/';
/** Web host: one message on the event socket at WS_PATH. */
export type EventMessage = { [K in EventName]: { name: K; payload: EventMap[K] } }[EventName];

/** What a handler returns across a process boundary: errors are data, never thrown across IPC. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** Validate a request input; throws a readable error naming the request and the field. */
export function parseInput<K extends RequestName>(name: K, input: unknown): RequestInput<K> {
  const schema = requests[name]?.input as z.ZodType | undefined;
  if (!schema) throw new Error(`unknown request "${String(name)}"`);
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'input';
    throw new Error(`${name}: ${where}: ${issue?.message ?? 'invalid input'}`);
  }
  return parsed.data as RequestInput<K>;
}

// ---- Show in folder (#11): the desktop shell only ----------------------------------------------------
/**
 * What "Show in folder" may reveal: an image's source file (by id, resolved through the library) or what the app's
 * last export of that kind wrote (export.folder's folder, export.onnx's file). Never a path the page names.
 */
export const showInFolderSchema = z.union([z.object({ imageId: id }).strict(), z.object({ lastExport: z.enum(['dataset', 'onnx']) }).strict()]);
export type ShowInFolderInput = z.infer<typeof showInFolderSchema>;
/** Electron IPC channel of showInFolder: not a request, since the web host has no such capability. */
export const SHOW_IN_FOLDER_CHANNEL = 'paddy:shell:showInFolder';
/** The desktop shell's extras, `api.shell` (absent in a browser, so the buttons are hidden there). */
export interface ShellCapability {
  /** Opens the system file manager at the file; resolves to the path it shows. */
  showInFolder(input: ShowInFolderInput): Promise<{ path: string }>;
}
/** The same over the preload: errors stay data across the bridge. */
export interface ShellBridge {
  showInFolder(input: ShowInFolderInput): Promise<Result<{ path: string }>>;
}

/** The API as the renderer sees it, identical under Electron (preload) and in a browser (web host). */
export type PaddyApi = {
  [K in RequestName]: (input: RequestInput<K>) => Promise<RequestResult<K>>;
} & {
  on<K extends EventName>(name: K, listener: (payload: EventMap[K]) => void): () => void;
  imageUrl(kind: 'thumb' | 'full', imageId: number): string;
  /** Only in the desktop shell (#11, Show in folder). */
  shell?: ShellCapability;
};

/** What the Electron preload exposes as `window.paddy`: requests answer with a Result (errors stay data across
 *  the bridge); the renderer's `createIpcApi` turns it into a `PaddyApi`. */
export type PaddyBridge = {
  [K in RequestName]: (input: RequestInput<K>) => Promise<Result<RequestResult<K>>>;
} & Pick<PaddyApi, 'on' | 'imageUrl'> & { /* #11, Show in folder */ shell?: ShellBridge };

export type { TrainConfig, BackendName };
