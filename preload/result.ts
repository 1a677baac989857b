// Every call across a process boundary returns a Result: errors are normalised once, where they cross.

/** A user-facing error: `message` is a sentence a person can act on; `code` is for programs. */
export interface ErrorPayload {
  code: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/** An error whose message is meant for the user. Services throw these (or subclasses) for expected failures. */
export class AppError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }
}

/** Turns anything thrown into a payload; unexpected errors keep their message but never their stack. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'internal', message: `Unexpected error: ${error.message}` };
  return { code: 'internal', message: `Unexpected error: ${String(error)}` };
}

export async function toResult<T>(run: () => T | Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: toErrorPayload(error) };
  }
}

export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new AppError(result.error.code, result.error.message);
}
