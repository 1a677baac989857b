// The file operations the stores write through. Tests substitute a Disk to simulate a full disk (ENOSPC).
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface Disk {
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  rm(path: string): Promise<void>;
}

export const nodeDisk: Disk = {
  writeFile: (path, data) => writeFile(path, data),
  rename: (from, to) => rename(from, to),
  mkdir: async (path) => void (await mkdir(path, { recursive: true })),
  rm: (path) => rm(path, { recursive: true, force: true }),
};

/** A name unique to this process and call: '<prefix>-<pid>-<random>' (the pid lets cleanup spot dead writers). */
export function tempName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Writes `data` to a temp file beside `path` and renames it into place: readers see the old file or the new one. */
export async function writeFileAtomic(disk: Disk, path: string, data: Uint8Array | string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${tempName('tmp')}`);
  try {
    await disk.writeFile(temp, data);
    await disk.rename(temp, path);
  } catch (error) {
    await nodeDisk.rm(temp).catch(() => undefined);
    throw error;
  }
}

/** Whether the process that wrote a temp entry named by tempName() is still running. */
export function writerAlive(entryName: string): boolean {
  const match = /-(\d+)-[0-9a-f]{12}$/.exec(entryName);
  if (!match) return false;
  const pid = Number(match[1]);
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A plain Uint8Array that owns exactly its bytes. Results cross to the renderer by structured clone (which copies
 * a view's whole ArrayBuffer) or as transferables, so a view into a larger (pooled) buffer is copied out.
 */
export function exactBytes(buffer: Uint8Array): Uint8Array {
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) return new Uint8Array(buffer.buffer, 0, buffer.byteLength);
  return new Uint8Array(buffer);
}
