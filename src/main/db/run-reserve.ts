// Disk space a training run holds back from its creation to its end, so that its end can be recorded even when
// the disk fills up while it trains: SQLite needs free space to write anything (the WAL grows), and a run whose
// final status cannot be written would read as `running`, its reason lost. Recording an end first releases the
// run's reserve, keeping the reason in the file's first bytes (overwriting blocks the file already has needs no
// new space); if the write still fails, the repair on the next open (db/repairs.ts) ends the run with that reason.
import fs from 'node:fs';
import path from 'node:path';

/** Room for one end-of-run write: a few pages of the runs table in the WAL, plus its metrics JSON. */
export const RUN_RESERVE_BYTES = 256 * 1024;

export function reserveFile(libraryDir: string, runId: string): string {
  return path.join(libraryDir, 'cache', `run-${runId}.reserve`);
}

/** Holds `RUN_RESERVE_BYTES` for the run. Throws (and holds nothing) when the disk has not that much room. */
export function holdReserve(libraryDir: string, runId: string): void {
  const file = reserveFile(libraryDir, runId);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.alloc(RUN_RESERVE_BYTES, 0x20));
  } catch (e) {
    fs.rmSync(file, { force: true });
    throw new Error(`no room to start a run in ${libraryDir}: ${(e as Error).message}`);
  }
}

/**
 * Frees the run's reserve before its end is written. `reason` (a failure's) is kept in the file until
 * `dropReserve` so that a repair can still record it if the write fails anyway.
 */
export function releaseReserve(libraryDir: string, runId: string, reason: string | null): void {
  const file = reserveFile(libraryDir, runId);
  if (reason === null) return dropReserve(libraryDir, runId);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r+');
  } catch {
    return; // none held (an older run, or already released)
  }
  try {
    const note = Buffer.from(JSON.stringify({ error: reason }));
    if (note.length <= RUN_RESERVE_BYTES) {
      fs.writeSync(fd, note, 0, note.length, 0);
      fs.ftruncateSync(fd, note.length);
    } else fs.ftruncateSync(fd, 0);
  } catch {
    fs.ftruncateSync(fd, 0);
  } finally {
    fs.closeSync(fd);
  }
}

/** The failure reason a run's end was to record, when that write did not happen (see releaseReserve). */
export function pendingReason(libraryDir: string, runId: string): string | null {
  try {
    const text = fs.readFileSync(reserveFile(libraryDir, runId), 'utf8');
    if (!text.startsWith('{')) return null;
    const v = JSON.parse(text) as { error?: unknown };
    return typeof v.error === 'string' ? v.error : null;
  } catch {
    return null;
  }
}

/** The run's end is recorded: nothing of its reserve stays. */
export function dropReserve(libraryDir: string, runId: string): void {
  try {
    fs.rmSync(reserveFile(libraryDir, runId), { force: true });
  } catch {
    /* a leftover file is removed by the next repair */
  }
}
