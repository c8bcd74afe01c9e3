// Prediction for files that arrive as bytes (dropped or chosen in the page) rather than as paths: they are
// written to a private temporary folder, predicted like any file, reported under the name the user gave them,
// and removed again. The library and the user's folders are never written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PredictResult } from '../../shared/types';

export interface UploadedFile {
  name: string;
  base64: string;
}

/** Keeps a name readable but harmless as one path segment (no separators, no dot-dot, bounded length). */
function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'image';
  const cleaned = base.replace(/[^\p{L}\p{N}._ -]/gu, '_').replace(/^\.+/, '').slice(-120);
  return cleaned || 'image';
}

export async function predictUploaded(
  files: readonly UploadedFile[],
  predictPaths: (paths: string[]) => Promise<PredictResult[]>,
): Promise<PredictResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-predict-'));
  try {
    const byPath = new Map<string, string>();
    const refused: PredictResult[] = [];
    files.forEach((f, i) => {
      const bytes = Buffer.from(f.base64, 'base64');
      if (bytes.length === 0) {
        refused.push({ path: f.name, predicted: null, probabilities: {}, error: `${f.name}: empty file (0 bytes)` });
        return;
      }
      const file = path.join(dir, `${i}-${safeName(f.name)}`);
      fs.writeFileSync(file, bytes);
      byPath.set(file, f.name);
    });
    const results = byPath.size ? await predictPaths([...byPath.keys()]) : [];
    const named = results.map((r) => {
      const name = byPath.get(r.path) ?? r.path;
      // A per-file error mentions the temporary path; show the user's name instead.
      return { ...r, path: name, ...(r.error ? { error: r.error.split(r.path).join(name) } : {}) };
    });
    return [...named, ...refused];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
