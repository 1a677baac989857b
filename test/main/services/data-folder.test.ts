import { describe, expect, it } from 'vitest';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultDataDir, resolveDataDir } from '../../../main/services/data-folder';

describe('data folder', () => {
  it('prefers --data-dir, then MODEL_LAB_DATA, then the OS default', () => {
    expect(resolveDataDir('rel/dir', { MODEL_LAB_DATA: '/env' })).toEqual({ path: resolve('rel/dir'), source: 'flag' });
    expect(resolveDataDir(undefined, { MODEL_LAB_DATA: '/env/data' })).toEqual({ path: '/env/data', source: 'env' });
    expect(resolveDataDir('', { MODEL_LAB_DATA: '' }).source).toBe('default');
  });

  it('uses each OS convention for the default', () => {
    expect(defaultDataDir('linux', {})).toBe(join(homedir(), '.local/share/model-lab'));
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/xdg' })).toBe('/xdg/model-lab');
    expect(defaultDataDir('darwin', {})).toBe(join(homedir(), 'Library/Application Support/Model Lab'));
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' })).toContain('Model Lab');
  });
});
