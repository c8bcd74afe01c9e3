// The learning curve (runs.learningCurve): each completed run's accuracy against the labeled images it used,
// so the Runs view shows what labeling more images bought. Derived from the runs' snapshots (run_images).
import type { LearningCurvePoint } from '../../../shared/types';
import type { Library } from '../../library';
import { learningCurveRows } from '../../repos/suggestions.repo';

export function learningCurve(lib: Library): LearningCurvePoint[] {
  return learningCurveRows(lib.db);
}
