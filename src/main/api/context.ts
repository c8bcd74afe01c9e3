// What every request handler receives. Hosts (Electron main, web host, CLI, tests) build one AppContext;
// handlers stay plain Node and never import Electron.
import type { Emit, RequestInput, RequestName, RequestResult, Result } from '../../shared/contract';
import { parseInput } from '../../shared/contract';
import type { Library, OpenOptions } from '../library';
import type { WorkerHost } from '../workers/worker-host';

// Defined with the workers it drives; handlers see it here as part of their context.
export type { WorkerHost };

export interface Dialogs {
  pickFolder(): Promise<string | null>;
  pickFiles(): Promise<string[]>;
}

export interface AppContext {
  host: 'electron' | 'web' | 'cli';
  /** The library every request works on; `switchLibrary` replaces it (library.open; library.create with create). */
  library(): Library;
  switchLibrary(dir: string, opts?: OpenOptions): Library;
  emit: Emit;
  workers: WorkerHost;
  dialogs: Dialogs | null;
}

export type Handler<K extends RequestName> = (
  input: RequestInput<K>,
  ctx: AppContext,
) => Promise<RequestResult<K>> | RequestResult<K>;
export type Handlers = { [K in RequestName]: Handler<K> };
export type HandlerGroup<K extends RequestName> = { [P in K]: Handler<P> };

/** Validate, call, and turn any error into data: the one path every host uses for every request. */
export async function dispatch<K extends RequestName>(
  handlers: Handlers,
  ctx: AppContext,
  name: K,
  rawInput: unknown,
): Promise<Result<RequestResult<K>>> {
  try {
    if (!Object.prototype.hasOwnProperty.call(handlers, name)) throw new Error(`unknown request "${String(name)}"`);
    const input = parseInput(name, rawInput);
    const value = await (handlers[name] as Handler<K>)(input, ctx);
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
