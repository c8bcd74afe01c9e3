import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openLibrary } from '../../../src/main/library';
import { csvField, exportLibrary } from '../../../src/main/services/export';
import { importFolder } from '../../../src/main/services/import/index';
import { riceBytes, riceSubset } from '../../helpers/rice-subset';
import { tempDir } from '../../helpers/tmp';

/** Minimal RFC 4180 reader, enough to prove the writer's quoting round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') (f += '"'), i++;
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(f), (f = '');
    else if (c === '\n') row.push(f), rows.push(row), (row = []), (f = '');
    else f += c;
  }
  return rows;
}

test('export writes current labels as class folders (copies or hard links) and a CSV; refuses a non-empty folder', async () => {
  const src = riceSubset(3, { classes: ['Arborio', 'Jasmine'] });
  // Same file name in a nested folder of the same class: the export must not overwrite one with the other.
  fs.mkdirSync(path.join(src, 'Jasmine', 'more'));
  const clash = fs.readdirSync(path.join(src, 'Jasmine'))[0]!;
  fs.writeFileSync(path.join(src, 'Jasmine', 'more', clash), riceBytes('Jasmine', 10));
  // A class with a comma and quotes, to exercise CSV quoting.
  fs.mkdirSync(path.join(src, 'Odd, "quoted"'));
  fs.writeFileSync(path.join(src, 'Odd, "quoted"', 'x.jpg'), riceBytes('Ipsala', 0));
  const lib = openLibrary(tempDir(), { create: true });
  await importFolder(lib, src);
  // A manual relabel must be what the export writes.
  const moved = lib.db.prepare(`SELECT i.id, i.file_name FROM images i JOIN labels l ON l.image_id = i.id JOIN classes c ON c.id = l.class_id WHERE c.name = 'Arborio' ORDER BY i.id LIMIT 1`).get() as { id: number; file_name: string };
  lib.db.prepare(`UPDATE labels SET class_id = (SELECT id FROM classes WHERE name = 'Jasmine'), origin = 'manual' WHERE image_id = ?`).run(moved.id);

  const out = path.join(tempDir(), 'out');
  const csv = path.join(tempDir(), 'labels.csv');
  const r = exportLibrary(lib, out, { csv, mode: 'copy' });
  assert.equal(r.images, 8);
  assert.deepEqual(r.missing, []);
  assert.deepEqual(fs.readdirSync(out).sort(), ['Arborio', 'Jasmine', 'Odd, _quoted_']);
  assert.equal(fs.readdirSync(path.join(out, 'Arborio')).length, 2);
  const jas = fs.readdirSync(path.join(out, 'Jasmine'));
  assert.equal(jas.length, 5);
  assert.ok(jas.includes(moved.file_name));
  assert.ok(jas.some((n) => n !== clash && n.startsWith(clash.replace('.jpg', '-'))), `collision renamed: ${jas}`);

  const rows = parseCsv(fs.readFileSync(csv, 'utf8'));
  assert.deepEqual(rows[0], ['path', 'sha256', 'label', 'split']);
  assert.equal(rows.length, 9);
  const odd = rows.find((x) => x[2] === 'Odd, "quoted"');
  assert.ok(odd, 'the quoted class survives the CSV round trip');
  assert.equal(odd![0], 'Odd, _quoted_/x.jpg');
  for (const row of rows.slice(1)) {
    assert.match(row[1]!, /^[0-9a-f]{64}$/);
    assert.ok(['train', 'val', 'test'].includes(row[3]!));
    assert.ok(fs.existsSync(path.join(out, row[0]!)), row[0]);
  }

  assert.throws(() => exportLibrary(lib, out, { mode: 'copy' }), /is not empty/);
  const linked = path.join(tempDir(), 'linked');
  const l = exportLibrary(lib, linked, { mode: 'link' });
  assert.equal(l.images, 8);
  assert.equal(l.csv, null);
  const first = path.join(linked, 'Arborio', fs.readdirSync(path.join(linked, 'Arborio'))[0]!);
  assert.ok(fs.statSync(first).nlink >= 2, 'hard link on the same device');
  lib.close();
});

test('csvField quotes commas, quotes, newlines and edge spaces only', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('line\nbreak'), '"line\nbreak"');
  assert.equal(csvField(' pad'), '" pad"');
  assert.equal(csvField(null), '');
});
