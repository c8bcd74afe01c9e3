// A real library whose paddy.db has bytes flipped inside one page of the images table (not the file header),
// the way a bad disk sector or a half-synced copy damages a database: SQLite still opens the file, and only
// reading that page (or a check) finds the damage.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openLibrary } from '../../src/main/library';
import { importFolder } from '../../src/main/services/import/index';
import { riceSubset } from './rice-subset';
import { tempDir } from './tmp';

export interface DamagedLibrary {
  dir: string;
  db: string;
  /** Images the library held before the damage. */
  images: number;
  /** Images stored in the damaged page (lost unless recovered from elsewhere). */
  inDamagedPage: number;
}

export async function damagedLibrary(perClass = 12): Promise<DamagedLibrary> {
  const dir = path.join(tempDir('paddy-damaged-'), 'lib');
  const lib = openLibrary(dir, { create: true });
  const report = await importFolder(lib, riceSubset(perClass));
  // Everything into paddy.db itself, so the flip below hits committed pages and no WAL copy hides it.
  lib.db.pragma('wal_checkpoint(TRUNCATE)');
  const leaves = lib.db
    .prepare(`SELECT pageno, ncell FROM dbstat WHERE name = 'images' AND pagetype = 'leaf' ORDER BY pageno`)
    .all() as { pageno: number; ncell: number }[];
  const pageSize = lib.db.pragma('page_size', { simple: true }) as number;
  lib.close();
  assert.ok(leaves.length >= 3, `images spans several pages (${leaves.length})`);
  const victim = leaves[1]!;
  const db = path.join(dir, 'paddy.db');
  const fd = fs.openSync(db, 'r+');
  try {
    // The page header (type, free-block offset, cell count, content offset) of one leaf, garbled.
    fs.writeSync(fd, Buffer.from([0x5a, 0xa5, 0xff, 0x13, 0x37, 0xc3, 0x3c, 0x99]), 0, 8, (victim.pageno - 1) * pageSize);
  } finally {
    fs.closeSync(fd);
  }
  return { dir, db, images: report.imported, inDamagedPage: victim.ncell };
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
