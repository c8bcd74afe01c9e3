import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { openLibrary } from '../../../src/main/library';
import { DEMO_CLASSES, generateDemo, importDemo } from '../../../src/main/services/demo';
import { tempDir } from '../../helpers/tmp';

test('the demo sample: five classes of seeded synthetic grains on black, imported into the library', async () => {
  const lib = openLibrary(tempDir(), { create: true });
  const report = await importDemo(lib, { perClass: 6 });
  assert.equal(report.imported, 30);
  assert.deepEqual(report.skipped, []);
  assert.deepEqual(report.classes, Object.fromEntries(DEMO_CLASSES.map((c) => [c.name, 6])));
  const src = path.join(lib.paths.cache, 'demo-source');
  assert.equal(report.folder, fs.realpathSync(src));

  // Corners are black, the grain is bright, and classes differ in elongation (Basmati longer than Karacadag).
  const elongation = async (cls: string): Promise<number> => {
    let sum = 0;
    for (const f of fs.readdirSync(path.join(src, cls))) {
      const { data, info } = await sharp(path.join(src, cls, f)).greyscale().raw().toBuffer({ resolveWithObject: true });
      assert.ok(data[0]! < 30, 'black background');
      const pts: Array<[number, number]> = [];
      for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) if (data[y * info.width + x]! > 100) pts.push([x, y]);
      assert.ok(pts.length > 100, 'a visible grain');
      // Ratio of the principal axes of the bright pixels (rotation-invariant).
      const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
      const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
      let sxx = 0, syy = 0, sxy = 0;
      for (const [x, y] of pts) (sxx += (x - mx) ** 2), (syy += (y - my) ** 2), (sxy += (x - mx) * (y - my));
      const tr = sxx + syy, det = sxx * syy - sxy * sxy, d = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
      sum += Math.sqrt((tr / 2 + d) / Math.max(1e-9, tr / 2 - d));
    }
    return sum / 6;
  };
  const basmati = await elongation('Basmati');
  const karacadag = await elongation('Karacadag');
  assert.ok(basmati > karacadag * 2, `Basmati ${basmati.toFixed(2)} vs Karacadag ${karacadag.toFixed(2)}`);

  // Seeded: a second library gets byte-identical images; running the demo again adds nothing.
  const other = openLibrary(tempDir(), { create: true });
  const otherSrc = await generateDemo(other, { perClass: 6 });
  const a = fs.readFileSync(path.join(src, 'Jasmine', 'jasmine-004.jpg'));
  const b = fs.readFileSync(path.join(otherSrc, 'Jasmine', 'jasmine-004.jpg'));
  assert.ok(a.equals(b));
  const again = await importDemo(lib, { perClass: 6 });
  assert.deepEqual([again.imported, again.alreadyPresent], [0, 30]);
  lib.close();
  other.close();
});
