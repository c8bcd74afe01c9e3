// The project root and the CLI entry, for tests that spawn `paddy` or read files by path (tests live at any depth).
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../..');
export const BIN = path.join(ROOT, 'bin/paddy.mjs');
