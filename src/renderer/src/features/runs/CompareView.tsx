// Two runs side by side on the same test images.
import { imageUrl } from '../../app/api';
import { pValue, pct } from '../../app/format';
import { BarChart } from '../../charts/BarChart';
import { ConfusionMatrix } from '../../charts/ConfusionMatrix';
import { ErrorState, Loading } from '../../ui/states';
import { CalibrationPanel } from './CalibrationPanel';
import { modelLabel, perClassRows } from './compare';
import { setConfusionMode } from './runs.actions';
import { openConfusionCell, openImagesInBrowse, useRuns } from './runs.store';

/** The shares/counts switch of the confusion matrices (one setting for every matrix shown). */
export function ConfusionModeToggle() {
  const mode = useRuns((s) => s.cmMode);
  return (
    <div className="segmented" role="group" aria-label="Confusion matrix values" data-testid="cm-mode">
      <button className={mode === 'normalised' ? 'on' : ''} onClick={() => setConfusionMode('normalised')}>
        % of true class
      </button>
      <button className={mode === 'absolute' ? 'on' : ''} onClick={() => setConfusionMode('absolute')}>
        counts
      </button>
    </div>
  );
}

export function CompareView({ a, b }: { a: string; b: string }) {
  const compare = useRuns((s) => s.compare);
  const error = useRuns((s) => s.compareError);
  const comparing = useRuns((s) => s.comparing);
  const da = useRuns((s) => s.details[a]);
  const db = useRuns((s) => s.details[b]);
  const cmMode = useRuns((s) => s.cmMode);
  if (error) return <div className="card"><ErrorState title="These runs cannot be compared" error={error} /></div>;
  if (comparing || !compare) return <Loading label="Comparing…" />;
  const significant = compare.mcnemarP < 0.05;
  const better = compare.accuracyA === compare.accuracyB ? null : compare.accuracyA > compare.accuracyB ? 'A' : 'B';
  return (
    <div className="stack" style={{ marginTop: 16 }} data-testid="compare">
      <div className="grid-2" style={{ alignItems: 'start' }}>
      <div className="card">
        <div className="card-head">
          <h3>Comparison</h3>
          <span className="muted small">{compare.n} shared test images</span>
        </div>
        <div className="metrics">
          <div className="metric">
            <span className="label">
              <i className="dot" style={{ background: 'var(--series-a)' }} /> A · {da?.name ?? `${da ? modelLabel(da.model) : ''} ${a}`}
            </span>
            <span className="value" data-testid="compare-acc-a">{pct(compare.accuracyA)}</span>
          </div>
          <div className="metric">
            <span className="label">
              <i className="dot" style={{ background: 'var(--series-b)' }} /> B · {db?.name ?? `${db ? modelLabel(db.model) : ''} ${b}`}
            </span>
            <span className="value" data-testid="compare-acc-b">{pct(compare.accuracyB)}</span>
          </div>
          <div className="metric">
            <span className="label">McNemar p</span>
            <span className="value" data-testid="compare-p">{pValue(compare.mcnemarP)}</span>
          </div>
          <div className="metric" style={{ maxWidth: 320 }}>
            <span className="label">Verdict</span>
            <span className="small" style={{ paddingTop: 6 }}>
              {better === null
                ? 'Same accuracy.'
                : significant
                  ? `${better} is better, and the difference is unlikely to be chance (p < 0.05).`
                  : `${better} scores higher, but the difference could be chance (p ≥ 0.05).`}
            </span>
          </div>
        </div>
        <table className="table" style={{ marginTop: 16, maxWidth: 420 }}>
          <thead>
            <tr>
              <th />
              <th className="num">B right</th>
              <th className="num">B wrong</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td className="muted">A right</td>
              <td className="num">{compare.table[0][0]}</td>
              <td className="num">{compare.table[0][1]}</td>
            </tr>
            <tr>
              <td className="muted">A wrong</td>
              <td className="num">{compare.table[1][0]}</td>
              <td className="num">{compare.table[1][1]}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <div className="card">
        <BarChart
          title="Per class: precision, recall, F1 (value shown for F1)"
          testId="compare-bars"
          groups={compare.classes.flatMap((c) => {
            const m = compare.perClass[c];
            if (!m) return [];
            return [
              {
                label: c,
                values: [
                  { name: 'A precision', value: m.a.precision, color: 'rgba(224,168,74,0.55)', labeled: false },
                  { name: 'A recall', value: m.a.recall, color: 'rgba(224,168,74,0.8)', labeled: false },
                  { name: 'A F1', value: m.a.f1, color: 'var(--series-a)' },
                  { name: 'B precision', value: m.b.precision, color: 'rgba(108,180,217,0.55)', labeled: false },
                  { name: 'B recall', value: m.b.recall, color: 'rgba(108,180,217,0.8)', labeled: false },
                  { name: 'B F1', value: m.b.f1, color: 'var(--series-b)' },
                ],
              },
            ];
          })}
        />
      </div>
      </div>
      <div className="card" data-testid="compare-per-class">
        <div className="card-head">
          <h3>Per class</h3>
          <span className="muted small">test images per class, how many each run got right, and F1</span>
        </div>
        <div style={{ overflowX: 'auto' }}>
          <table className="table">
            <thead>
              <tr>
                <th>Class</th>
                <th className="num">Test images</th>
                <th className="num">A right</th>
                <th className="num">B right</th>
                <th className="num">B − A</th>
                <th className="num">A F1</th>
                <th className="num">B F1</th>
              </tr>
            </thead>
            <tbody>
              {perClassRows(compare).map((r) => (
                <tr key={r.name}>
                  <td>{r.name}</td>
                  <td className="num">{r.support}</td>
                  <td className="num">{r.rightA}</td>
                  <td className="num">{r.rightB}</td>
                  <td className="num" style={{ color: r.rightB > r.rightA ? 'var(--ok)' : r.rightB < r.rightA ? 'var(--bad)' : undefined }}>
                    {r.rightB - r.rightA > 0 ? '+' : ''}{r.rightB - r.rightA}
                  </td>
                  <td className="num">{r.f1A.toFixed(3)}</td>
                  <td className="num">{r.f1B.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <div className="row">
        <h3>Confusion matrices</h3>
        <div className="spacer" />
        <ConfusionModeToggle />
      </div>
      <div className="grid-2">
        {[da, db].map((d, i) => (
          <div className="card" key={i}>
            {d?.test ? (
              <ConfusionMatrix
                title={`${i === 0 ? 'A' : 'B'} · confusion matrix (click a cell to see its images)`}
                testId={`cm-${i === 0 ? 'a' : 'b'}`}
                classes={d.test.classes}
                matrix={d.test.confusion}
                mode={cmMode}
                onCell={(t, p) => void openConfusionCell(d.id, d.test!.classes, t, p)}
              />
            ) : (
              <Loading label="Loading its confusion matrix…" />
            )}
          </div>
        ))}
      </div>
      <div className="row">
        <h3>Calibration and per-class curves</h3>
      </div>
      <div className="grid-2" data-testid="compare-calibration">
        {[a, b].map((id, i) => (
          <div className="card" key={id} style={{ minWidth: 0 }}>
            <CalibrationPanel runId={id} tag={i === 0 ? 'A' : 'B'} />
          </div>
        ))}
      </div>
      <div className="grid-2">
        <Gallery title="A right, B wrong" ids={compare.aRightBWrong} runId={b} testId="gallery-a-right" />
        <Gallery title="B right, A wrong" ids={compare.bRightAWrong} runId={a} testId="gallery-b-right" />
      </div>
    </div>
  );
}

const GALLERY_MAX = 24;

function Gallery({ title, ids, runId, testId }: { title: string; ids: number[]; runId: string; testId: string }) {
  return (
    <div className="card" data-testid={testId}>
      <div className="card-head">
        <h4>{title}</h4>
        <span className="faint small">{ids.length}</span>
        <div className="spacer" />
        {ids.length > 0 && (
          <button className="btn sm" onClick={() => openImagesInBrowse(ids, runId, title)}>
            Open in Browse
          </button>
        )}
      </div>
      {ids.length === 0 ? (
        <p className="small faint">None: no test image falls here.</p>
      ) : (
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(64px, 1fr))', gap: 6 }}>
          {ids.slice(0, GALLERY_MAX).map((id) => (
            <img
              key={id}
              src={imageUrl('thumb', id)}
              alt=""
              style={{ width: '100%', aspectRatio: '1', objectFit: 'cover', borderRadius: 4, cursor: 'pointer', background: '#000' }}
              onClick={() => openImagesInBrowse([id], runId, title)}
            />
          ))}
        </div>
      )}
    </div>
  );
}
