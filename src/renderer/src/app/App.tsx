// The studio shell: navigation, the current view, the status bar, and the one keyboard listener.
import { useEffect } from 'react';
import { BrowseView } from '../features/browse/BrowseView';
import { LibraryView } from '../features/library/LibraryView';
import { PredictView } from '../features/predict/PredictView';
import { ReviewView } from '../features/review/ReviewView'; // the review queue of unlabeled images (#14)
import { MapView } from '../features/map/MapView'; // the embedding map (#13)
import { RunsView } from '../features/runs/RunsView';
import { SuspectsView } from '../features/suspects/SuspectsView';
import { TrainView } from '../features/train/TrainView';
import { isActive } from '../features/train/live';
import { useTrain } from '../features/train/train.store';
import { perform } from './actions';
import { loadSystem, navigate, refreshLibrary, toggleHelp, useApp } from './app.store';
import { subscribeEvents } from './events';
import { isTypingTarget, resolveKey, type ViewId } from './keymap';
import { ShortcutsDialog, Toasts } from './Overlays';
import { StatusBar } from './StatusBar';
import { syncUrl } from './url-state';

const VIEWS: Array<{ id: ViewId; label: string; icon: string }> = [
  { id: 'library', label: 'Library', icon: '▤' },
  { id: 'browse', label: 'Browse', icon: '▦' },
  { id: 'suspects', label: 'Suspects', icon: '⚑' },
  { id: 'review', label: 'Review', icon: '✎' }, // unlabeled images, least certain first (#14)
  { id: 'map', label: 'Map', icon: '⁘' }, // the embedding map (#13)
  { id: 'train', label: 'Train', icon: '◔' },
  { id: 'runs', label: 'Runs & compare', icon: '≋' },
  { id: 'predict', label: 'Predict', icon: '◎' },
];

export function App() {
  const view = useApp((s) => s.view);
  const training = useTrain((s) => isActive(s.live));

  useEffect(() => {
    const off = subscribeEvents();
    void refreshLibrary();
    void loadSystem();
    return off;
  }, []);

  // The page and its filters survive a reload through the address (url-state.ts).
  useEffect(() => syncUrl(window.location, (hash) => window.history.replaceState(window.history.state, '', hash)), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key === 'Escape' && useApp.getState().helpOpen) return toggleHelp(false);
      if (isTypingTarget(t?.tagName, !!t?.isContentEditable)) return;
      const r = resolveKey(e, useApp.getState().view);
      if (!r) return;
      e.preventDefault();
      perform(r);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Views">
        <div className="brand">
          <span className="brand-mark" />
          Paddy
        </div>
        {VIEWS.map((v) => (
          <button key={v.id} className={`nav-item${view === v.id ? ' active' : ''}`} onClick={() => navigate(v.id)} data-testid={`nav-${v.id}`}>
            <span style={{ width: 16, textAlign: 'center' }}>{v.icon}</span>
            {v.label}
            {v.id === 'train' && training && <i className="dot" style={{ marginLeft: 'auto', background: 'var(--accent)' }} />}
          </button>
        ))}
        <div className="sidebar-foot">
          <button className="btn ghost sm" onClick={() => toggleHelp(true)}>
            Shortcuts <span className="kbd">?</span>
          </button>
        </div>
      </nav>
      <main className="main">
        {view === 'library' && <LibraryView />}
        {view === 'browse' && <BrowseView />}
        {view === 'suspects' && <SuspectsView />}
        {view === 'train' && <TrainView />}
        {view === 'runs' && <RunsView />}
        {view === 'predict' && <PredictView />}
        {view === 'review' && <ReviewView />}
        {view === 'map' && <MapView />}{/* the embedding map (#13) */}
      </main>
      <StatusBar />
      <ShortcutsDialog />
      <Toasts />
    </div>
  );
}
