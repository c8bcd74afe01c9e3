// One candidate file from disk to an outcome the commit step can write: open, header, hash, decode, thumbnail.
// The same file reached by several paths (hard links, symlinks) is read once, and the same bytes under several
// names are decoded once; later copies wait for and carry the first one's outcome.
import type { Library } from '../../library';
import { findImageBySha } from '../../repos/images.repo';
import { decodeImage, type ThumbType } from './decode';
import { openCandidate, readCandidate } from './read';
import { findThumb, writeThumb } from './thumbnails';

/** The library (not a source file) cannot be written: the import stops instead of skipping every file. */
export class LibraryWriteError extends Error {}

export type Outcome =
  | { kind: 'new'; sha: string; bytes: number; mtimeMs: number; width: number; height: number; format: string }
  | { kind: 'known'; sha: string; mtimeMs?: number }
  | { kind: 'skip'; reason: string; sha?: string };

export class FileProcessor {
  /**
   * Bytes already handled in this run (sha → the first copy's outcome), so a duplicate is not decoded twice.
   * A duplicate waits for that outcome and carries it: workers finish out of order, and whichever copy comes
   * first in commit (input) order must be the one inserted, the later ones becoming sources or conflicts.
   */
  private readonly bySha = new Map<string, Promise<Outcome>>();
  /** Files already opened in this run ("dev:ino" → outcome): a file linked under many names is read once. */
  private readonly byIdentity = new Map<string, Promise<Outcome>>();

  constructor(
    private readonly lib: Library,
    private readonly maxPixels: number,
  ) {}

  async process(filePath: string): Promise<Outcome> {
    const opened = await openCandidate(filePath);
    if ('reason' in opened) return { kind: 'skip', reason: opened.reason };
    const first = opened.identity === null ? undefined : this.byIdentity.get(opened.identity);
    if (first) {
      await opened.handle.close();
      return first;
    }
    const outcome = (async (): Promise<Outcome> => {
      const r = await readCandidate(filePath, opened);
      if (r.kind === 'skip') return r;
      const same = this.bySha.get(r.sha);
      if (same) return same;
      const decoded = this.decodeNew(r.source, r.head, r.sha, r.bytes, r.mtimeMs);
      this.bySha.set(r.sha, decoded);
      return decoded;
    })();
    if (opened.identity !== null) this.byIdentity.set(opened.identity, outcome);
    return outcome;
  }

  private async decodeNew(source: Buffer | string, head: Buffer, sha: string, bytes: number, mtimeMs: number): Promise<Outcome> {
    if (findImageBySha(this.lib.db, sha)) {
      // Already in the library: only a missing thumbnail (thumbs/ deleted or damaged) needs work.
      if (await findThumb(this.lib, sha)) return { kind: 'known', sha, mtimeMs };
      const again = await decodeImage(source, this.maxPixels, head);
      if (again.ok) await this.writeThumbOrFail(sha, again.thumb, again.thumbType);
      return { kind: 'known', sha, mtimeMs };
    }
    const d = await decodeImage(source, this.maxPixels, head);
    if (!d.ok) return { kind: 'skip', reason: d.reason, sha };
    await this.writeThumbOrFail(sha, d.thumb, d.thumbType);
    return { kind: 'new', sha, bytes, mtimeMs, width: d.width, height: d.height, format: d.format };
  }

  private async writeThumbOrFail(sha: string, thumb: Buffer, type: ThumbType): Promise<void> {
    try {
      await writeThumb(this.lib, sha, thumb, type);
    } catch (e) {
      // The library, not the source file, is at fault (disk full, read-only): stop instead of skipping the rest.
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new LibraryWriteError(`cannot write thumbnails in ${this.lib.paths.thumbs}: ${why}`);
    }
  }
}
