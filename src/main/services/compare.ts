// Compare two runs on the images both were tested on: accuracies, per-class metrics, the 2×2 agreement table,
// McNemar's p-value, and which images one run got right and the other wrong.
import type { CompareResult } from '../../shared/types';
import type { Library } from '../library';
import { allClasses, runPredictions } from '../repos/runs.repo';
import { mcnemarP, testMetrics } from '../engine/metrics';
import { requireRun, runClasses } from './runs';

export function compareRuns(lib: Library, a: string, b: string): CompareResult {
  const runA = requireRun(lib, a);
  const runB = requireRun(lib, b);
  for (const r of [runA, runB]) if (r.status !== 'completed') throw new Error(`run ${r.id} is ${r.status}: only completed runs can be compared`);
  // Classes are matched by id (a class renamed between the two runs is still one class) and named as the
  // library names them now, falling back to the runs' own names for a class since merged or removed.
  const current = new Map(allClasses(lib.db).map((c) => [c.id, c.name]));
  const runNames = new Map([...runClasses(runB), ...runClasses(runA)].map((c) => [c.id, c.name]));
  const ids = [...new Set([...runClasses(runA), ...runClasses(runB)].map((c) => c.id))];
  const classes: string[] = [];
  for (const id of ids) {
    const name = current.get(id) ?? runNames.get(id) ?? `class ${id}`;
    classes.push(classes.includes(name) ? `${name} (${id})` : name);
  }
  const idx = new Map(ids.map((id, i) => [id, i]));
  const predB = new Map(runPredictions(lib.db, b).map((p) => [p.imageId, p]));
  const truth: number[] = [];
  const pa: number[] = [];
  const pb: number[] = [];
  const table: [[number, number], [number, number]] = [[0, 0], [0, 0]];
  const aRightBWrong: number[] = [];
  const bRightAWrong: number[] = [];
  for (const p of runPredictions(lib.db, a)) {
    const q = predB.get(p.imageId);
    if (!q) continue;
    // Each run is scored against the label it was tested with (labels may have been fixed in between).
    const okA = p.predictedClassId === p.trueClassId;
    const okB = q.predictedClassId === q.trueClassId;
    table[okA ? 0 : 1][okB ? 0 : 1]++;
    if (okA && !okB) aRightBWrong.push(p.imageId);
    if (!okA && okB) bRightAWrong.push(p.imageId);
    truth.push(idx.get(p.trueClassId)!);
    pa.push(idx.get(p.predictedClassId)!);
    pb.push(idx.get(q.predictedClassId)!);
  }
  const n = truth.length;
  if (n === 0) throw new Error(`runs ${a} and ${b} share no test images (they were trained on different libraries or splits)`);
  const mA = testMetrics(classes, truth, pa);
  const mB = testMetrics(classes, truth, pb);
  const perClass: CompareResult['perClass'] = {};
  for (const c of classes) perClass[c] = { a: mA.perClass[c]!, b: mB.perClass[c]! };
  return {
    a, b, n, classes,
    accuracyA: (table[0][0] + table[0][1]) / n,
    accuracyB: (table[0][0] + table[1][0]) / n,
    perClass, table,
    mcnemarP: mcnemarP(table[0][1], table[1][0]),
    aRightBWrong, bRightAWrong,
  };
}
