// Where a worker's entry file is, seen from the module that starts it: its TypeScript source when this code runs
// from src/ (tsx), else the bundled file next to the bundle this code was bundled into (or one folder up, when it
// sits in a chunks/ folder below it) — in a packaged app its asar-unpacked copy, as processes and worker threads
// read real files. Used by the CLI's worker processes (workers/fork-host.ts) and the ONNX Runtime step's threads.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface EntryFile {
  file: string;
  /** The TypeScript source: it needs tsx to run. */
  source: boolean;
}

/** `source` relative to `metaUrl` (the caller's import.meta.url); `bundled` the bundled file's name. */
export function entryFile(metaUrl: string, source: string, bundled: string): EntryFile {
  const src = fileURLToPath(new URL(source, metaUrl));
  if (src.endsWith('.ts') && fs.existsSync(src)) return { file: src, source: true };
  const tried: string[] = [];
  for (const rel of [`./${bundled}`, `../${bundled}`]) {
    const file = fileURLToPath(new URL(rel, metaUrl));
    const unpacked = file.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
    for (const f of unpacked !== file ? [unpacked, file] : [file]) {
      if (fs.existsSync(f)) return { file: f, source: false };
      tried.push(f);
    }
  }
  throw new Error(`${bundled} is not next to the bundle (looked at ${tried.join(', ')})`);
}
