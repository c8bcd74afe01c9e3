import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { augment, decodeImage } from '../../../../src/main/engine/data/images';
import { ALL_VIEWS, averageViews, orient, secondView, VIEW_COUNT } from '../../../../src/main/engine/data/views';
import { riceFiles } from '../../../helpers/train-lib';

const key = (a: Uint8Array) => Buffer.from(a).toString('base64');

test('the eight views of a grain are its eight flips/quarter turns: distinct, exact, and what augment draws', async () => {
  const size = 32;
  const px = await decodeImage(riceFiles('Basmati', 1)[0]!, size);
  const views = ALL_VIEWS.map((v) => orient(px, size, v));
  assert.equal(views[0], px, 'view 0 is the image as it is');
  assert.equal(new Set(views.map(key)).size, VIEW_COUNT, 'a real grain looks different in each view');
  const sorted = (a: Uint8Array) => key(Uint8Array.from(a).sort());
  for (const v of views) assert.equal(sorted(v), sorted(px), 'a view moves pixels, never resamples them');
  for (const v of ALL_VIEWS) assert.deepEqual(orient(px, size, v), augment(px, size, () => (v + 0.5) / VIEW_COUNT), `view ${v} is one of training's augmentations`);
  // Flips and the transpose undo themselves: the views form the dihedral group of the square.
  for (const v of [1, 2, 4]) assert.deepEqual(orient(orient(px, size, v), size, v), px, `view ${v} twice is the identity`);
  assert.throws(() => orient(px, size, 8), /view must be 0–7/);
});

test('secondView: one of the seven other views, fixed by the image content hash, spread over all seven', () => {
  const counts = new Array(VIEW_COUNT).fill(0);
  for (let i = 0; i < 700; i++) {
    const sha = crypto.createHash('sha256').update(String(i)).digest('hex');
    const v = secondView(sha);
    assert.equal(secondView(sha), v);
    counts[v]++;
  }
  assert.equal(counts[0], 0, 'never the image as it is');
  for (let v = 1; v < VIEW_COUNT; v++) assert.ok(counts[v] > 60 && counts[v] < 140, `view ${v}: ${counts[v]} of 700`);
});

test('averageViews averages probability blocks and refuses blocks of different sizes', () => {
  assert.deepEqual(Array.from(averageViews([Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(0.5, 0.5)])), [0.5, 0.5]);
  assert.throws(() => averageViews([Float32Array.of(1), Float32Array.of(1, 2)]), /view 1 has 2 values/);
  assert.throws(() => averageViews([]), /no views/);
});
