// Source files after import: check them, relink a moved folder, remove images whose file is gone or changed.
// Missing and changed images stay in the library (shown in Browse with a badge) but out of training and export.
import { useState } from 'react';
import type { SourceCheckResult } from '../../../../shared/types';
import { getApi } from '../../app/api';
import { navigate, refreshLibrary, toast } from '../../app/app.store';
import { int } from '../../app/format';
import { Banner } from '../../ui/states';
import { replaceFilter } from '../browse/browse.store';

export function SourcesCard() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SourceCheckResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [relinking, setRelinking] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const check = () => run(async () => setResult(await getApi()['sources.check']({})));
  const bad = result ? result.missing + result.changed : 0;
  return (
    <div className="card" data-testid="sources-card">
      <div className="card-head">
        <h3>Source files</h3>
        <span className="muted small">Images are read in place; moved, deleted or edited files are left out of training and export</span>
        <div className="spacer" />
        <button className="btn" disabled={busy} onClick={() => void check()} data-testid="sources-check">
          Check sources
        </button>
        <button className="btn" disabled={busy} onClick={() => setRelinking((v) => !v)}>
          Relink folder…
        </button>
        <button
          className="btn"
          disabled={busy || !bad}
          onClick={() =>
            void run(async () => {
              const r = await getApi()['sources.removeMissing']({});
              toast(`Removed ${int(r.removed)} image${r.removed === 1 ? '' : 's'} whose source was missing or changed`);
              setResult(null);
              await refreshLibrary();
            })
          }
        >
          Remove missing
        </button>
      </div>
      {result && (
        <div className="row small" data-testid="sources-result">
          {int(result.checked)} checked · {int(result.ok)} ok · <span className={result.missing ? 'bad' : ''}>{int(result.missing)} missing</span> ·{' '}
          <span className={result.changed ? 'bad' : ''}>{int(result.changed)} changed</span>
          {bad > 0 && (
            <button
              className="btn sm"
              onClick={() => {
                replaceFilter({ missingOnly: true });
                navigate('browse');
              }}
            >
              Show in Browse
            </button>
          )}
        </div>
      )}
      {relinking && (
        <form
          className="row"
          style={{ marginTop: 8 }}
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              const r = await getApi()['sources.relink']({ from: from.trim(), to: to.trim() });
              toast(`Relinked ${int(r.relinked)} image${r.relinked === 1 ? '' : 's'}${r.unmatched ? ` · ${int(r.unmatched)} not found with the same bytes` : ''}`);
              setRelinking(false);
              await check();
            });
          }}
        >
          <input className="input" style={{ flex: 1 }} placeholder="old folder" value={from} onChange={(e) => setFrom(e.target.value)} aria-label="Old folder" />
          <input className="input" style={{ flex: 1 }} placeholder="new folder" value={to} onChange={(e) => setTo(e.target.value)} aria-label="New folder" />
          <button className="btn primary" type="submit" disabled={busy || !from.trim() || !to.trim()}>
            Relink
          </button>
        </form>
      )}
      {error && (
        <Banner kind="error" title="Source files">
          {error}
        </Banner>
      )}
    </div>
  );
}
