// Lets corrected labels leave the app: every labeled image written to <out>/<Class>/<file> (hard links when
// possible, else copies) and optionally a CSV of path, sha256, label, split. Source files are only read, and
// only after a check (engine/data/source-check.ts) that they are still regular files holding the imported bytes:
// a missing or changed source is reported, never exported, and so never listed beside a sha it no longer has.
// The work is one generator that yields after each image: `exportLibrary` runs it straight through (CLI,
// tests), `exportLibraryWithProgress` reports every N images and lets the host's event loop run in between,
// so a studio's progress bar (events over IPC or a WebSocket) moves while the files are written.
import fs from 'node:fs';
import path from 'node:path';
import type { SkippedFile } from '../../shared/types';
import type { Library } from '../library';
import { csvRow } from './csv';
import { labeledImagesForExport } from '../repos/images.repo';
import { sourceRows } from '../repos/sources.repo';
import { checkSourceFileSync, recordChecks, type SourceCheck } from '../engine/data/source-check';

export interface ExportOptions {
  csv?: string;
  mode: 'copy' | 'link';
}

/** How many images between two progress reports of a studio export. */
export const EXPORT_PROGRESS_EVERY = 25;

export interface ExportProgress {
  done: number;
  total: number;
  current?: string;
}

export interface ExportResult {
  images: number;
  outDir: string;
  csv: string | null;
  /** Images not exported: source file gone, unreadable, not a regular file, or changed since import. */
  missing: SkippedFile[];
}

/** A CSV cell, quoted and formula-neutralized (csv.ts). */
export { csvCell as csvField } from './csv';

/** A folder name that is safe on every OS for a class name (which may contain anything a user typed). */
export function safeName(name: string): string {
  const cleaned = name.replace(/[/\\:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+$/, '_').trim();
  return cleaned || '_';
}

function place(src: string, dest: string, mode: 'copy' | 'link'): void {
  if (mode === 'link') {
    try {
      fs.linkSync(src, dest);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Across devices, or on a file system without hard links: fall back to a copy.
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw e;
    }
  }
  fs.copyFileSync(src, dest, fs.constants.COPYFILE_EXCL);
}

/** Writes the export, yielding `{done, total}` after each image (done: images handled, exported or not). */
function* exportSteps(lib: Library, outDir: string, opts: ExportOptions): Generator<ExportProgress, ExportResult> {
  const out = path.resolve(outDir);
  if (fs.existsSync(out)) {
    if (!fs.statSync(out).isDirectory()) throw new Error(`export folder ${out} exists and is not a folder`);
    if (fs.readdirSync(out).length) throw new Error(`export folder ${out} is not empty: give a new or empty folder`);
  }
  const csvPath = opts.csv ? path.resolve(opts.csv) : null;
  if (csvPath && fs.existsSync(csvPath)) throw new Error(`CSV file ${csvPath} already exists`);
  fs.mkdirSync(out, { recursive: true });
  const rows = labeledImagesForExport(lib.db);
  const sources = sourceRows(lib.db, rows.map((r) => r.id));
  const sourceOf = new Map(sources.map((r) => [r.id, r]));
  const checks: SourceCheck[] = [];
  const folders = new Map<string, string | null>();
  const used = new Set<string>();
  const lines = ['path,sha256,label,split'];
  const missing: SkippedFile[] = [];
  let images = 0;
  yield { done: 0, total: rows.length };
  // One image: placed under its class folder and listed in the CSV, or reported as missing.
  const exportOne = (r: (typeof rows)[number]): void => {
    const dir = safeName(r.class_name);
    let name = r.file_name;
    if (used.has(`${dir}/${name}`.normalize('NFC').toLowerCase())) {
      const ext = path.extname(name);
      name = `${path.basename(name, ext)}-${r.sha256.slice(0, 8)}${ext}`;
    }
    const rel = `${dir}/${name}`;
    const dest = path.join(out, dir, name);
    const check = checkSourceFileSync(sourceOf.get(r.id)!, folders);
    checks.push(check);
    if (check.state !== 'ok' || !check.real) {
      missing.push({ path: r.source_path, reason: check.reason });
      return;
    }
    try {
      fs.mkdirSync(path.join(out, dir), { recursive: true });
      // The checked real file: a link swapped in at the recorded path since the check is not followed.
      place(check.real, dest, opts.mode);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      missing.push({ path: r.source_path, reason: code === 'ENOENT' ? 'source file no longer exists' : `cannot export: ${code ?? (e as Error).message}` });
      return;
    }
    // Case-insensitive file systems (macOS, Windows) would merge names differing only in case.
    used.add(rel.normalize('NFC').toLowerCase());
    lines.push(csvRow([rel, r.sha256, r.class_name, r.split]));
    images++;
  };
  for (const [i, r] of rows.entries()) {
    exportOne(r);
    yield { done: i + 1, total: rows.length, current: r.file_name };
  }
  recordChecks(lib, rows.map((r) => sourceOf.get(r.id)!), checks);
  if (csvPath) {
    fs.mkdirSync(path.dirname(csvPath), { recursive: true });
    const tmp = `${csvPath}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, `${lines.join('\n')}\n`);
    fs.renameSync(tmp, csvPath);
  }
  return { images, outDir: out, csv: csvPath, missing };
}

export function exportLibrary(lib: Library, outDir: string, opts: ExportOptions): ExportResult {
  const steps = exportSteps(lib, outDir, opts);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same export, reporting progress at the start, every `every` images and at the end, and giving the event
 * loop a turn at each report (so the events leave the host while the copy goes on).
 */
export async function exportLibraryWithProgress(
  lib: Library,
  outDir: string,
  opts: ExportOptions,
  progress: { every?: number; onProgress: (p: ExportProgress) => void },
): Promise<ExportResult> {
  const every = Math.max(1, progress.every ?? EXPORT_PROGRESS_EVERY);
  const steps = exportSteps(lib, outDir, opts);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    const p = step.value;
    if (p.done === 0 || p.done === p.total || p.done % every === 0) {
      progress.onProgress(p);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
