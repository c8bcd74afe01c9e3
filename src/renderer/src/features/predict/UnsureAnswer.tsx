// The unsure band in Predict: the line's field in the form, and a result card's answer when it falls below it.
import { useEffect } from 'react';
import type { PredictResult } from '../../../../shared/types';
import { pct } from '../../app/format';
import { loadCalibration, useCalibration } from '../runs/calibration.store';
import { setUnsureAt, useChosenRunId, usePredict } from './predict.store';
import { unsureAnswer, unsureLine } from './unsure';

/** The line for answers of `runId`: the user's, else the run's val default (asked for once). */
export function useUnsureLine(runId: string | undefined): { line: number; fromVal: number | undefined } {
  const user = usePredict((s) => s.unsureAt);
  const fromVal = useCalibration((s) => (runId ? s.byRun[runId]?.unsureThreshold : undefined));
  useEffect(() => {
    if (runId) void loadCalibration(runId);
  }, [runId]);
  return { line: unsureLine(user, fromVal), fromVal };
}

export function UnsureField() {
  const runId = useChosenRunId();
  const user = usePredict((s) => s.unsureAt);
  const { line, fromVal } = useUnsureLine(runId || undefined);
  return (
    <div className="field">
      <label className="label" htmlFor="predict-unsure">
        Unsure below
      </label>
      <div className="row" style={{ gap: 8 }}>
        <input
          id="predict-unsure"
          className="input"
          type="number"
          min={0}
          max={100}
          step={1}
          style={{ width: 90 }}
          value={Math.round(line * 1000) / 10}
          onChange={(e) => setUnsureAt(e.target.value === '' ? null : Number(e.target.value) / 100)}
          data-testid="predict-unsure"
        />
        <span className="small muted">% confidence</span>
        {user !== null && (
          <button className="btn sm ghost" onClick={() => setUnsureAt(null)} data-testid="predict-unsure-reset">
            Use the val default
          </button>
        )}
      </div>
      <span className="help" data-testid="predict-unsure-help">
        {fromVal === undefined
          ? 'Answers below this (calibrated) confidence show as unsure, with their two likeliest classes.'
          : `Default ${pct(fromVal)}: on this run's val images, answers at or above it were at least 99% right (calibrated confidences).`}
      </span>
    </div>
  );
}

/** A result's answer as unsure (its two likeliest classes), or null when it is above the line. */
export function UnsureAnswer({ result, runId }: { result: PredictResult; runId: string | undefined }) {
  const { line } = useUnsureLine(runId);
  const u = unsureAnswer(result.probabilities, line);
  if (!u) return null;
  return (
    <div style={{ marginBottom: 8 }} data-testid="predict-unsure-answer">
      <h3 style={{ marginBottom: 2 }}>
        <span className="badge" style={{ background: 'rgba(217,180,90,0.18)', color: 'var(--warn)' }}>unsure</span>{' '}
        {u.first.name} <span className="muted small">{pct(u.first.p)}</span>
        {u.second && (
          <>
            {' '}
            <span className="muted small">or</span> {u.second.name} <span className="muted small">{pct(u.second.p)}</span>
          </>
        )}
      </h3>
      <span className="xs faint">below the unsure line of {pct(line)}</span>
    </div>
  );
}

/** True when the answer is above the line (the plain answer shows). */
export function useIsSure(result: PredictResult, runId: string | undefined): boolean {
  const { line } = useUnsureLine(runId);
  return unsureAnswer(result.probabilities, line) === null;
}
