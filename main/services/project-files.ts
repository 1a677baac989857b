// Project files saved and opened through the main process (Electron's native dialogs). The dialogs are injected, so
// Node tests drive this module with a fake; the web host has none and answers these calls with a clear error.
// Writes are atomic (temp file + rename): a crash leaves the old file or the new one, never half of one.
import { stat, readFile } from 'node:fs/promises';
import { basename, extname, isAbsolute } from 'node:path';
import type { Handlers } from '../../preload/contract';
import { AppError } from '../../preload/result';
import type { OpenedProjectFile } from '../../preload/types/project-files';
import { parseGraph } from '../../renderer/core/graph';
import { parseProject, PROJECT_FORMAT, ProjectError } from '../../renderer/core/project';
import { isRecord } from '../../renderer/core/layers/layer';
import { nodeDisk, writeFileAtomic, type Disk } from './datasets/disk';
import { isErrno } from './datasets/errors';

/**
 * The largest project file read or written: a layer graph is kilobytes; a project with ResNet-18's weights in
 * base64 is about 62 MB. Bigger files are refused rather than pushed whole through IPC into the window.
 */
export const MAX_PROJECT_FILE_BYTES = 256 * 1024 * 1024;

/** The native dialogs: each resolves to the chosen absolute path, or null when the user cancelled. */
export interface ProjectDialogs {
  chooseSavePath(suggestedName: string): Promise<string | null>;
  chooseOpenPath(): Promise<string | null>;
}

export type ProjectFileErrorCode = 'project-file-invalid' | 'project-file-too-large' | 'project-file-io' | 'not-available';

export class ProjectFileError extends AppError {
  constructor(code: ProjectFileErrorCode, message: string) {
    super(code, message);
    this.name = 'ProjectFileError';
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/**
 * Checks that `text` is a Model Lab project (or a bare layer graph) before it is written or handed to the window.
 * Projects go through the model core's parseProject; one without weights whose graph is structurally sound but
 * does not analyse yet (a design in progress, e.g. a Dense layer still missing its Flatten) is accepted, as the
 * editor saves those too.
 */
export function checkProjectText(text: string, file: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProjectFileError('project-file-invalid', `'${file}' is not valid JSON (${(error as Error).message}); choose a Model Lab project (.json).`);
  }
  if (isRecord(value) && value.format === 'model-lab/graph') {
    const parsed = parseGraph(value);
    if (!parsed.graph) throw new ProjectFileError('project-file-invalid', `'${file}' is not a valid layer graph: ${parsed.issues[0]?.message ?? 'it cannot be read'}.`);
    return;
  }
  try {
    parseProject(value);
  } catch (error) {
    if (!(error instanceof ProjectError)) throw error;
    const designInProgress = error.field === 'graph' && isRecord(value) && value.weights === undefined && parseGraph(value.graph).graph !== undefined;
    if (designInProgress) return;
    const what = isRecord(value) && value.format === PROJECT_FORMAT ? 'a valid Model Lab project' : 'a Model Lab project';
    throw new ProjectFileError('project-file-invalid', `'${file}' is not ${what}: ${error.message}`);
  }
}

/** The path with '.json' added when the user typed a name without an extension. */
function withJsonExtension(path: string): string {
  return extname(path) === '' ? `${path}.json` : path;
}

function checkPath(path: unknown, action: string): string {
  if (typeof path !== 'string' || !isAbsolute(path)) {
    throw new ProjectFileError('project-file-io', `The ${action} dialog returned ${JSON.stringify(path)}, which is not an absolute path.`);
  }
  return path;
}

export async function saveProjectFile(dialogs: ProjectDialogs, suggestedName: string, json: string, disk: Disk = nodeDisk): Promise<string | null> {
  if (typeof json !== 'string') throw new ProjectFileError('project-file-invalid', `The project to save is ${typeof json}; expected its JSON text.`);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_PROJECT_FILE_BYTES) {
    throw new ProjectFileError('project-file-too-large', `The project is ${mib(bytes)}, more than the ${mib(MAX_PROJECT_FILE_BYTES)} a project file may hold.`);
  }
  checkProjectText(json, String(suggestedName));
  const chosen = await dialogs.chooseSavePath(String(suggestedName));
  if (chosen === null) return null;
  const path = withJsonExtension(checkPath(chosen, 'save'));
  try {
    await writeFileAtomic(disk, path, json);
  } catch (error) {
    const reason = isErrno(error, 'ENOSPC') ? 'the disk is full' : isErrno(error, 'EACCES', 'EPERM', 'EROFS') ? 'permission denied' : (error as Error).message;
    throw new ProjectFileError('project-file-io', `Could not save the project to '${path}': ${reason}. The previous file there, if any, is unchanged.`);
  }
  return path;
}

export async function openProjectFile(dialogs: ProjectDialogs): Promise<OpenedProjectFile | null> {
  const chosen = await dialogs.chooseOpenPath();
  if (chosen === null) return null;
  const path = checkPath(chosen, 'open');
  const name = basename(path);
  let json: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ProjectFileError('project-file-io', `'${path}' is not a file; choose a project (.json).`);
    if (info.size > MAX_PROJECT_FILE_BYTES) {
      throw new ProjectFileError('project-file-too-large', `'${name}' is ${mib(info.size)}, more than the ${mib(MAX_PROJECT_FILE_BYTES)} a project file may hold.`);
    }
    json = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ProjectFileError) throw error;
    const reason = isErrno(error, 'ENOENT') ? 'it does not exist' : isErrno(error, 'EACCES', 'EPERM') ? 'permission denied' : (error as Error).message;
    throw new ProjectFileError('project-file-io', `Could not read '${path}': ${reason}.`);
  }
  checkProjectText(json, name);
  return { path, json };
}

export type ProjectFileCallName = 'projectSaveFile' | 'projectOpenFile';

/** The project-file calls; without dialogs (the web host) each answers that it is not available in browser mode. */
export function projectFileHandlers(dialogs: ProjectDialogs | undefined): Pick<Handlers, ProjectFileCallName> {
  const unavailable = (call: string) => () => {
    throw new ProjectFileError('not-available', `'${call}' needs the desktop app's file dialogs and is not available in browser mode; download or upload the project file instead.`);
  };
  if (!dialogs) return { projectSaveFile: unavailable('projectSaveFile'), projectOpenFile: unavailable('projectOpenFile') };
  return {
    projectSaveFile: (suggestedName, json) => saveProjectFile(dialogs, suggestedName, json),
    projectOpenFile: () => openProjectFile(dialogs),
  };
}
