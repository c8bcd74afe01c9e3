// Every request of the contract becomes one ipcMain.handle on channelOf(name) and goes through `dispatch`;
// the only other channel is Show in folder (shell.ts). Only frames of the app itself may call.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { REQUEST_NAMES, channelOf, type RequestName, type Result } from '../../shared/contract';
import { dispatch, type AppContext, type Handlers } from '../api/index';

export function registerIpc(
  ipcMain: IpcMain,
  handlers: Handlers,
  ctx: AppContext,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
  /** Sees every answer (Show in folder remembers what the last export wrote). */
  onResult?: (name: RequestName, result: Result<unknown>) => void,
): () => void {
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(channelOf(name), async (event, input: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event)) return { ok: false, error: `${name}: refused, the caller is not the Paddy window` };
      const result = await dispatch(handlers, ctx, name as RequestName, input);
      onResult?.(name as RequestName, result);
      return result;
    });
  }
  return () => {
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(channelOf(name));
  };
}
