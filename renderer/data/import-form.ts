// The Data area's import form as plain data: its fields as typed, their validation (the same rules and words as
// the importer, so a bad value is caught before a long import starts), the request it becomes, and the sentence
// saying which size and channels the importer will choose when they are left on automatic.
import type { DatasetFormat, DatasetImportRequest } from '../../preload/types/datasets';

export const FORMAT_CHOICES = ['auto', 'idx', 'folder', 'cifar', 'csv'] as const;
export type FormatChoice = (typeof FORMAT_CHOICES)[number];
export type ChannelChoice = 'auto' | '1' | '3';

export const FORMAT_TITLES: Record<FormatChoice, string> = {
  auto: 'Detect from the path',
  idx: 'IDX (MNIST, Fashion-MNIST)',
  folder: 'Folder of class folders (PNG, JPEG, WebP)',
  cifar: 'CIFAR-10/100 binary',
  csv: 'CSV (label + pixels, or path + label)',
};

/** The form exactly as typed: strings, so a half-typed value is kept and reported rather than lost. */
export interface ImportFormFields {
  path: string;
  name: string;
  format: FormatChoice;
  height: string;
  width: string;
  channels: ChannelChoice;
  val: string;
  test: string;
  seed: string;
  classNames: string;
  replace: boolean;
}

export type ImportField = Exclude<keyof ImportFormFields, 'replace'>;

export function emptyImportForm(): ImportFormFields {
  return { path: '', name: '', format: 'auto', height: '', width: '', channels: 'auto', val: '0.1', test: '0.1', seed: '1', classNames: '', replace: false };
}

const MAX_NAME_LENGTH = 100;
/** The importer's limit on either side of the stored size. */
export const MAX_SIDE = 4096;

/**
 * Why `name` cannot be a dataset name, or null when it can. The same rules and sentences as the main process's
 * validateDatasetName (main/services/datasets/names.ts; a unit test holds the two together): a name becomes one
 * folder name, so no separators, no '..', no leading dot, nothing Windows refuses.
 */
export function datasetNameProblem(name: string, what = 'Dataset name'): string | null {
  if (name.trim() === '') return `${what} is empty; give a name such as 'fashion-mnist'.`;
  const quoted = JSON.stringify(name);
  if (/[/\\]/.test(name)) return `${what} ${quoted} contains a path separator; use a plain name without '/' or '\\'.`;
  if (name.includes('..')) return `${what} ${quoted} contains '..'; use a plain name.`;
  if (name.startsWith('.')) return `${what} ${quoted} starts with '.'; names must start with a letter or digit.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f<>:"|?*]/.test(name)) {
    return `${what} ${quoted} contains a character that cannot be part of a file name (control characters or < > : " | ? *).`;
  }
  if (name !== name.trim() || name.endsWith('.')) return `${what} ${quoted} starts or ends with a space or ends with '.'; remove it.`;
  if (name.length > MAX_NAME_LENGTH) return `${what} is ${name.length} characters long; use at most ${MAX_NAME_LENGTH}.`;
  return null;
}

/** A name proposed from the source path's last segment ('/data/Fashion MNIST/' → 'Fashion-MNIST'), or '' when none fits. */
export function suggestName(path: string): string {
  const segments = path.trim().split(/[/\\]+/).filter((s) => s !== '');
  const last = segments.at(-1) ?? '';
  const base = last.replace(/\.(csv|gz|bin)$/i, '');
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*\s]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, MAX_NAME_LENGTH);
  return datasetNameProblem(cleaned) === null ? cleaned : '';
}

/** The name the import will use: the one typed, else the one suggested from the path. */
export const effectiveName = (fields: ImportFormFields): string => (fields.name === '' ? suggestName(fields.path) : fields.name);

function fraction(raw: string, label: string): { value?: number; problem?: string } {
  const text = raw.trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0 || value >= 1) {
    return { problem: `The ${label} fraction must be a number from 0 up to (not including) 1, such as 0.1; got '${raw}'.` };
  }
  return { value };
}

function side(raw: string, label: string): { value?: number; problem?: string } {
  const text = raw.trim();
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_SIDE) {
    return { problem: `The ${label} must be a whole number of pixels from 1 to ${MAX_SIDE}; got '${raw}'.` };
  }
  return { value: Number(text) };
}

export type ImportFormCheck = { ok: true; request: DatasetImportRequest } | { ok: false; problems: Partial<Record<ImportField, string>> };

/** Checks every field and, when all are fine, builds the request for datasetImport (without a job id). */
export function checkImportForm(fields: ImportFormFields): ImportFormCheck {
  const problems: Partial<Record<ImportField, string>> = {};
  const path = fields.path.trim();
  if (path === '') problems.path = "The path is empty; give the file or folder to import, such as '/usr/share/datasets/fashion-mnist'.";

  const name = effectiveName(fields);
  const nameProblem = datasetNameProblem(name);
  if (nameProblem) problems.name = fields.name === '' && path !== '' ? `No name can be made from the path; type one. (${nameProblem})` : nameProblem;

  let size: [number, number] | undefined;
  const heightGiven = fields.height.trim() !== '';
  const widthGiven = fields.width.trim() !== '';
  if (heightGiven || widthGiven) {
    const height = side(fields.height, 'height');
    const width = side(fields.width, 'width');
    if (!heightGiven) problems.height = 'Give the height too, or leave both empty for the automatic size.';
    else if (height.problem) problems.height = height.problem;
    if (!widthGiven) problems.width = 'Give the width too, or leave both empty for the automatic size.';
    else if (width.problem) problems.width = width.problem;
    if (height.value !== undefined && width.value !== undefined) size = [height.value, width.value];
  }

  const val = fraction(fields.val, 'validation');
  if (val.problem) problems.val = val.problem;
  const test = fraction(fields.test, 'test');
  if (test.problem) problems.test = test.problem;
  if (val.value !== undefined && test.value !== undefined && val.value + test.value >= 1) {
    problems.test = `The validation (${val.value}) and test (${test.value}) fractions add up to 1 or more; nothing would be left to train on.`;
  }

  const seedText = fields.seed.trim();
  if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(Number(seedText))) {
    problems.seed = `The seed must be a whole number, 0 or more, such as 1; got '${fields.seed}'.`;
  }

  const classNames = fields.classNames.trim() === '' ? undefined : fields.classNames.split(',').map((c) => c.trim());
  if (classNames?.some((c) => c === '')) problems.classNames = `A class name is empty in '${fields.classNames}'; separate names with single commas, such as 'cat,dog'.`;

  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const request: DatasetImportRequest = { path, name, val: val.value!, test: test.value!, seed: Number(seedText) };
  if (fields.format !== 'auto') request.format = fields.format as DatasetFormat;
  if (size) request.size = size;
  if (fields.channels !== 'auto') request.channels = Number(fields.channels) as 1 | 3;
  if (classNames) request.classNames = classNames;
  if (fields.replace) request.replace = true;
  return { ok: true, request };
}

/**
 * What the importer will store, in words, for the size and channels chosen (main/services/datasets/decode.ts,
 * chooseTarget, decides; the sentence the importer writes into the manifest then says what it found).
 */
export function describeTarget(fields: Pick<ImportFormFields, 'format' | 'height' | 'width' | 'channels'>): string {
  const h = fields.height.trim();
  const w = fields.width.trim();
  const sizeGiven = /^\d+$/.test(h) && /^\d+$/.test(w);
  const size = sizeGiven
    ? `resized to cover ${h}×${w} and centre-cropped`
    : fields.format === 'folder'
      ? 'at the most common image size, others resized to cover it and centre-cropped (224×224 when that size is over 256 pixels)'
      : fields.format === 'auto'
        ? "at the source's own size (for a folder of images: the most common size, 224×224 when over 256 pixels)"
        : `at the source's own size (${fields.format === 'idx' ? '28×28 for MNIST and Fashion-MNIST' : fields.format === 'cifar' ? '32×32' : 'from the pixel columns or the image files'})`;
  const channels =
    fields.channels === '1'
      ? 'grey (1 channel)'
      : fields.channels === '3'
        ? 'colour (3 channels)'
        : fields.format === 'idx'
          ? 'grey, as IDX images are'
          : fields.format === 'cifar'
            ? 'colour, as CIFAR images are'
            : 'grey when every sampled image is grey, colour otherwise';
  return `Samples will be stored ${size}, ${channels}.`;
}
