import { AppError } from '../../../preload/result';

export type DatasetErrorCode =
  | 'dataset-name'
  | 'dataset-exists'
  | 'dataset-not-found'
  | 'dataset-source'
  | 'dataset-options'
  | 'dataset-cancelled'
  | 'dataset-disk'
  | 'dataset-corrupt';

/** Every expected failure of the dataset store and importer. Messages name the file/field and quote the bad value. */
export class DatasetError extends AppError {
  constructor(code: DatasetErrorCode, message: string) {
    super(code, message);
    this.name = 'DatasetError';
  }
}

export function isErrno(error: unknown, ...codes: string[]): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && codes.includes(code);
}
