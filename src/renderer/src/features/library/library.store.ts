// Library: opening a library folder, importing (progress from 'import.progress'), the last report, the
// import history, and class edits. The class list itself lives in the app store's LibraryInfo.
import { create } from 'zustand';
import type { Progress } from '../../../../shared/contract';
import type { ImportReport, ImportSummary } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { refreshLibrary, toast, useApp } from '../../app/app.store';
import { errorMessage } from '../../app/format';
import { invalidate } from '../browse/browse.store';

interface LibraryState {
  importing: boolean;
  progress: Progress | null;
  report: ImportReport | null;
  importError: string | null;
  imports: ImportSummary[] | null;
  importsError: string | null;
  openError: string | null;
}

export const useLibrary = create<LibraryState>(() => ({
  importing: false,
  progress: null,
  report: null,
  importError: null,
  imports: null,
  importsError: null,
  openError: null,
}));

export function onImportProgress(p: Progress): void {
  useLibrary.setState({ progress: { done: p.done, total: p.total, current: p.current } });
}

async function runImport(call: () => Promise<ImportReport>): Promise<void> {
  if (useLibrary.getState().importing) return;
  useLibrary.setState({ importing: true, progress: { done: 0, total: 0 }, importError: null, report: null });
  try {
    const report = await call();
    useLibrary.setState({ report, importing: false });
    const outcome = importOutcome(report);
    toast(outcome.text, outcome.kind);
  } catch (e) {
    useLibrary.setState({ importError: errorMessage(e), importing: false });
  }
  invalidate();
  await Promise.all([refreshLibrary(), loadImports()]);
}

/**
 * What an import amounted to, for the toast and the report card: a re-import that added nothing says so
 * plainly (an info note, not a success), with how many of its images the library already had.
 */
export function importOutcome(report: ImportReport): { text: string; kind: 'ok' | 'info' } {
  const n = (v: number, one: string, many: string) => `${v.toLocaleString('en-US')} ${v === 1 ? one : many}`;
  if (report.imported > 0) return { text: `Imported ${n(report.imported, 'image', 'images')}${report.unlabeled ? ' without labels' : ''}`, kind: 'ok' };
  const parts = [`${report.alreadyPresent.toLocaleString('en-US')} already in the library`];
  if (report.skipped.length) parts.push(`${n(report.skipped.length, 'file', 'files')} skipped`);
  return { text: `Nothing new: ${parts.join(', ')}`, kind: 'info' };
}

/** `unlabeled`: every image below the folder joins without a class (#14); sub-folders are not classes then. */
export function importFolder(folder: string, unlabeled = false): Promise<void> {
  const f = folder.trim();
  if (!f) {
    useLibrary.setState({ importError: unlabeled ? 'Type the path of a folder of images.' : 'Type the path of a folder that holds one sub-folder per class.' });
    return Promise.resolve();
  }
  return runImport(() => (unlabeled ? getApi()['import.unlabeled']({ folder: f }) : getApi()['import.folder']({ folder: f })));
}

export function importDemo(): Promise<void> {
  return runImport(() => getApi()['import.demo']({}));
}

/** Electron only: the native folder picker; on the web the path is typed. */
export async function pickAndImport(unlabeled = false): Promise<void> {
  try {
    const folder = await getApi()['dialog.pickFolder']({});
    if (folder) await importFolder(folder, unlabeled);
  } catch (e) {
    toast(errorMessage(e), 'error');
  }
}

export async function loadImports(): Promise<void> {
  try {
    const imports = await getApi()['import.list']({});
    useLibrary.setState({ imports, importsError: null });
  } catch (e) {
    useLibrary.setState({ importsError: errorMessage(e) });
  }
}

export async function showImportReport(importId: number): Promise<void> {
  try {
    const report = await getApi()['import.report']({ importId });
    useLibrary.setState({ report, importError: null });
  } catch (e) {
    toast(`Could not load that report: ${errorMessage(e)}`, 'error');
  }
}

/** Opens an existing library; `create` (the user pressed "Create library here") makes one in that folder. */
export async function openLibrary(path: string, create = false): Promise<void> {
  try {
    const library = await getApi()[create ? 'library.create' : 'library.open']({ path: path.trim() });
    useApp.setState({ library, libraryError: null });
    useLibrary.setState({ openError: null, report: null, imports: null });
    invalidate();
    void loadImports();
    toast(`${create ? 'Created' : 'Opened'} ${library.path}`, 'ok');
  } catch (e) {
    useLibrary.setState({ openError: errorMessage(e) });
  }
}

async function classEdit(what: string, call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    await refreshLibrary();
    invalidate();
    toast(what, 'ok');
    return true;
  } catch (e) {
    toast(errorMessage(e), 'error');
    return false;
  }
}

export const addClass = (name: string) => classEdit(`Added class ${name}`, () => getApi()['classes.add']({ name }));
export const renameClass = (classId: number, name: string) =>
  classEdit(`Renamed to ${name}`, () => getApi()['classes.rename']({ classId, name }));
export const mergeClasses = (fromId: number, intoId: number) =>
  classEdit('Classes merged', () => getApi()['classes.merge']({ fromId, intoId }));
