import { AppError } from '../../../preload/result';

export type CheckpointErrorCode = 'checkpoint-name' | 'checkpoint-not-found' | 'checkpoint-invalid' | 'checkpoint-corrupt' | 'checkpoint-disk';

/** Every expected failure of the checkpoint store. */
export class CheckpointError extends AppError {
  constructor(code: CheckpointErrorCode, message: string) {
    super(code, message);
    this.name = 'CheckpointError';
  }
}
