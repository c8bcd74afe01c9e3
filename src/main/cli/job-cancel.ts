// Ctrl-C for the CLI commands whose work runs as a worker job (suspects, eval, predict), mirroring `paddy train`:
// the first Ctrl-C cancels the job (`jobs.cancel`) (the worker stops at its next checkpoint, or is
// killed after a grace period) and the command ends with one line and exit code 130; a second one quits at once.
// On a terminal a "cancelling…" notice comes first (a stop can take seconds); scripts and logs get the one line.
import { cancelledMessage, isCancelledError, type JobRequestName } from '../../shared/contract';
import { call } from './call';
import { CancelledError, type CliIo } from './command';
import type { CliContext } from './context';

export async function cancellableJob<T>(
  ctx: CliContext,
  io: CliIo,
  name: JobRequestName,
  work: () => Promise<T>,
  /** Clears a progress bar before the "cancelling" line. */
  beforeNotice: () => void = () => undefined,
): Promise<T> {
  let interrupts = 0;
  let cancelling = false;
  const onSigint = (): void => {
    interrupts++;
    // A second Ctrl-C: quit now, as `paddy train` does.
    if (interrupts > 1) process.exit(130);
    cancelling = true;
    void call(ctx, 'jobs.cancel', { name }).then(({ cancelled }) => {
      // Not handed to a worker yet (or already done): nothing to wait for.
      if (cancelled === 0) {
        io.err(cancelledMessage(name));
        process.exit(130);
      }
      if (!io.interactive) return;
      beforeNotice();
      io.err(`cancelling ${name}… (Ctrl-C again to quit now)`);
    });
  };
  process.on('SIGINT', onSigint);
  try {
    return await work();
  } catch (e) {
    if (cancelling && isCancelledError(name, e)) throw new CancelledError(cancelledMessage(name));
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
