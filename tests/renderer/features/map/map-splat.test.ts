// The map's CPU splat (the renderer where WebGL is emulated): discs of the GL point's size at the pixel GL would
// put them, alpha-blended in draw order over the background, clipped at the edges, off-screen points skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discMask, packColors, packCss, splatPoints } from '../../../../src/renderer/src/features/map/map-splat';

const W = 20;
const H = 10;
const BG = packCss('rgb(16, 24, 32)')!;
const identity = { sx: 1, sy: 1, ox: 0, oy: 0 };
const rgbaAt = (buf: Int32Array, x: number, y: number) => {
  const v = buf[y * W + x]! >>> 0;
  return [v & 255, (v >> 8) & 255, (v >> 16) & 255, v >>> 24];
};

test('colours pack as ImageData words; CSS backgrounds parse', () => {
  assert.equal(packCss('rgb(16, 24, 32)'), 0xff201810);
  assert.equal(packCss('rgba(1, 2, 3, 0.5)'), 0xff030201);
  assert.equal(packCss('transparent'), null);
  assert.deepEqual([...packColors(new Float32Array([1, 0, 0, 1, 0, 0.5, 1, 0.18]))], [0xff0000ff, 0x2eff8000]);
});

test('discs: a plus of 5 pixels at 2.5 px, 21 at 5 px, one pixel below 2', () => {
  assert.equal(discMask(1).dx.length, 1);
  assert.equal(discMask(2.5).dx.length, 5);
  assert.equal(discMask(3.5).dx.length, 9);
  assert.equal(discMask(5).dx.length, 21);
});

test('points land where GL puts them, blend by alpha in order, clip at the edges', () => {
  const buf = new Int32Array(W * H);
  // Clip (0, 0) is the centre pixel (10, 5); clip (-1, 1) the top-left corner; (5, 5) is off-screen.
  const xy = new Float32Array([0, 0, 0, 0, -1, 1, 5, 5]);
  const colors = packColors(new Float32Array([1, 0, 0, 1, 0, 0, 1, 0.5, 0, 1, 0, 1, 1, 1, 1, 1]));
  splatPoints(buf, W, H, xy, colors, identity, 2.5, BG);
  // Red under half-transparent blue: half of each.
  assert.deepEqual(rgbaAt(buf, 10, 5), [126, 0, 128, 255]);
  assert.deepEqual(rgbaAt(buf, 11, 5), [126, 0, 128, 255], 'the plus reaches one pixel sideways');
  assert.deepEqual(rgbaAt(buf, 11, 6), [16, 24, 32, 255], 'but not diagonally at 2.5 px');
  // The corner point: only its in-canvas pixels.
  assert.deepEqual(rgbaAt(buf, 0, 0), [0, 255, 0, 255]);
  assert.deepEqual(rgbaAt(buf, 1, 0), [0, 255, 0, 255]);
  assert.deepEqual(rgbaAt(buf, 0, 1), [0, 255, 0, 255]);
  assert.deepEqual(rgbaAt(buf, 1, 1), [16, 24, 32, 255]);
  const painted = [...buf].filter((v) => v >>> 0 !== BG).length;
  assert.equal(painted, 5 + 3, 'the off-screen point paints nothing');
  // Zoom and pan: the transform moves the centre point by (0.5·W/2, −0.5·H/2) px.
  splatPoints(buf, W, H, new Float32Array([0, 0]), colors, { sx: 2, sy: 2, ox: 0.5, oy: 0.5 }, 1, BG);
  assert.deepEqual(rgbaAt(buf, 15, 2), [255, 0, 0, 255]);
  assert.equal([...buf].filter((v) => v >>> 0 !== BG).length, 1);
});
