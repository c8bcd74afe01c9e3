// The shortcut sheet and the toasts.
import { SHORTCUTS } from './keymap';
import { toggleHelp, useApp } from './app.store';

export function ShortcutsDialog() {
  const open = useApp((s) => s.helpOpen);
  if (!open) return null;
  const scopes = [...new Set(SHORTCUTS.map((s) => s.scope))];
  return (
    <div className="overlay" onClick={() => toggleHelp(false)}>
      <div className="dialog" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcuts" onClick={(e) => e.stopPropagation()}>
        <div className="row" style={{ marginBottom: 16 }}>
          <h2 style={{ margin: 0 }}>Keyboard shortcuts</h2>
          <div className="spacer" />
          <button className="btn sm ghost" onClick={() => toggleHelp(false)}>
            Close <span className="kbd">Esc</span>
          </button>
        </div>
        {scopes.map((scope) => (
          <section key={scope} style={{ marginBottom: 16 }}>
            <h4 style={{ marginBottom: 8 }}>{scope}</h4>
            <div className="shortcuts">
              {SHORTCUTS.filter((s) => s.scope === scope).map((s) => (
                <div key={s.what} style={{ display: 'contents' }}>
                  <span className="row" style={{ gap: 4 }}>
                    {s.keys.map((k, i) => (k === '…' ? <span key={i} className="faint">…</span> : <span key={i} className="kbd">{k}</span>))}
                  </span>
                  <span className="small">{s.what}</span>
                </div>
              ))}
            </div>
          </section>
        ))}
      </div>
    </div>
  );
}

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
