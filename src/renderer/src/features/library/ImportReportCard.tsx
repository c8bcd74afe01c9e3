// The outcome of an import: what came in, what was already there, conflicts, and every skipped file with why.
import type { ImportReport } from '../../../../shared/types';
import { duration, int } from '../../app/format';
import { importOutcome } from './library.store';

export function ImportReportCard({ report }: { report: ImportReport }) {
  return (
    <div className="card" data-testid="import-report">
      <div className="card-head">
        <h3>Import report</h3>
        <span className="muted small mono">{report.folder}</span>
        <div className="spacer" />
        <span className="faint small">{duration(report.seconds)}</span>
      </div>
      {report.imported === 0 && (
        <p className="small muted" style={{ margin: '0 0 12px' }} data-testid="report-nothing-new">
          {importOutcome(report).text}.
        </p>
      )}
      {report.unlabeled && (
        <p className="small muted" style={{ margin: '0 0 12px' }} data-testid="report-unlabeled">
          Imported without labels: the new images have no class until labeled (Browse → Pre-label suggests one).
          {report.alreadyLabeled ? ` ${int(report.alreadyLabeled)} were already in the library with a label and keep it.` : ''}
        </p>
      )}
      <div className="metrics" style={{ marginBottom: 16 }}>
        <div className="metric">
          <span className="label">Imported</span>
          <span className="value" data-testid="report-imported">{int(report.imported)}</span>
        </div>
        <div className="metric">
          <span className="label">Already present</span>
          <span className="value">{int(report.alreadyPresent)}</span>
        </div>
        <div className="metric">
          <span className="label">Conflicts</span>
          <span className={`value${report.conflicts ? ' bad' : ''}`}>{int(report.conflicts)}</span>
        </div>
        <div className="metric">
          <span className="label">Skipped</span>
          <span className={`value${report.skipped.length ? ' bad' : ''}`} data-testid="report-skipped">
            {int(report.skipped.length)}
          </span>
        </div>
      </div>
      {report.skipped.length > 0 ? (
        <div style={{ maxHeight: 240, overflow: 'auto' }}>
          <table className="table">
            <thead>
              <tr>
                <th>Skipped file</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {report.skipped.map((s) => (
                <tr key={s.path} data-testid="skipped-row">
                  <td className="mono">{s.path}</td>
                  <td className="bad small">{s.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="small ok">Every file was read.</p>
      )}
    </div>
  );
}
