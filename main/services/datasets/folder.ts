// A folder with one sub-folder per class of PNG, JPEG or WebP images (optionally under train/ and test/).
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from './errors';
import type { FileSamples, ReadOptions, SourceData } from './source';

export const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp)$/i;

// One collator for every comparison: String.prototype.localeCompare with options builds one per call, which made
// sorting a folder of 5,000 names take most of a second.
const byName = new Intl.Collator('en', { numeric: true }).compare;

async function entries(folder: string): Promise<Dirent[]> {
  try {
    return (await readdir(folder, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  } catch (error) {
    throw new DatasetError('dataset-source', `Cannot read the folder '${folder}': ${(error as Error).message}.`);
  }
}

/** All image files under `folder`, at any depth, in a stable order. */
async function imagesUnder(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of (await entries(folder)).sort((a, b) => byName(a.name, b.name))) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await imagesUnder(path)));
    else if (entry.isFile() && IMAGE_EXTENSIONS.test(entry.name)) found.push(path);
  }
  return found;
}

async function classFolders(folder: string): Promise<string[]> {
  return (await entries(folder)).filter((e) => e.isDirectory()).map((e) => e.name).sort(byName);
}

async function scan(folder: string, classes: string[], signal?: AbortSignal): Promise<FileSamples> {
  const paths: string[] = [];
  const labels: number[] = [];
  for (let label = 0; label < classes.length; label++) {
    signal?.throwIfAborted();
    const classFolder = join(folder, classes[label]!);
    const images = await imagesUnder(classFolder);
    if (images.length === 0) {
      throw new DatasetError(
        'dataset-source',
        `Class folder '${classFolder}' holds no PNG, JPEG or WebP images; add images to it or remove it (every sub-folder is a class).`,
      );
    }
    for (const path of images) {
      paths.push(path);
      labels.push(label);
    }
  }
  return { kind: 'files', paths, labels: Int32Array.from(labels), count: paths.length };
}

export async function readImageFolder(folder: string, options: ReadOptions = {}): Promise<SourceData> {
  const top = await classFolders(folder);
  const hasSplits = top.includes('train') && top.includes('test') && top.every((n) => n === 'train' || n === 'test');
  const trainFolder = hasSplits ? join(folder, 'train') : folder;
  const classes = await classFolders(trainFolder);
  if (classes.length === 0) {
    throw new DatasetError('dataset-source', `'${trainFolder}' has no class sub-folders; put each class's images in a sub-folder named after the class.`);
  }
  if (classes.length > 65535) throw new DatasetError('dataset-source', `'${trainFolder}' has ${classes.length} class folders; at most 65535 are supported.`);
  if (hasSplits) {
    const testClasses = await classFolders(join(folder, 'test'));
    const extra = testClasses.filter((c) => !classes.includes(c));
    if (extra.length > 0) {
      throw new DatasetError('dataset-source', `'${join(folder, 'test')}' has class folder '${extra[0]}' that '${trainFolder}' lacks; test classes must also appear in train.`);
    }
  }
  const train = await scan(trainFolder, classes, options.signal);
  let test: FileSamples | undefined;
  if (hasSplits) {
    const testFolder = join(folder, 'test');
    const testClasses = await classFolders(testFolder);
    const scanned = await scan(testFolder, testClasses, options.signal);
    scanned.labels = scanned.labels.map((l) => classes.indexOf(testClasses[l]!));
    test = scanned;
  }
  return { format: 'folder', classes, train, test, skipped: [] };
}
