// Designed empty, loading and error states: no view is ever left blank.
import type { ReactNode } from 'react';

export function EmptyState(props: { icon?: string; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state" data-testid="empty-state">
      <div className="state-icon">{props.icon ?? '○'}</div>
      <h3>{props.title}</h3>
      {props.children && <p>{props.children}</p>}
      {props.action}
    </div>
  );
}

export function ErrorState(props: { title?: string; error: string; action?: ReactNode }) {
  return (
    <div className="state error" data-testid="error-state">
      <div className="state-icon">!</div>
      <h3>{props.title ?? 'Something went wrong'}</h3>
      <p>Paddy could not finish this request.</p>
      <div className="detail">{props.error}</div>
      {props.action}
    </div>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <div className="state" data-testid="loading">
      <div style={{ width: 200 }}>
        <div className="progress indeterminate">
          <div />
        </div>
      </div>
      <p className="small">{props.label ?? 'Loading…'}</p>
    </div>
  );
}

export function Banner(props: { kind: 'error' | 'info' | 'ok'; title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className={`banner ${props.kind}`} data-testid={props.testId}>
      <div>
        <div className="title">{props.title}</div>
        {props.children && <div className="muted">{props.children}</div>}
      </div>
    </div>
  );
}

export function ProgressBar(props: { done: number; total: number; label?: string; testId?: string }) {
  const share = props.total > 0 ? Math.min(1, props.done / props.total) : 0;
  return (
    <div data-testid={props.testId}>
      <div className="progress-label">
        <span>{props.label}</span>
        <span>
          {props.done.toLocaleString('en-US')} / {props.total.toLocaleString('en-US')}
        </span>
      </div>
      <div className={`progress${props.total === 0 ? ' indeterminate' : ''}`} role="progressbar" aria-valuenow={Math.round(share * 100)}>
        <div style={{ width: props.total === 0 ? undefined : `${share * 100}%` }} />
      </div>
    </div>
  );
}
