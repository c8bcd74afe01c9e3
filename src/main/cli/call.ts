// How a CLI command reaches the app's code: `call` sends a request through `dispatch`, exactly as the Electron
// main process and the web host do (same input validation, same handler, same error text), and the `with…`
// helpers give a command its context and always close it.
import type { RequestInput, RequestName, RequestResult } from '../../shared/contract';
import type { AppContext } from '../api/context';
import { dispatch, handlers } from '../api/index';
import { runRecords } from '../services/runs';
import { createForkWorkerHost } from '../workers/fork-host';
import { str, type ParsedArgs } from './command';
import { createCliContext, type CliContext } from './context';

/** A request's result; its error (a refused input, a failed handler) is thrown with the text every host shows. */
export async function call<K extends RequestName>(ctx: AppContext, name: K, input: RequestInput<K>): Promise<RequestResult<K>> {
  const result = await dispatch(handlers, ctx, name, input);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

const noWorkers = (): never => {
  throw new Error('training is not available in this command');
};

/**
 * Runs `fn` with a CLI context on --library (or the default library) that starts no worker processes.
 * `create`: a command that writes (import, demo) makes the library when the folder holds none.
 */
export async function withLibrary<T>(args: ParsedArgs, fn: (ctx: CliContext) => Promise<T>, opts: { create?: boolean } = {}): Promise<T> {
  const ctx = createCliContext(str(args, 'library'), noWorkers, opts);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** Runs `fn` with a CLI context whose training and jobs run in forked worker processes. */
export async function withWorkers<T>(args: ParsedArgs, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx: CliContext = createCliContext(str(args, 'library'), () => createForkWorkerHost((n, p) => ctx.emit(n, p), runRecords));
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}
