// Every call of the IPC contract, implemented once over the services. Both transports serve this object.
import type { EventName, Handlers, PayloadOf } from '../preload/contract';
import type { AppInfo } from '../preload/types/app-info';
import { appInfo } from './services/app-info';
import { checkpointHandlers } from './services/checkpoints/handlers';
import { datasetHandlers } from './services/datasets/handlers';
import type { DataFolder } from './services/data-folder';
import { projectFileHandlers, type ProjectDialogs } from './services/project-files';

/** Pushes events to whoever listens (Electron windows, web-host event streams). */
export interface EventSink {
  emit<K extends EventName>(name: K, payload: PayloadOf<K>): void;
}

export interface HandlerContext {
  data: DataFolder;
  host: AppInfo['host'];
  events: EventSink;
  /** Native file dialogs (Electron); absent in the web host, whose project-file calls then say so. */
  dialogs?: ProjectDialogs;
}

export function createHandlers(context: HandlerContext): Handlers {
  return {
    appInfo: () => appInfo(context.data, context.host),
    ...datasetHandlers({ root: context.data.path, progress: (payload) => context.events.emit('progress', payload) }),
    ...checkpointHandlers(context.data.path),
    ...projectFileHandlers(context.dialogs),
  };
}
