import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { augment, decodeImage, decodeMany, toBatch } from '../../../../src/main/engine/data/images';
import { rng } from '../../../../src/main/engine/random';
import { riceFiles } from '../../../helpers/train-lib';
import { tempDir } from '../../../helpers/tmp';

test('decodeImage: RGB uint8 at the requested size, grayscale/alpha become RGB, a bad file names itself', async () => {
  const [jpg] = riceFiles('Jasmine', 1);
  const px = await decodeImage(jpg!, 24);
  assert.equal(px.length, 24 * 24 * 3);
  assert.ok(px.some((v) => v > 100), 'a grain is visible');
  const dir = tempDir();
  const gray = path.join(dir, 'gray.png');
  await sharp({ create: { width: 10, height: 7, channels: 4, background: { r: 200, g: 200, b: 200, alpha: 0.5 } } }).toColourspace('b-w').png().toFile(gray);
  const g = await decodeImage(gray, 8);
  assert.equal(g.length, 8 * 8 * 3);
  assert.equal(g[0], g[1]);
  const bad = path.join(dir, 'bad.jpg');
  fs.writeFileSync(bad, 'garbage');
  await assert.rejects(decodeImage(bad, 8), /cannot decode image .*bad\.jpg/);
  await assert.rejects(decodeMany([jpg!, bad], 8), /bad\.jpg/);
});

test('normalisation per model and seeded augmentation', async () => {
  const px = await decodeImage(riceFiles('Ipsala', 1)[0]!, 16);
  const unit = toBatch([px], 16, 'unit');
  const mn = toBatch([px], 16, 'mobilenet');
  assert.ok(unit.every((v) => v >= 0 && v <= 1));
  assert.ok(mn.every((v) => v >= -1 && v <= 1));
  assert.ok(Math.abs(mn[5]! - (unit[5]! * 2 - 1)) < 1e-6);
  const a = augment(px, 16, rng(3));
  assert.deepEqual(augment(px, 16, rng(3)), a, 'same seed, same augmentation');
  assert.notDeepEqual(augment(px, 16, rng(4)), a);
  assert.equal(a.length, px.length);
});
