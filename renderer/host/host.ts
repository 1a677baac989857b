// The renderer's one seam to the main process: the same Api over Electron IPC (the preload's bridge) or over
// HTTP to the web host in browser mode. Views never know which.
import { CALL_NAMES, EVENT_NAMES, type Api, type CallName, type EventName, type PayloadOf } from '../../preload/contract';
import { AppError, unwrap, type Result } from '../../preload/result';
import { decodeWire, encodeWire, WIRE_CONTENT_TYPE } from '../../preload/wire';
import type { ElectronBridge } from '../../preload/index';
import type { OpenedProjectFile } from '../../preload/types/project-files';

/** Saving and opening project files through the main process's native dialogs; null resolves mean cancelled. */
export interface ProjectFileDialogs {
  save(suggestedName: string, json: string): Promise<string | null>;
  open(): Promise<OpenedProjectFile | null>;
}

export interface Host {
  kind: 'electron' | 'web';
  api: Api;
  on<K extends EventName>(name: K, listener: (payload: PayloadOf<K>) => void): () => void;
  /** Native file dialogs in Electron; null in browser mode, where project files are downloaded and uploaded. */
  projectFiles: ProjectFileDialogs | null;
}

function buildApi(invoke: (name: CallName, args: unknown[]) => Promise<Result<unknown>>): Api {
  return Object.fromEntries(CALL_NAMES.map((name) => [name, async (...args: unknown[]) => unwrap(await invoke(name, args))])) as Api;
}

function electronHost(bridge: ElectronBridge): Host {
  const api = buildApi((name, args) => bridge.invoke(name, args));
  return {
    kind: 'electron',
    api,
    on: (name, listener) => bridge.on(name, listener as (payload: unknown) => void),
    projectFiles: { save: (suggestedName, json) => api.projectSaveFile(suggestedName, json), open: () => api.projectOpenFile() },
  };
}

function webHost(baseUrl: string): Host {
  let source: EventSource | null = null;
  return {
    kind: 'web',
    projectFiles: null,
    api: buildApi(async (name, args) => {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}api/call/${name}`, {
          method: 'POST',
          headers: { 'content-type': WIRE_CONTENT_TYPE },
          body: encodeWire(args) as BodyInit,
        });
      } catch (error) {
        throw new AppError('host-unreachable', `The Model Lab host did not answer (${(error as Error).message}); is 'npm run web' still running?`);
      }
      if (response.headers.get('content-type') !== WIRE_CONTENT_TYPE) {
        throw new AppError('host-error', `The Model Lab host answered '${name}' with HTTP ${response.status}: ${await response.text()}`);
      }
      return decodeWire(new Uint8Array(await response.arrayBuffer())) as Result<unknown>;
    }),
    on(name, listener) {
      if (!EVENT_NAMES.includes(name)) throw new Error(`'${name}' is not an event of the IPC contract.`);
      source ??= new EventSource(`${baseUrl}api/events`);
      const wrapped = (event: MessageEvent<string>) => listener(JSON.parse(event.data) as PayloadOf<typeof name>);
      source.addEventListener(name, wrapped);
      return () => source?.removeEventListener(name, wrapped);
    },
  };
}

/** The host of this window: Electron's bridge when the preload exposed it, the web host otherwise. */
export function connectHost(scope: { modelLab?: ElectronBridge; location?: Location } = globalThis as never): Host {
  if (scope.modelLab) return electronHost(scope.modelLab);
  return webHost(scope.location ? new URL('/', scope.location.href).href : '/');
}
