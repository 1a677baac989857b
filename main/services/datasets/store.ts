// The dataset store: <data>/datasets/<name>/ holds manifest.json (written last, the mark of a finished
// dataset), one uint8 N×C×H×W file per shard and one uint16le label file per split.
import { createHash, type Hash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DATASET_SPLITS, type DatasetManifest, type DatasetSplit, type DatasetSummary } from '../../../preload/types/datasets';
import { layout } from '../data-folder';
import { exactBytes, nodeDisk, tempName, writeFileAtomic, writerAlive, type Disk } from './disk';
import { DatasetError, isErrno } from './errors';
import { validateDatasetName } from './names';

export const MANIFEST = 'manifest.json';
export const FORMAT_VERSION = 1;

export const datasetDir = (root: string, name: string): string => join(layout.datasets(root), validateDatasetName(name));

export const shardFileName = (split: DatasetSplit, index: number): string => `${split}-${String(index).padStart(5, '0')}.u8`;
export const labelFileName = (split: DatasetSplit): string => `${split}-labels.u16`;

/** The content hash starts from the shape and class names, then takes each split's shards and labels in order. */
export function startContentHash(shape: [number, number, number], classes: string[]): Hash {
  return createHash('sha256').update(JSON.stringify({ shape, classes }));
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

function checkManifest(value: unknown, file: string): DatasetManifest {
  const m = value as Partial<DatasetManifest> | null;
  if (!m || typeof m !== 'object') throw new DatasetError('dataset-corrupt', `'${file}' does not hold a JSON object.`);
  if (m.formatVersion !== FORMAT_VERSION) {
    throw new DatasetError('dataset-corrupt', `'${file}' has format version ${JSON.stringify(m.formatVersion)}; this Model Lab reads version ${FORMAT_VERSION}. Import the dataset again.`);
  }
  const shapeOk = Array.isArray(m.shape) && m.shape.length === 3 && m.shape.every((n) => Number.isInteger(n) && n > 0);
  if (!shapeOk) throw new DatasetError('dataset-corrupt', `'${file}' has shape ${JSON.stringify(m.shape)}; expected [C, H, W].`);
  if (!Array.isArray(m.classes) || !Array.isArray(m.shards) || !m.counts || !m.labelFiles) {
    throw new DatasetError('dataset-corrupt', `'${file}' lacks classes, shards, counts or label files; import the dataset again.`);
  }
  return m as DatasetManifest;
}

export async function readManifest(root: string, name: string): Promise<DatasetManifest> {
  const file = join(datasetDir(root, name), MANIFEST);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR')) {
      throw new DatasetError('dataset-not-found', `There is no dataset named '${name}' in '${layout.datasets(root)}'; list the datasets to see their names.`);
    }
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DatasetError('dataset-corrupt', `'${file}' is not valid JSON (${(error as Error).message}); import the dataset again.`);
  }
  return checkManifest(parsed, file);
}

const cleanedRoots = new Set<string>();

/**
 * Removes what killed imports and deletes left in <data>/tmp (their writer process is gone). Runs once per data
 * folder per process; list and import call it, and the app may call it at start.
 */
export async function cleanupStaleTemp(root: string, force = false): Promise<string[]> {
  if (cleanedRoots.has(root) && !force) return [];
  cleanedRoots.add(root);
  const tmp = layout.tmp(root);
  let names: string[];
  try {
    names = await readdir(tmp);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!/^(import|trash|delete)-/.test(name) || writerAlive(name)) continue;
    await nodeDisk.rm(join(tmp, name));
    removed.push(name);
  }
  return removed;
}

export const summarise = (m: DatasetManifest): DatasetSummary => ({ name: m.name, shape: m.shape, classes: m.classes, counts: m.counts });

/** Every finished dataset (a folder holding manifest.json), by name. Unfinished or foreign folders are not datasets. */
export async function listManifests(root: string): Promise<DatasetManifest[]> {
  await cleanupStaleTemp(root);
  let names: string[];
  try {
    names = await readdir(layout.datasets(root));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
  const manifests: DatasetManifest[] = [];
  for (const name of names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    if (name.startsWith('.')) continue;
    try {
      validateDatasetName(name);
    } catch {
      continue; // Not a name the store would create: someone else's folder.
    }
    if (!(await exists(join(layout.datasets(root), name, MANIFEST)))) continue;
    manifests.push(await readManifest(root, name));
  }
  return manifests;
}

export async function listDatasets(root: string): Promise<DatasetSummary[]> {
  return (await listManifests(root)).map(summarise);
}

export async function renameDataset(root: string, from: string, to: string, disk: Disk = nodeDisk): Promise<DatasetManifest> {
  validateDatasetName(to, 'New dataset name');
  const manifest = await readManifest(root, from);
  if (from === to) return manifest;
  const target = datasetDir(root, to);
  if (await exists(target)) throw new DatasetError('dataset-exists', `A dataset named '${to}' already exists; delete it first or choose another name.`);
  await disk.rename(datasetDir(root, from), target);
  const renamed = { ...manifest, name: to };
  try {
    await writeFileAtomic(disk, join(target, MANIFEST), JSON.stringify(renamed, null, 1));
  } catch (error) {
    await disk.rename(target, datasetDir(root, from));
    throw error;
  }
  return renamed;
}

/** Moves the folder out of sight first (one rename), then removes it: a dataset is never seen half-deleted. */
export async function deleteDataset(root: string, name: string, disk: Disk = nodeDisk): Promise<void> {
  await readManifest(root, name);
  const tmp = layout.tmp(root);
  await disk.mkdir(tmp);
  const doomed = join(tmp, tempName('delete'));
  await disk.rename(datasetDir(root, name), doomed);
  await disk.rm(doomed);
}

function shardOf(manifest: DatasetManifest, split: DatasetSplit, index: number) {
  if (!DATASET_SPLITS.includes(split)) throw new DatasetError('dataset-options', `Split ${JSON.stringify(split)} is not one of train, val, test.`);
  const shard = manifest.shards.find((s) => s.split === split && s.index === index);
  if (!shard) {
    const count = manifest.shards.filter((s) => s.split === split).length;
    throw new DatasetError('dataset-options', `Dataset '${manifest.name}' has no ${split} shard ${JSON.stringify(index)}; its ${split} split has ${count} shard${count === 1 ? '' : 's'} (0 to ${count - 1}).`);
  }
  return shard;
}


/** One whole shard: `count` samples, uint8, N×C×H×W. */
export async function readShard(root: string, name: string, split: DatasetSplit, index: number, manifest?: DatasetManifest): Promise<Uint8Array> {
  const m = manifest ?? (await readManifest(root, name));
  const shard = shardOf(m, split, index);
  const file = join(datasetDir(root, name), shard.file);
  const bytes = exactBytes(await readFile(file));
  const expected = shard.count * m.shape[0] * m.shape[1] * m.shape[2];
  if (bytes.length !== expected) {
    throw new DatasetError('dataset-corrupt', `'${file}' is ${bytes.length} bytes; ${shard.count} samples of ${m.shape.join('×')} need ${expected}. Import the dataset again.`);
  }
  return bytes;
}

/** The labels of one split: little-endian uint16 class indices, one per sample in stored order. */
export async function readLabels(root: string, name: string, split: DatasetSplit, manifest?: DatasetManifest): Promise<Uint8Array> {
  const m = manifest ?? (await readManifest(root, name));
  if (!DATASET_SPLITS.includes(split)) throw new DatasetError('dataset-options', `Split ${JSON.stringify(split)} is not one of train, val, test.`);
  const file = join(datasetDir(root, name), m.labelFiles[split]);
  const bytes = exactBytes(await readFile(file));
  if (bytes.length !== m.counts[split] * 2) {
    throw new DatasetError('dataset-corrupt', `'${file}' is ${bytes.length} bytes; ${m.counts[split]} labels need ${m.counts[split] * 2}. Import the dataset again.`);
  }
  return bytes;
}

/** Labels as numbers (for Node callers: health, thumbnails, the CLI trainer). */
export function decodeLabels(bytes: Uint8Array): Uint16Array {
  const out = new Uint16Array(bytes.length / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint16(2 * i, true);
  return out;
}

/** A whole split for Node callers (the CLI's train and eval): its shards in order and its labels as numbers. */
export async function readSplit(
  root: string,
  name: string,
  split: DatasetSplit,
): Promise<{ manifest: DatasetManifest; shards: Uint8Array[]; labels: Uint16Array }> {
  const manifest = await readManifest(root, name);
  const infos = manifest.shards.filter((s) => s.split === split).sort((a, b) => a.index - b.index);
  const shards: Uint8Array[] = [];
  for (const shard of infos) shards.push(await readShard(root, name, split, shard.index, manifest));
  return { manifest, shards, labels: decodeLabels(await readLabels(root, name, split, manifest)) };
}
