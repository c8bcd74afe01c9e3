// A one-line terminal progress bar (redrawn in place with \r) with rate and ETA. Silent when not a terminal.
// Its label and details may name files or classes: they are shown through forTerminal (terminal.ts).
import { forTerminal } from './terminal';

export class ProgressBar {
  private started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number, detail = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 80 && done < total) return;
    this.lastDraw = now;
    const width = 28;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(frac * width);
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 && total > done ? ` eta ${formatSeconds((total - done) / rate)}` : '';
    const cols = this.stream.columns ?? 100;
    let line = `${forTerminal(this.label)} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${(frac * 100).toFixed(0)}%${eta}`;
    if (detail) line += ` ${forTerminal(detail)}`;
    if (line.length > cols - 1) line = line.slice(0, cols - 1);
    this.stream.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }

  done(message?: string): void {
    if (!this.enabled) return;
    if (this.drawn) this.stream.write('\r\x1b[2K');
    if (message) this.stream.write(`${forTerminal(message)}\n`);
    this.drawn = false;
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A job's progress events that come in phases (features, then pca, …): `{ phase, done, total }`. */
type PhaseEvent = { phase: string; done: number; total: number };

/**
 * One bar per phase of a job's progress events, each replacing the last (labels: a fixed-width name per phase,
 * so the bars line up). `stop()` unsubscribes and clears the bar; `done()` only clears it (Ctrl-C's message).
 */
export function phaseBars(
  listen: (fn: (name: string, payload: unknown) => void) => () => void,
  event: string,
  interactive: boolean,
  labels: Record<string, string> = {},
): { done(): void; stop(): void } {
  let bar: ProgressBar | null = null;
  let phase = '';
  const off = listen((name, payload) => {
    if (name !== event) return;
    const p = payload as PhaseEvent;
    if (p.phase !== phase) {
      bar?.done();
      phase = p.phase;
      bar = new ProgressBar(labels[p.phase] ?? p.phase, interactive);
    }
    bar?.update(p.done, p.total);
  });
  return {
    done: () => bar?.done(),
    stop: () => {
      off();
      bar?.done();
    },
  };
}
