import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

const made: string[] = [];
after(() => {
  if (process.env.PADDY_KEEP_TMP) return;
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test file ends (keep with PADDY_KEEP_TMP=1). */
export function tempDir(prefix = 'paddy-test-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

/** The shared rice dataset, relative to the project root (never copied into the repo). */
export const RICE_DIR = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../../../shared/datasets/rice');
export const MOBILENET_DIR = path.resolve(RICE_DIR, '../../models/mobilenet_v2');
