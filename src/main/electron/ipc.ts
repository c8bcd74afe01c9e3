// Every request of the contract becomes one ipcMain.handle on channelOf(name) and goes through `dispatch`;
// no other channel exists. Only frames of the app itself may call.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { REQUEST_NAMES, channelOf, type RequestName, type Result } from '../../shared/contract';
import { dispatch, type AppContext, type Handlers } from '../api/index';

export function registerIpc(
  ipcMain: IpcMain,
  handlers: Handlers,
  ctx: AppContext,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(channelOf(name), async (event, input: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event)) return { ok: false, error: `${name}: refused, the caller is not the Paddy window` };
      return dispatch(handlers, ctx, name as RequestName, input);
    });
  }
  return () => {
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(channelOf(name));
  };
}
