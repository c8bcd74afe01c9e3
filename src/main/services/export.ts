// Lets corrected labels leave the app: every labeled image written to <out>/<Class>/<file> (hard links when
// possible, else copies) and optionally a CSV of path, sha256, label, split. Source files are only read.
import fs from 'node:fs';
import path from 'node:path';
import type { SkippedFile } from '../../shared/types';
import type { Library } from '../library';
import { labeledImagesForExport } from '../repos/images.repo';

export interface ExportOptions {
  csv?: string;
  mode: 'copy' | 'link';
}

export interface ExportResult {
  images: number;
  outDir: string;
  csv: string | null;
  /** Images whose source file is gone or unreadable (moved since import). */
  missing: SkippedFile[];
}

export function csvField(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

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
    try {
      fs.mkdirSync(path.join(out, dir), { recursive: true });
      place(r.source_path, dest, opts.mode);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      missing.push({ path: r.source_path, reason: code === 'ENOENT' ? 'source file no longer exists' : `cannot export: ${code ?? (e as Error).message}` });
      continue;
    }
    // Case-insensitive file systems (macOS, Windows) would merge names differing only in case.
    used.add(rel.normalize('NFC').toLowerCase());
    lines.push([rel, r.sha256, r.class_name, r.split].map(csvField).join(','));
    images++;
  }
  if (csvPath) {
    fs.mkdirSync(path.dirname(csvPath), { recursive: true });
    const tmp = `${csvPath}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, `${lines.join('\n')}\n`);
    fs.renameSync(tmp, csvPath);
  }
  return { images, outDir: out, csv: csvPath, missing };
}
