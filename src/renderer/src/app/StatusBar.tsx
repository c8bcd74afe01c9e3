// Library path, image count, backend and the running job, always visible.
import { pct } from './format';
import { useApp } from './app.store';
import { useLibrary } from '../features/library/library.store';
import { isActive, overallProgress } from '../features/train/live';
import { useTrain } from '../features/train/train.store';
import { useSuspects } from '../features/suspects/suspects.store';

export function StatusBar() {
  const library = useApp((s) => s.library);
  const system = useApp((s) => s.system);
  const importing = useLibrary((s) => s.importing);
  const progress = useLibrary((s) => s.progress);
  const live = useTrain((s) => s.live);
  const scanning = useSuspects((s) => s.scanning);
  let job: string | null = null;
  if (importing) job = `Importing ${progress?.done ?? 0} / ${progress?.total || '…'}`;
  else if (isActive(live)) {
    const p = overallProgress(live!);
    job = `Training ${live!.runId}${p !== null ? ` · ${pct(p, 0)}` : ''}`;
  } else if (scanning) job = 'Scanning for suspects';
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span className="item" title={library?.path}>
        <i className="dot" style={{ background: library ? 'var(--ok)' : 'var(--bad)' }} />
        <b className="mono">{library?.path ?? 'no library'}</b>
      </span>
      <span className="item" data-testid="status-count">
        {library ? `${library.imageCount.toLocaleString('en-US')} images · ${library.classes.length} classes` : ''}
      </span>
      <span className="item">backend <b>{system?.backend ?? library?.backend ?? 'not started'}</b></span>
      {system && <span className="item">{system.host === 'electron' ? 'desktop' : 'browser'} · v{system.version}</span>}
      <span className="item job" data-testid="status-job">
        {job ?? <span className="faint">idle</span>}
      </span>
    </footer>
  );
}
