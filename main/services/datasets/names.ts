import { DatasetError } from './errors';

const MAX_NAME_LENGTH = 100;

/**
 * A dataset name becomes a folder name, so it must be one plain path segment on every OS:
 * no separators, no '..', no leading dot (hidden and reserved for temp entries), nothing Windows refuses.
 */
export function validateDatasetName(name: unknown, what = 'Dataset name'): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new DatasetError('dataset-name', `${what} is empty; give a name such as 'fashion-mnist'.`);
  }
  const quoted = JSON.stringify(name);
  if (/[/\\]/.test(name)) throw new DatasetError('dataset-name', `${what} ${quoted} contains a path separator; use a plain name without '/' or '\\'.`);
  if (name.includes('..')) throw new DatasetError('dataset-name', `${what} ${quoted} contains '..'; use a plain name.`);
  if (name.startsWith('.')) throw new DatasetError('dataset-name', `${what} ${quoted} starts with '.'; names must start with a letter or digit.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f<>:"|?*]/.test(name)) {
    throw new DatasetError('dataset-name', `${what} ${quoted} contains a character that cannot be part of a file name (control characters or < > : " | ? *).`);
  }
  if (name !== name.trim() || name.endsWith('.')) {
    throw new DatasetError('dataset-name', `${what} ${quoted} starts or ends with a space or ends with '.'; remove it.`);
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new DatasetError('dataset-name', `${what} is ${name.length} characters long; use at most ${MAX_NAME_LENGTH}.`);
  }
  return name;
}
