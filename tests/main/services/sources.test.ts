// Source files that change, vanish or are swapped for links after import, on real imported rice photos: the check
// (stat when unchanged, hash when not), the web host's image route, export, re-import, relink and remove-missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { openLibrary, type Library } from '../../../src/main/library';
import { importFolder } from '../../../src/main/services/import/index';
import { exportLibrary } from '../../../src/main/services/export';
import { checkLibrarySources, readSourceBytes, relinkFolder, removeMissing } from '../../../src/main/services/sources';
import { resolveImageFile } from '../../../src/main/services/image-files';
import { countFiltered } from '../../../src/main/repos/browse.repo';
import { startWebHost } from '../../../src/main/web/server';
import { smallRiceFolder } from '../../helpers/small-import';
import { tempDir } from '../../helpers/tmp';

type Row = { id: number; sha256: string; source_path: string; source_state: string; mtime_ms: number | null };
const rows = (lib: Library): Row[] => lib.db.prepare('SELECT id, sha256, source_path, source_state, mtime_ms FROM images ORDER BY source_path').all() as Row[];
const sha = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

function get(port: number, p: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, headers: { authorization: 'Bearer t0ken-abcdefghijklmnop' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('import records each file\'s mtime; an unchanged library checks with no hashing', async () => {
  const lib = openLibrary(tempDir('paddy-src-lib-'), { create: true });
  await importFolder(lib, smallRiceFolder(['Arborio', 'Basmati'], 3));
  assert.ok(rows(lib).every((r) => r.mtime_ms !== null && r.source_state === 'ok'));
  const r = await checkLibrarySources(lib);
  assert.deepEqual({ checked: r.checked, ok: r.ok, missing: r.missing, changed: r.changed, hashed: r.hashed }, { checked: 6, ok: 6, missing: 0, changed: 0, hashed: 0 });
  // Touched but identical: hashed once, ok, and the new mtime is recorded so the next check is stat-only again.
  const first = rows(lib)[0]!;
  fs.utimesSync(first.source_path, new Date(), new Date(Date.now() - 5000));
  assert.equal((await checkLibrarySources(lib)).hashed, 1);
  assert.equal((await checkLibrarySources(lib)).hashed, 0);
  lib.close();
});

test('changed bytes, a deleted file and a symlink to /etc/hostname: marked, filtered, refused by the web host, never exported under the old sha', async () => {
  const src = smallRiceFolder(['Arborio', 'Basmati'], 3);
  const libDir = tempDir('paddy-src-lib-');
  const lib = openLibrary(libDir, { create: true });
  await importFolder(lib, src);
  const [a0, a1, a2] = rows(lib).filter((r) => r.source_path.includes(`${path.sep}Arborio${path.sep}`));
  const basmati = rows(lib).find((r) => r.source_path.includes(`${path.sep}Basmati${path.sep}`))!;
  // a0: replaced by another class's photo (same name); a1: deleted; a2: swapped for a link to a system file.
  fs.copyFileSync(basmati.source_path, a0!.source_path);
  fs.rmSync(a1!.source_path);
  fs.rmSync(a2!.source_path);
  fs.symlinkSync('/etc/hostname', a2!.source_path);

  const served = await readSourceBytes(lib, a2!.id);
  assert.equal(served.ok, false);
  assert.equal(resolveImageFile(lib, 'full', a2!.id), null);
  const r = await checkLibrarySources(lib);
  assert.deepEqual({ ok: r.ok, missing: r.missing, changed: r.changed }, { ok: 3, missing: 1, changed: 2 });
  const state = new Map(rows(lib).map((x) => [x.id, x.source_state]));
  assert.deepEqual([state.get(a0!.id), state.get(a1!.id), state.get(a2!.id)], ['changed', 'missing', 'changed']);
  assert.equal(countFiltered(lib.db, { missingOnly: true }), 3);

  const out = path.join(tempDir(), 'out');
  const csv = path.join(tempDir(), 'labels.csv');
  const ex = exportLibrary(lib, out, { csv, mode: 'copy' });
  assert.equal(ex.images, 3);
  assert.deepEqual(ex.missing.map((m) => m.path).sort(), [a0!.source_path, a1!.source_path, a2!.source_path].sort());
  // Every exported file's bytes hash to the sha the CSV pairs with it; no old sha of a changed image appears.
  const lines = fs.readFileSync(csv, 'utf8').trim().split('\n').slice(1);
  assert.equal(lines.length, 3);
  for (const line of lines) {
    const [rel, s] = line.split(',');
    assert.equal(sha(path.join(out, rel!)), s);
    assert.ok(![a0!.sha256, a2!.sha256].includes(s!));
  }
  lib.close();

  const host = await startWebHost({ libraryDir: libDir, port: 0, token: 't0ken-abcdefghijklmnop', staticDir: tempDir() });
  try {
    const link = await get(host.port, `/api/img/full/${a2!.id}`);
    assert.equal(link.status, 404);
    assert.ok(!link.body.equals(fs.readFileSync('/etc/hostname')));
    assert.equal((await get(host.port, `/api/img/full/${a0!.id}`)).status, 404);
    assert.equal((await get(host.port, `/api/img/full/${a1!.id}`)).status, 404);
    const good = await get(host.port, `/api/img/full/${basmati.id}`);
    assert.equal(good.status, 200);
    assert.equal(crypto.createHash('sha256').update(good.body).digest('hex'), basmati.sha256);
  } finally {
    await host.close();
  }
});

test('re-import after a change keeps one row per path with the new bytes and the folder label; relink and remove-missing', async () => {
  const src = smallRiceFolder(['Arborio', 'Basmati'], 2);
  const lib = openLibrary(tempDir('paddy-src-lib-'), { create: true });
  await importFolder(lib, src);
  const before = rows(lib);
  const target = before.find((r) => r.source_path.includes(`${path.sep}Arborio${path.sep}`))!;
  // New bytes at the same path (a Basmati photo not in the library yet), then re-import the folder.
  const other = smallRiceFolder(['Basmati'], 4);
  const fresh = fs.readdirSync(path.join(other, 'Basmati')).sort()[3]!;
  fs.copyFileSync(path.join(other, 'Basmati', fresh), target.source_path);
  await importFolder(lib, src);
  const after = rows(lib);
  assert.equal(after.length, before.length);
  assert.equal(after.filter((r) => r.source_path === target.source_path).length, 1);
  const now = after.find((r) => r.source_path === target.source_path)!;
  assert.equal(now.id, target.id);
  assert.equal(now.sha256, sha(target.source_path));
  assert.equal(now.source_state, 'ok');
  assert.equal((await checkLibrarySources(lib)).ok, after.length);

  // The whole folder moves: everything is missing, relink finds every file under the new root by its bytes.
  const moved = `${src}-moved`;
  fs.renameSync(src, moved);
  assert.equal((await checkLibrarySources(lib)).missing, after.length);
  const rl = await relinkFolder(lib, src, moved);
  assert.deepEqual(rl, { relinked: after.length, unmatched: 0 });
  const c = await checkLibrarySources(lib);
  assert.deepEqual({ ok: c.ok, hashed: c.hashed }, { ok: after.length, hashed: 0 });
  assert.ok(rows(lib).every((r) => r.source_path.startsWith(moved + path.sep)));

  // One file vanishes: remove-missing deletes that image and everything hanging off it, nothing else.
  const gone = rows(lib)[0]!;
  fs.rmSync(gone.source_path);
  await checkLibrarySources(lib);
  assert.deepEqual(await removeMissing(lib), { removed: 1 });
  assert.equal(rows(lib).length, after.length - 1);
  for (const t of ['labels', 'splits', 'image_sources', 'label_journal']) {
    assert.equal((lib.db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE image_id = ?`).get(gone.id) as { n: number }).n, 0, t);
  }
  assert.deepEqual(lib.db.pragma('foreign_key_check'), []);
  assert.equal((await checkLibrarySources(lib)).ok, after.length - 1);
  lib.close();
});
