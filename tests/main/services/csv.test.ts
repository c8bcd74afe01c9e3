// CSV cells are RFC 4180 and never formulas: names starting with = + - @ TAB CR get the spreadsheet's own "this is
// text" quote, so an exported label list opened in a spreadsheet shows `=HYPERLINK(…)` instead of running it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../../src/main/library';
import { renameClass } from '../../../src/main/services/classes';
import { csvCell, csvRow } from '../../../src/main/services/csv';
import { exportLibrary } from '../../../src/main/services/export';
import { importFolder } from '../../../src/main/services/import/index';
import { riceFiles } from '../../helpers/train-lib';
import { tempDir } from '../../helpers/tmp';

/** An RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

test('csvCell neutralizes formula starters with a leading quote and quotes per RFC 4180', () => {
  assert.equal(csvCell('=1+1'), "'=1+1");
  assert.equal(csvCell('+cmd'), "'+cmd");
  assert.equal(csvCell('-2'), "'-2");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('\t=1'), "'\t=1");
  assert.equal(csvCell('\r=1'), `"'\r=1"`);
  assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(csvCell(-2), '-2', 'numbers are data, not formulas');
  assert.equal(csvCell('a=b'), 'a=b', 'only a leading starter counts');
  assert.equal(csvCell("it's"), "it's");
  assert.equal(csvCell(''), '');
  assert.equal(csvCell(null), '');
  const cells = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0.jpg", 'a,b', 'line\nbreak', ' pad', 'plain'];
  assert.deepEqual(parseCsv(`${csvRow(cells)}\n`), [["'=HYPERLINK(\"http://x\",\"y\")", "'+cmd|' /C calc'!A0.jpg", 'a,b', 'line\nbreak', ' pad', 'plain']]);
});

test('an exported CSV keeps formula-like class and file names as text: they parse back with the leading quote', async () => {
  const klass = '=HYPERLINK("http://x","y")';
  // The classic payload's "/C" cannot be in a file name on Linux or macOS; "\\C" can.
  const file = "+cmd|' \\C calc'!A0.jpg";
  const src = tempDir('paddy-src-');
  fs.mkdirSync(path.join(src, 'Arborio'));
  fs.mkdirSync(path.join(src, '@Basmati'));
  fs.copyFileSync(riceFiles('Arborio', 1)[0]!, path.join(src, 'Arborio', file));
  fs.copyFileSync(riceFiles('Arborio', 1, 1)[0]!, path.join(src, 'Arborio', 'plain.jpg'));
  fs.copyFileSync(riceFiles('Basmati', 1)[0]!, path.join(src, '@Basmati', file));
  const lib = openLibrary(path.join(tempDir(), 'lib'), { create: true });
  await importFolder(lib, src);
  // A folder name cannot hold the URL's slashes; a class name typed in the app can.
  const arborio = lib.db.prepare(`SELECT id FROM classes WHERE name = 'Arborio'`).get() as { id: number };
  renameClass(lib, arborio.id, klass);
  const csv = path.join(tempDir(), 'labels.csv');
  const res = exportLibrary(lib, path.join(tempDir(), 'out'), { csv, mode: 'copy' });
  lib.close();
  assert.equal(res.images, 3);

  const [header, ...rows] = parseCsv(fs.readFileSync(csv, 'utf8'));
  assert.deepEqual(header, ['path', 'sha256', 'label', 'split']);
  const labels = rows.map((r) => r[2]).sort();
  assert.deepEqual(labels, ["'=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")", "'@Basmati"].sort());
  for (const r of rows) {
    assert.equal(r.length, 4);
    // The path starts with the class folder: `=HYPERLINK(…)` made file-system safe, or `@Basmati`.
    assert.match(r[0]!, /^'[=@]/, 'a path starting like a formula is neutralized too');
    assert.match(r[1]!, /^[0-9a-f]{64}$/);
    // The exported file is where the path (without the quote) says.
    assert.ok(fs.existsSync(path.join(res.outDir, r[0]!.replace(/^'/, ''))), r[0]);
  }
  assert.ok(rows.some((r) => r[0]!.endsWith(`/${file}`)), 'the file name is kept as it was');
});
