// The IPC contract: ONE object whose keys are the calls and events between the renderer and the main process.
// Channel names are derived from the keys; the main process must provide a handler for every call (the
// `Handlers` type makes a missing one a compile error); both transports (Electron IPC and the web host) iterate
// these keys. Per-area pieces live beside this file and are spread in here.
import type { AppInfo } from './types/app-info';
import type { Checkpoint, CheckpointInfo, CheckpointSaveRequest } from './types/checkpoints';
import type {
  DatasetHealth,
  DatasetImportRequest,
  DatasetImportResult,
  DatasetManifest,
  DatasetSplit,
  DatasetSummary,
  DatasetThumbnailRequest,
} from './types/datasets';
import type { OpenedProjectFile } from './types/project-files';

/** Marks a call taking `A` and resolving to `R`. Only the type matters; the value is an empty object. */
export interface Call<A extends unknown[], R> {
  readonly call?: (...args: A) => R;
}
/** Marks an event the main process pushes to the renderer with payload `P`. */
export interface Event<P> {
  readonly event?: (payload: P) => void;
}

export const call = <A extends unknown[] = [], R = void>(): Call<A, R> => ({});
export const event = <P>(): Event<P> => ({});

// Project files through native dialogs. Electron only: the web host answers these with a 'not available in
// browser mode' error, and the renderer downloads and uploads there instead (renderer/host/host.ts decides).
const projectFileCalls = {
  /** Asks where to save (a .json file) and writes `json` there atomically; the saved path, or null when cancelled. */
  projectSaveFile: call<[suggestedName: string, json: string], string | null>(),
  /** Asks for a .json file and reads it (a project or a bare graph); null when cancelled. */
  projectOpenFile: call<[], OpenedProjectFile | null>(),
};

export const calls = {
  ...projectFileCalls,
  appInfo: call<[], AppInfo>(),
  datasetList: call<[], DatasetSummary[]>(),
  datasetShow: call<[name: string], DatasetManifest>(),
  /** Progress arrives as 'progress' events under request.job (made up when omitted, and returned). */
  datasetImport: call<[request: DatasetImportRequest], DatasetImportResult>(),
  /** True when the job was running; it then stops, leaving nothing behind, and datasetImport fails as cancelled. */
  datasetImportCancel: call<[job: string], boolean>(),
  datasetRename: call<[from: string, to: string], DatasetManifest>(),
  datasetDelete: call<[name: string], void>(),
  datasetHealth: call<[name: string], DatasetHealth>(),
  /** One whole shard: uint8 N×C×H×W (N = the shard's count in the manifest). */
  datasetShard: call<[name: string, split: DatasetSplit, index: number], Uint8Array>(),
  /** A split's labels: little-endian uint16 class indices, in sample order. */
  datasetLabels: call<[name: string, split: DatasetSplit], Uint8Array>(),
  /** PNG bytes. */
  datasetThumbnail: call<[name: string, request: DatasetThumbnailRequest], Uint8Array>(),
  /** Imports the bundled Fashion-MNIST sample as 'fashion-mnist-sample' (returns it as is when already there). */
  datasetInstallSample: call<[job?: string], DatasetImportResult>(),
  /** Saving under an existing name replaces that checkpoint atomically. */
  checkpointSave: call<[request: CheckpointSaveRequest], CheckpointInfo>(),
  checkpointList: call<[], CheckpointInfo[]>(),
  checkpointLoad: call<[name: string], Checkpoint>(),
  checkpointDelete: call<[name: string], void>(),
};

export const events = {
  /** A progress report for a long-running job (imports, exports); `done` is true on the last one. */
  progress: event<{ job: string; done: boolean; fraction: number; message: string }>(),
};

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type Events = typeof events;
export type EventName = keyof Events;

export type ArgsOf<K extends CallName> = Calls[K] extends Call<infer A, unknown> ? A : never;
// `never` arguments: a call taking (name: string) is not a Call<unknown[], R> under strict function types.
export type ReturnOf<K extends CallName> = Calls[K] extends Call<never, infer R> ? R : never;
export type PayloadOf<K extends EventName> = Events[K] extends Event<infer P> ? P : never;

/** What the main process implements: one function per call. A missing key fails to compile. */
export type Handlers = { [K in CallName]: (...args: ArgsOf<K>) => Promise<ReturnOf<K>> | ReturnOf<K> };

/** What the renderer sees: every call as an async function that throws AppError on failure. */
export type Api = { [K in CallName]: (...args: ArgsOf<K>) => Promise<ReturnOf<K>> };

export const CALL_NAMES = Object.keys(calls) as CallName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export const callChannel = (name: CallName): string => `model-lab:call:${name}`;
export const eventChannel = (name: EventName): string => `model-lab:event:${name}`;
