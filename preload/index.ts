// The preload is a transport and nothing else: it exposes the contract's calls and events to the renderer.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_NAMES, EVENT_NAMES, callChannel, eventChannel, type CallName, type EventName } from './contract';
import type { Result } from './result';

export interface ElectronBridge {
  invoke(name: CallName, args: unknown[]): Promise<Result<unknown>>;
  on(name: EventName, listener: (payload: unknown) => void): () => void;
}

const bridge: ElectronBridge = {
  invoke(name, args) {
    if (!CALL_NAMES.includes(name)) return Promise.reject(new Error(`'${String(name)}' is not a call of the IPC contract.`));
    return ipcRenderer.invoke(callChannel(name), ...args) as Promise<Result<unknown>>;
  },
  on(name, listener) {
    if (!EVENT_NAMES.includes(name)) throw new Error(`'${String(name)}' is not an event of the IPC contract.`);
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(eventChannel(name), wrapped);
    return () => void ipcRenderer.removeListener(eventChannel(name), wrapped);
  },
};

contextBridge.exposeInMainWorld('modelLab', bridge);
