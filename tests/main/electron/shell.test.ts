// Show in folder (#11): what the desktop shell's one extra IPC channel may reveal. Electron's binary is not here,
// so shell.showItemInFolder is a recording function; everything else is real (a library of real rice JPEGs,
// the IPC handler behind the trusted-sender check, exports remembered from real answers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SHOW_IN_FOLDER_CHANNEL } from '../../../src/shared/contract';
import { exportDestination, registerShellIpc, showInFolder, type ShowInFolderDeps } from '../../../src/main/electron/shell';
import { openLibrary } from '../../../src/main/library';
import { importSmallRice } from '../../helpers/small-import';
import { tempDir } from '../../helpers/tmp';

test('an image id is resolved to its source file; the last export of each kind; nothing else is revealed', async () => {
  const lib = openLibrary(tempDir('paddy-shell-'), { create: true });
  try {
    await importSmallRice(lib);
    const row = lib.db.prepare('SELECT id, source_path FROM images ORDER BY id LIMIT 1').get() as { id: number; source_path: string };
    const shown: string[] = [];
    const exported = new Map<string, string>();
    const deps: ShowInFolderDeps = { library: () => lib, lastExport: (k) => exported.get(k) ?? null, reveal: (p) => shown.push(p) };

    assert.deepEqual(showInFolder({ imageId: row.id }, deps), { ok: true, value: { path: row.source_path } });
    assert.deepEqual(shown, [row.source_path]);

    // Never a path the page names, nor anything malformed; unknown ids and missing exports say why.
    for (const bad of [{ path: '/etc/passwd' }, { imageId: row.id, path: '/etc' }, { imageId: -1 }, { imageId: '1' }, { lastExport: true }, { lastExport: '/tmp' }, null, 'x']) {
      const r = showInFolder(bad, deps);
      assert.equal(r.ok, false, JSON.stringify(bad));
      assert.match((r as { error: string }).error, /give an image id/);
    }
    assert.match((showInFolder({ imageId: 999_999 }, deps) as { error: string }).error, /image 999999 is not in the library/);
    assert.match((showInFolder({ lastExport: 'dataset' }, deps) as { error: string }).error, /no dataset has been exported yet/);

    // Exports are remembered from their answers, per kind.
    const out = tempDir('paddy-shell-out-');
    const onnx = path.join(out, 'model.onnx');
    fs.writeFileSync(onnx, 'x');
    for (const [name, value] of [['export.folder', { images: 4, outDir: out, csv: null, missing: [] }], ['export.onnx', { file: onnx, bytes: 1 }], ['labels.set', { outDir: '/etc' }]] as const) {
      const wrote = exportDestination(name, value);
      if (wrote) exported.set(wrote.kind, wrote.path);
    }
    assert.deepEqual([...exported.entries()].sort(), [['dataset', out], ['onnx', onnx]]);
    assert.deepEqual(showInFolder({ lastExport: 'dataset' }, deps), { ok: true, value: { path: out } });
    assert.deepEqual(showInFolder({ lastExport: 'onnx' }, deps), { ok: true, value: { path: onnx } });

    // A file that has gone since is not handed to the file manager.
    fs.rmSync(onnx);
    assert.match((showInFolder({ lastExport: 'onnx' }, deps) as { error: string }).error, /model\.onnx is no longer there/);
    assert.deepEqual(shown, [row.source_path, out, onnx], 'the vanished file was not revealed again');

    // Over IPC: one handler on the contract's channel, strangers refused before anything is resolved.
    const handlers = new Map<string, (event: unknown, input: unknown) => unknown>();
    const ipcMain = { handle: (ch: string, fn: (event: unknown, input: unknown) => unknown) => handlers.set(ch, fn), removeHandler: (ch: string) => handlers.delete(ch) };
    const off = registerShellIpc(ipcMain as never, deps, (e) => (e as unknown as { trusted: boolean }).trusted);
    assert.deepEqual([...handlers.keys()], [SHOW_IN_FOLDER_CHANNEL]);
    const before = shown.length;
    assert.match((handlers.get(SHOW_IN_FOLDER_CHANNEL)!({ trusted: false }, { imageId: row.id }) as { error: string }).error, /refused/);
    assert.equal(shown.length, before);
    assert.deepEqual(handlers.get(SHOW_IN_FOLDER_CHANNEL)!({ trusted: true }, { imageId: row.id }), { ok: true, value: { path: row.source_path } });
    off();
    assert.equal(handlers.size, 0);
  } finally {
    lib.close();
  }
});
