// `paddy export-onnx` files load in OpenCV's DNN module (Debian's python3-opencv, 4.6) and score real rice
// images exactly like `paddy predict`: a tiny real CNN run and a tiny real MobileNetV2 run, trained and exported
// with the CLI, fed the pixels Paddy decodes (raw RGB 0–255, NHWC, as the graph declares).
// Skipped, with the reason, only where python3 or its cv2 module is missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { decodeImage } from '../../../../../src/main/engine/data/images';
import { ALL_VIEWS, orient } from '../../../../../src/main/engine/data/views';
import { shapeOf } from '../../../../../src/main/engine/features/shape';
import { makeTrainLibrary, RICE_CLASSES, riceFiles } from '../../../../helpers/train-lib';
import { MOBILENET_DIR, tempDir } from '../../../../helpers/tmp';
import { paddy } from '../../../../helpers/cli';
import { openLibrary } from '../../../../../src/main/library';
import { getCalibration } from '../../../../../src/main/repos/calibration.repo';
import { calibrate } from '../../../../../src/main/services/calibration';

/** A python3 whose cv2 imports (the Debian package installs it for /usr/bin/python3), or why there is none. */
function findOpenCv(): { python: string; version: string } | { skip: string } {
  let sawPython = false;
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import cv2, numpy; print(cv2.__version__)'], { encoding: 'utf8' });
    if (r.error) continue;
    sawPython = true;
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return { skip: sawPython ? 'python3 has no cv2 module (apt-get install python3-opencv)' : 'python3 is not installed' };
}

// Loads the model with cv2.dnn.readNetFromONNX, feeds [N, H, W, 3] float32 RGB 0–255 (and, for a head that takes
// the object's shape numbers, [N, 13, 1, 1] float32 as its second input), prints the output rows.
const SCRIPT = `
import sys, json, cv2, numpy as np
model, pixels, n, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
x = np.fromfile(pixels, dtype=np.uint8).astype(np.float32).reshape(n, size, size, 3)
net = cv2.dnn.readNetFromONNX(model)
if len(sys.argv) > 7:
    net.setInput(x, sys.argv[7])
    net.setInput(np.fromfile(sys.argv[5], dtype=np.float32).reshape(n, -1, 1, 1), sys.argv[6])
else:
    net.setInput(x)
print(json.dumps(net.forward().tolist()))
`;

const opencv = findOpenCv();
const CLASSES = RICE_CLASSES.slice(0, 3);
// Images the runs never saw, 4 per class.
const FILES = CLASSES.flatMap((c) => riceFiles(c, 4, 200));

async function checkRun(libDir: string, trainArgs: string[], size: number, label: string, wantViews: number, wantShape = false): Promise<number> {
  if ('skip' in opencv) return 0;
  const t = await paddy(['train', ...trainArgs, '--epochs', '1', '--batch-size', '8', '--backend', 'wasm', '--library', libDir, '--json']);
  assert.equal(t.code, 0, t.err);
  const runId = JSON.parse(t.out).runId as string;
  const file = path.join(tempDir(), `${label}.onnx`);
  const ex = await paddy(['export-onnx', '--run', runId, file, '--library', libDir, '--json']);
  assert.equal(ex.code, 0, ex.err);
  const pr = await paddy(['predict', '--run', runId, ...FILES, '--library', libDir, '--json']);
  assert.equal(pr.code, 0, pr.err);
  const paddyProbs = (JSON.parse(pr.out) as Array<{ probabilities: Record<string, number> }>).map((r) => CLASSES.map((c) => r.probabilities[c]!));

  // The exact pixels Paddy scores: its own decoder at the run's input size; with test-time views (the export says
  // so) each of the eight flips/quarter turns, view-major, and OpenCV's probabilities averaged over them.
  const { views, shapeInput, input } = JSON.parse(ex.out) as { views: number; shapeInput?: { name: string }; input: { name: string } };
  assert.equal(views, wantViews, `${label}: the export says how many views the run averages`);
  assert.equal(Boolean(shapeInput), wantShape, `${label}: the export names the shape input when the head takes one`);
  const decoded = await Promise.all(FILES.map((f) => decodeImage(f, size)));
  const pixels = path.join(tempDir(), `${label}.u8`);
  fs.writeFileSync(pixels, Buffer.concat(ALL_VIEWS.slice(0, views).flatMap((v) => decoded.map((px) => Buffer.from(orient(px, size, v))))));
  // The shape numbers are the same for every view (features/shape.ts): Paddy's own, repeated view-major.
  const shapeArgs: string[] = [];
  if (shapeInput) {
    const shapes = path.join(tempDir(), `${label}.f32`);
    const rows = decoded.map((px) => shapeOf(px, size));
    fs.writeFileSync(shapes, Buffer.concat(ALL_VIEWS.slice(0, views).flatMap(() => rows.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength)))));
    shapeArgs.push(shapes, shapeInput.name, input.name);
  }
  const cv = spawnSync(opencv.python, ['-c', SCRIPT, file, pixels, String(views * FILES.length), String(size), ...shapeArgs], { encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(cv.status, 0, `OpenCV ${opencv.version} could not run ${label}.onnx:\n${cv.stderr}`);
  // The exported model gives the raw probabilities; paddy predict applies the run's temperature (calibration, #13).
  const calLib = openLibrary(libDir);
  const T = getCalibration(calLib.db, runId)?.temperature ?? 1;
  calLib.close();
  const rows = JSON.parse(cv.stdout) as number[][];
  const n = FILES.length;
  const averaged = rows.slice(0, n).map((_, i) => rows[i]!.map((_, k) => ALL_VIEWS.slice(0, views).reduce((a, v) => a + rows[v * n + i]![k]!, 0) / views));
  const cvProbs = averaged.map((row) => calibrate(row, T));
  assert.equal(cvProbs.length, FILES.length);
  let worst = 0;
  cvProbs.forEach((row, i) => {
    assert.equal(row.length, CLASSES.length);
    row.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - paddyProbs[i]![k]!))));
  });
  assert.ok(worst < 1e-4, `${label}: OpenCV's probabilities differ from paddy predict's by up to ${worst}`);
  return worst;
}

test('a CNN run exported with paddy export-onnx scores like paddy predict in OpenCV DNN', { skip: 'skip' in opencv ? opencv.skip : false }, async (t) => {
  const lib = makeTrainLibrary(6, { classes: CLASSES.length });
  const dir = lib.dir;
  lib.close();
  // The default shape classifier is weighed in inside the graph (Clip, Log, Mul, Add, Softmax after the CNN).
  const worst = await checkRun(dir, ['--model', 'cnn', '--image-size', '32', '--filters', '4,8', '--dense', '8'], 32, 'cnn', 1, true);
  t.diagnostic(`OpenCV ${'version' in opencv ? opencv.version : ''}: max |Δp| ${worst.toExponential(2)} over ${FILES.length} images`);
});

test('a MobileNetV2 run exported with paddy export-onnx scores like paddy predict in OpenCV DNN', { skip: 'skip' in opencv ? opencv.skip : false }, async (t) => {
  const lib = makeTrainLibrary(6, { classes: CLASSES.length });
  const dir = lib.dir;
  lib.close();
  const worst = await checkRun(dir, ['--model', 'mobilenetv2', '--alpha', '0.35', '--weights', MOBILENET_DIR, '--dense', '8'], 224, 'mnv2', 8, true);
  t.diagnostic(`OpenCV ${'version' in opencv ? opencv.version : ''}: max |Δp| ${worst.toExponential(2)} over ${FILES.length} images`);
});
