// Lets corrected labels leave the app: every labeled image written to <out>/<Class>/<file> (hard links when
// possible, else copies) and optionally a CSV of path, sha256, label, split. Source files are only read, and
// only after a check (engine/data/source-check.ts) that they are still regular files holding the imported bytes:
// a missing or changed source is reported, never exported, and so never listed beside a sha it no longer has.
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

export function exportLibrary(lib: Library, outDir: string, opts: ExportOptions): ExportResult {
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
  for (const r of rows) {
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
      continue;
    }
    try {
      fs.mkdirSync(path.join(out, dir), { recursive: true });
      // The checked real file: a link swapped in at the recorded path since the check is not followed.
      place(check.real, dest, opts.mode);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      missing.push({ path: r.source_path, reason: code === 'ENOENT' ? 'source file no longer exists' : `cannot export: ${code ?? (e as Error).message}` });
      continue;
    }
    // Case-insensitive file systems (macOS, Windows) would merge names differing only in case.
    used.add(rel.normalize('NFC').toLowerCase());
    lines.push(csvRow([rel, r.sha256, r.class_name, r.split]));
    images++;
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
