import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppInfo } from '../../preload/types/app-info';
import { layout, type DataFolder } from './data-folder';
import packageJson from '../../package.json' with { type: 'json' };

/** Counts the entries of a store folder that hold `marker` (a finished entry always has its marker file). */
async function countEntries(dir: string, marker: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let count = 0;
  for (const name of names) {
    if (name.startsWith('.')) continue;
    try {
      if ((await stat(join(dir, name, marker))).isFile()) count += 1;
    } catch {
      // An entry without its marker is unfinished or foreign: not counted.
    }
  }
  return count;
}

export async function appInfo(data: DataFolder, host: AppInfo['host']): Promise<AppInfo> {
  return {
    name: packageJson.productName,
    version: packageJson.version,
    dataDir: data.path,
    dataDirSource: data.source,
    datasets: await countEntries(layout.datasets(data.path), 'manifest.json'),
    checkpoints: await countEntries(layout.checkpoints(data.path), 'checkpoint.json'),
    host,
    platform: process.platform,
  };
}

export const appVersion = (): string => packageJson.version;
