// The one data folder shared by the app, the web host and the CLI.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataFolder {
  path: string;
  source: 'flag' | 'env' | 'default';
}

/** The OS's conventional per-user application-data location for Model Lab. */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Model Lab');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Model Lab');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'model-lab');
}

/** --data-dir wins over MODEL_LAB_DATA, which wins over the OS default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): DataFolder {
  if (flag !== undefined && flag !== '') return { path: resolve(flag), source: 'flag' };
  const fromEnv = env.MODEL_LAB_DATA;
  if (fromEnv !== undefined && fromEnv !== '') return { path: resolve(fromEnv), source: 'env' };
  return { path: defaultDataDir(process.platform, env), source: 'default' };
}

/** Where each kind of thing lives inside the data folder. One definition, used by every service. */
export const layout = {
  datasets: (root: string) => join(root, 'datasets'),
  checkpoints: (root: string) => join(root, 'checkpoints'),
  projects: (root: string) => join(root, 'projects'),
  tmp: (root: string) => join(root, 'tmp'),
};
