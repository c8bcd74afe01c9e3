// Turning the typed file list of the Predict view into paths.

/** Paths typed one per line (or separated by commas in a single line). */
export function parsePaths(text: string): string[] {
  return text
    .split(/\r?\n/)
    .flatMap((l) => (l.includes(',') && !l.includes('/') ? l.split(',') : [l]))
    .map((l) => l.trim())
    .filter(Boolean);
}
