// The project folder (or the packaged app's): the nearest folder above this module whose package.json is Paddy's.
// Walked up to rather than reached by a fixed number of '..': this code runs from src/ under tsx, from the CLI
// bundle in out/cli/main, and from the Electron build in out/main (or its chunks/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function projectRoot(): string {
  if (cached) return cached;
  const from = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'paddy') return (cached = dir);
    } catch {
      // no package.json here (or not JSON): keep walking up
    }
    if (path.dirname(dir) === dir) return (cached = path.resolve(from, '../../..')); // src/main/util's root
  }
}
