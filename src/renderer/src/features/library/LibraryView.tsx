// Library: where the library is, importing into it (with progress and the report), its classes, its history.
import { useEffect, useState } from 'react';
import { useApp } from '../../app/app.store';
import { int } from '../../app/format';
import { PathInput } from '../../ui/PathInput';
import { Banner, EmptyState, ErrorState, Loading, ProgressBar } from '../../ui/states';
import { ClassesCard } from './ClassesCard';
import { ImportReportCard } from './ImportReportCard';
import { SettingsCard } from './SettingsCard';
import { SourcesCard } from './SourcesCard';
import { ExportCard } from '../export/ExportCard';
import { importDemo, importFolder, loadImports, openLibrary, pickAndImport, showImportReport, useLibrary } from './library.store';

export function LibraryView() {
  const library = useApp((s) => s.library);
  const libraryError = useApp((s) => s.libraryError);
  const loading = useApp((s) => s.libraryLoading);
  const report = useLibrary((s) => s.report);
  const importing = useLibrary((s) => s.importing);
  useEffect(() => {
    void loadImports();
  }, []);

  if (loading) return <Loading label="Opening the library…" />;
  const empty = !!library && library.imageCount === 0;
  return (
    <div className="view" data-testid="view-library">
      <div className="view-head">
        <div>
          <h1>Library</h1>
          <div className="sub mono" data-testid="library-path">
            {library?.path ?? 'no library open'}
          </div>
        </div>
        <div className="spacer" />
        {library && (
          <div className="metrics">
            <div className="metric">
              <span className="label">Images</span>
              <span className="value" data-testid="library-count">
                {int(library.imageCount)}
              </span>
            </div>
            <div className="metric">
              <span className="label">Classes</span>
              <span className="value">{library.classes.length}</span>
            </div>
            <div className="metric">
              <span className="label">Conflicts</span>
              <span className={`value${library.conflicts ? ' bad' : ''}`}>{int(library.conflicts)}</span>
            </div>
          </div>
        )}
      </div>
      {libraryError && !library ? (
        <div className="card">
          <ErrorState title="No library is open" error={libraryError} />
          <OpenLibraryForm />
        </div>
      ) : (
        <>
          {empty && !importing && !report && <FirstRun />}
          <ImportCard />
          {report && <ImportReportCard report={report} />}
          {!empty && <ClassesCard />}
          {!empty && <SourcesCard />}
          {!empty && <ExportCard />}
          <HistoryCard />
          <SettingsCard />
          <div className="card">
            <div className="card-head">
              <h3>Open another library</h3>
              <span className="muted small">A library is a folder; Paddy creates it when it does not exist.</span>
            </div>
            <OpenLibraryForm />
          </div>
        </>
      )}
    </div>
  );
}

function FirstRun() {
  return (
    <div className="card" data-testid="first-run">
      <EmptyState
        icon="✦"
        title="This library is empty"
        action={
          <button className="btn primary" onClick={() => void importDemo()} data-testid="import-demo">
            Import the sample images
          </button>
        }
      >
        Import a folder with one sub-folder per class (its name becomes the label), or start with the built-in sample — 200 real photos
        of five rice varieties — to see how Paddy works. Source folders are never modified.
      </EmptyState>
    </div>
  );
}

function ImportCard() {
  const importing = useLibrary((s) => s.importing);
  const progress = useLibrary((s) => s.progress);
  const error = useLibrary((s) => s.importError);
  const [folder, setFolder] = useState('');
  // Import without labels (#14): every image below the folder, no class until labeled or a suggestion is accepted.
  const [unlabeled, setUnlabeled] = useState(false);
  return (
    <div className="card" data-testid="import-card">
      <div className="card-head">
        <h3>Import a folder</h3>
        <span className="muted small">One sub-folder per class · JPEG, PNG, WebP, TIFF, BMP · duplicates are recognised by content</span>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void importFolder(folder, unlabeled);
        }}
      >
        <PathInput
          placeholder="/path/to/dataset (holds Arborio/, Basmati/, …)"
          value={folder}
          onChange={setFolder}
          disabled={importing}
          onPick={() => void pickAndImport(unlabeled)}
          pickLabel="Choose folder…"
          ariaLabel="Folder to import"
          testId="import-path"
        />
        <label className="check small" title="Every image below the folder joins with no class (sub-folders are not classes); images already in the library keep their label">
          <input type="checkbox" checked={unlabeled} onChange={(e) => setUnlabeled(e.target.checked)} disabled={importing} data-testid="import-unlabeled" />
          without labels
        </label>
        <button className="btn primary" type="submit" disabled={importing} data-testid="import-start">
          {importing ? 'Importing…' : 'Import'}
        </button>
      </form>
      {importing && progress && (
        <div style={{ marginTop: 12 }}>
          <ProgressBar done={progress.done} total={progress.total} label={progress.current ? `Reading ${progress.current}` : 'Scanning the folder…'} testId="import-progress" />
        </div>
      )}
      {error && (
        <div style={{ marginTop: 12 }}>
          <Banner kind="error" title="The import did not finish" testId="import-error">
            {error}
          </Banner>
        </div>
      )}
    </div>
  );
}

function HistoryCard() {
  const imports = useLibrary((s) => s.imports);
  const error = useLibrary((s) => s.importsError);
  if (error) return null; // the import card already shows what is wrong with importing
  if (!imports || imports.length === 0) return null;
  return (
    <div className="card">
      <div className="card-head">
        <h3>Import history</h3>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>Folder</th>
            <th>Started</th>
            <th>Status</th>
            <th className="num">Imported</th>
            <th className="num">Present</th>
            <th className="num">Conflicts</th>
            <th className="num">Skipped</th>
          </tr>
        </thead>
        <tbody>
          {imports.map((i) => (
            <tr key={i.id} className="clickable" onClick={() => void showImportReport(i.id)} title="Show its report">
              <td className="mono">{i.folder}</td>
              <td>{new Date(i.startedAt).toLocaleString()}</td>
              <td>
                <span className={`badge${i.status === 'completed' ? ' ok' : i.status === 'running' ? ' run' : ' bad'}`}>{i.status}</span>
              </td>
              <td className="num">{int(i.imported)}</td>
              <td className="num">{int(i.alreadyPresent)}</td>
              <td className="num">{int(i.conflicts)}</td>
              <td className="num">{int(i.skipped)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OpenLibraryForm() {
  const error = useLibrary((s) => s.openError);
  const [path, setPath] = useState('');
  return (
    <div className="stack">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void openLibrary(path);
        }}
      >
        <input className="input" style={{ flex: 1 }} placeholder="/path/to/library" value={path} onChange={(e) => setPath(e.target.value)} aria-label="Library folder" />
        <button className="btn" type="submit" disabled={!path.trim()}>
          Open
        </button>
      </form>
      {error && (
        <Banner kind="error" title="Could not open that library">
          {error}
          {/* Only a folder that holds no library at all may become one; a lost or damaged paddy.db never is. */}
          {/not a Paddy library/.test(error) && path.trim() && (
            <div className="row" style={{ marginTop: 8 }}>
              <button className="btn" type="button" onClick={() => void openLibrary(path, true)}>
                Create library here
              </button>
            </div>
          )}
        </Banner>
      )}
    </div>
  );
}
