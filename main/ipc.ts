// Electron transport: one ipcMain handler per contract call, each checking that the sender is our own page.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CALL_NAMES, callChannel, eventChannel, type CallName, type Handlers } from '../preload/contract';
import { AppError, toResult } from '../preload/result';
import type { EventSink } from './handlers';

export function registerIpc(handlers: Handlers, isTrustedUrl: (url: string) => boolean): void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(callChannel(name), (event: IpcMainInvokeEvent, ...args: unknown[]) =>
      toResult(() => {
        const url = event.senderFrame?.url ?? '';
        if (!isTrustedUrl(url)) throw new AppError('forbidden', `Refused a '${name}' call from an untrusted page (${url || 'unknown'}).`);
        const handler = handlers[name] as (...a: unknown[]) => unknown;
        return handler(...args);
      }),
    );
  }
}

export function unregisterIpc(): void {
  for (const name of CALL_NAMES as CallName[]) ipcMain.removeHandler(callChannel(name));
}

/** Sends events to every live window. */
export function windowEventSink(windows: () => WebContents[]): EventSink {
  return {
    emit(name, payload) {
      for (const contents of windows()) if (!contents.isDestroyed()) contents.send(eventChannel(name), payload);
    },
  };
}
