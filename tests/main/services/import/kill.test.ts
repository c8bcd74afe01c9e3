// Kill-safety: the CLI import is SIGKILLed at two different moments (while the first batch is being decoded,
// and after a batch committed); each time the library must open, hold no image without its thumbnail, and a
// final re-run must complete the import with every image exactly once.
import { test } from 'node:test';
import { ROOT } from '../../../helpers/root';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openLibrary } from '../../../../src/main/library';
import { findThumbSync } from '../../../../src/main/services/import/thumbnails';
import { riceSubset } from '../../../helpers/rice-subset';
import { tempDir } from '../../../helpers/tmp';

const PER_CLASS = 150;
const TOTAL = PER_CLASS * 5;

function countThumbs(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir).reduce((n, d) => n + fs.readdirSync(path.join(dir, d)).length, 0);
}

function committedImages(dbFile: string): number {
  if (!fs.existsSync(dbFile)) return 0;
  try {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) n FROM images').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // schema not created yet, or the writer holds a lock for a moment
  }
}

/** Starts `paddy import`, SIGKILLs it once `ready()` holds; returns how the child ended. */
async function importAndKill(src: string, lib: string, ready: () => boolean): Promise<{ killed: boolean; code: number | null }> {
  const child = spawn(process.execPath, ['bin/paddy.mjs', 'import', src, '--library', lib, '--json'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let killed = false;
  const deadline = Date.now() + 120_000;
  while (child.exitCode === null && Date.now() < deadline) {
    if (ready()) {
      killed = child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 15));
  }
  const code = await exited;
  if (!killed) assert.fail(`the import ended before it could be killed (code ${code}): ${stderr}`);
  return { killed, code };
}

function checkConsistent(libDir: string): { images: number; status: string[] } {
  const lib = openLibrary(libDir, { create: true });
  try {
    const rows = lib.db.prepare('SELECT sha256 FROM images').all() as Array<{ sha256: string }>;
    for (const r of rows) assert.ok(findThumbSync(lib, r.sha256), `image ${r.sha256} has no thumbnail`);
    const n = (sql: string): number => (lib.db.prepare(sql).get() as { n: number }).n;
    assert.equal(n('SELECT COUNT(*) n FROM labels'), rows.length, 'every image has its folder label');
    assert.equal(n('SELECT COUNT(*) n FROM splits'), rows.length, 'every image has its split');
    assert.equal(n(`SELECT COUNT(*) n FROM label_journal WHERE origin = 'folder'`), rows.length);
    assert.equal(lib.db.pragma('integrity_check', { simple: true }), 'ok');
    const status = (lib.db.prepare('SELECT status FROM imports ORDER BY id').all() as Array<{ status: string }>).map((r) => r.status);
    return { images: rows.length, status };
  } finally {
    lib.close();
  }
}

test('SIGKILL during an import leaves a consistent library and a re-run completes it', { timeout: 240_000 }, async () => {
  const src = riceSubset(PER_CLASS);
  const libDir = tempDir('paddy-kill-');
  const dbFile = path.join(libDir, 'paddy.db');
  const thumbs = path.join(libDir, 'thumbs');

  // 1: killed while decoding, before anything (or at most the first batch) committed.
  await importAndKill(src, libDir, () => countThumbs(thumbs) >= 20);
  const first = checkConsistent(libDir);
  assert.deepEqual(first.status, ['interrupted']);
  assert.ok(first.images < TOTAL);

  // 2: killed after at least one more batch committed.
  await importAndKill(src, libDir, () => committedImages(dbFile) > first.images);
  const second = checkConsistent(libDir);
  assert.deepEqual(second.status, ['interrupted', 'interrupted']);
  assert.ok(second.images > first.images && second.images < TOTAL, `${first.images} → ${second.images}`);

  // 3: the re-run completes: every image once, nothing imported twice.
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/paddy.mjs', 'import', src, '--library', libDir, '--json'], { cwd: ROOT });
    let s = '';
    let e = '';
    child.stdout.on('data', (d) => (s += d));
    child.stderr.on('data', (d) => (e += d));
    child.on('exit', (code) => (code === 0 ? resolve(s) : reject(new Error(`exit ${code}: ${e}`))));
  });
  const report = JSON.parse(out) as { imported: number; alreadyPresent: number; skipped: unknown[] };
  assert.equal(report.alreadyPresent, second.images);
  assert.equal(report.imported + report.alreadyPresent, TOTAL);
  assert.deepEqual(report.skipped, []);
  const final = checkConsistent(libDir);
  assert.equal(final.images, TOTAL);
  assert.deepEqual(final.status, ['interrupted', 'interrupted', 'completed']);
  // The killed runs' temporary thumbnail files were cleaned up (whole orphan thumbnails are reused, harmless).
  const leftovers = fs.readdirSync(thumbs).flatMap((d) => fs.readdirSync(path.join(thumbs, d))).filter((n) => !/\.(webp|jpg)$/.test(n));
  assert.deepEqual(leftovers, []);
});
