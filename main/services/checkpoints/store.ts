// Checkpoints: <data>/checkpoints/<name>/ holds checkpoint.json (the commit marker, written last) and the files it
// names. Each save writes a fresh generation of files (each to a temp file renamed into place), then replaces
// checkpoint.json in one rename, then removes the previous generation. A crash at any point leaves either the
// previous checkpoint or the new one, complete.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Checkpoint, CheckpointInfo, CheckpointSaveRequest, JsonValue } from '../../../preload/types/checkpoints';
import type { LayerGraph } from '../../../renderer/core/ir';
import { layout } from '../data-folder';
import { exactBytes, nodeDisk, tempName, writeFileAtomic, type Disk } from '../datasets/disk';
import { DatasetError, isErrno } from '../datasets/errors';
import { validateDatasetName } from '../datasets/names';
import { CheckpointError } from './errors';

export const CHECKPOINT_MARKER = 'checkpoint.json';
const FORMAT_VERSION = 1;

function checkName(name: unknown): string {
  try {
    return validateDatasetName(name, 'Checkpoint name');
  } catch (error) {
    if (error instanceof DatasetError) throw new CheckpointError('checkpoint-name', error.message);
    throw error;
  }
}

export const checkpointDir = (root: string, name: string): string => join(layout.checkpoints(root), checkName(name));

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function checkRequest(request: CheckpointSaveRequest): void {
  if (!(request.weights instanceof Uint8Array) || request.weights.length === 0) {
    throw new CheckpointError('checkpoint-invalid', `Checkpoint '${request.name}' has no weights; the weights must be non-empty ONNX bytes.`);
  }
  if (!(request.optimizerState instanceof Uint8Array)) {
    throw new CheckpointError('checkpoint-invalid', `Checkpoint '${request.name}' has optimizer state of type ${typeof request.optimizerState}; expected bytes (Uint8Array).`);
  }
  if (!request.graph || typeof request.graph !== 'object') {
    throw new CheckpointError('checkpoint-invalid', `Checkpoint '${request.name}' has no layer graph.`);
  }
  const { run } = request;
  const counters: [string, unknown][] = [
    ['run.step', run?.step],
    ['run.epoch', run?.epoch],
    ['run.dataOrder.seed', run?.dataOrder?.seed],
    ['run.dataOrder.position', run?.dataOrder?.position],
  ];
  for (const [field, value] of counters) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || (field !== 'run.dataOrder.seed' && value < 0)) {
      throw new CheckpointError('checkpoint-invalid', `Checkpoint '${request.name}': ${field} must be a whole number${field.endsWith('seed') ? '' : ' ≥ 0'}; got ${JSON.stringify(value)}.`);
    }
  }
}

async function readInfo(dir: string, name: string): Promise<CheckpointInfo> {
  const file = join(dir, CHECKPOINT_MARKER);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR')) throw new CheckpointError('checkpoint-not-found', `There is no checkpoint named '${name}'; list the checkpoints to see their names.`);
    throw error;
  }
  let info: CheckpointInfo;
  try {
    info = JSON.parse(text) as CheckpointInfo;
  } catch (error) {
    throw new CheckpointError('checkpoint-corrupt', `'${file}' is not valid JSON (${(error as Error).message}).`);
  }
  if (info?.formatVersion !== FORMAT_VERSION || !info.files || !info.run) {
    throw new CheckpointError('checkpoint-corrupt', `'${file}' is not a version-${FORMAT_VERSION} checkpoint record (formatVersion ${JSON.stringify(info?.formatVersion)}).`);
  }
  return info;
}

export async function saveCheckpoint(root: string, request: CheckpointSaveRequest, disk: Disk = nodeDisk): Promise<CheckpointInfo> {
  const dir = checkpointDir(root, request.name);
  checkRequest(request);
  const generation = `${request.run.step}-${tempName('g').slice(-12)}`;
  const files = {
    graph: `graph-${generation}.json`,
    weights: `weights-${generation}.onnx`,
    optimizer: `optimizer-${generation}.bin`,
    metrics: `metrics-${generation}.json`,
  };
  const info: CheckpointInfo = {
    formatVersion: FORMAT_VERSION,
    name: request.name,
    savedAt: new Date().toISOString(),
    run: request.run,
    files,
    bytes: { weights: request.weights.length, optimizer: request.optimizerState.length },
    sha256: { weights: sha256(request.weights), optimizer: sha256(request.optimizerState) },
  };
  try {
    await disk.mkdir(dir);
    await writeFileAtomic(disk, join(dir, files.weights), request.weights);
    await writeFileAtomic(disk, join(dir, files.optimizer), request.optimizerState);
    await writeFileAtomic(disk, join(dir, files.graph), JSON.stringify(request.graph));
    await writeFileAtomic(disk, join(dir, files.metrics), JSON.stringify(request.metrics ?? null));
    await writeFileAtomic(disk, join(dir, CHECKPOINT_MARKER), JSON.stringify(info, null, 1));
  } catch (error) {
    await removeUnreferenced(dir, await readInfo(dir, request.name).catch(() => undefined));
    if (isErrno(error, 'ENOSPC', 'EDQUOT')) {
      throw new CheckpointError('checkpoint-disk', `The disk is full while saving checkpoint '${request.name}'; free some space. The previous checkpoint of that name is intact.`);
    }
    throw error;
  }
  await removeUnreferenced(dir, info);
  return info;
}

/** Removes files of older generations and temp files of interrupted saves; keeps what `info` names. */
async function removeUnreferenced(dir: string, info: CheckpointInfo | undefined): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const keep = new Set<string>([CHECKPOINT_MARKER, ...(info ? Object.values(info.files) : [])]);
  for (const name of names) if (!keep.has(name)) await nodeDisk.rm(join(dir, name));
}

export async function listCheckpoints(root: string): Promise<CheckpointInfo[]> {
  let names: string[];
  try {
    names = await readdir(layout.checkpoints(root));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
  const infos: CheckpointInfo[] = [];
  for (const name of names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    if (name.startsWith('.')) continue;
    try {
      infos.push(await readInfo(join(layout.checkpoints(root), name), name));
    } catch (error) {
      // A folder without its marker is a first save that never finished: not a checkpoint.
      if (error instanceof CheckpointError && error.code === 'checkpoint-not-found') continue;
      throw error;
    }
  }
  return infos;
}

export async function loadCheckpoint(root: string, name: string): Promise<Checkpoint> {
  const dir = checkpointDir(root, name);
  const info = await readInfo(dir, name);
  const read = async (file: string) => {
    try {
      return exactBytes(await readFile(join(dir, file)));
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw new CheckpointError('checkpoint-corrupt', `Checkpoint '${name}' lacks its file '${file}'; the checkpoint cannot be loaded.`);
      throw error;
    }
  };
  const [weights, optimizerState, graphBytes, metricsBytes] = await Promise.all([read(info.files.weights), read(info.files.optimizer), read(info.files.graph), read(info.files.metrics)]);
  for (const [what, bytes, expected] of [
    ['weights', weights, info.sha256.weights],
    ['optimizer', optimizerState, info.sha256.optimizer],
  ] as const) {
    if (sha256(bytes) !== expected) {
      throw new CheckpointError('checkpoint-corrupt', `Checkpoint '${name}': '${info.files[what]}' does not match the sha256 recorded when it was saved; the file was changed or damaged.`);
    }
  }
  const parse = <T>(bytes: Uint8Array, file: string): T => {
    try {
      return JSON.parse(new TextDecoder().decode(bytes)) as T;
    } catch (error) {
      throw new CheckpointError('checkpoint-corrupt', `Checkpoint '${name}': '${file}' is not valid JSON (${(error as Error).message}).`);
    }
  };
  return {
    info,
    graph: parse<LayerGraph>(graphBytes, info.files.graph),
    weights,
    optimizerState,
    metrics: parse<JsonValue>(metricsBytes, info.files.metrics),
  };
}

/** Moves the folder out of sight in one rename, then removes it. */
export async function deleteCheckpoint(root: string, name: string, disk: Disk = nodeDisk): Promise<void> {
  const dir = checkpointDir(root, name);
  await readInfo(dir, name);
  const tmp = layout.tmp(root);
  await disk.mkdir(tmp);
  const doomed = join(tmp, tempName('delete'));
  await disk.rename(dir, doomed);
  await disk.rm(doomed);
}
