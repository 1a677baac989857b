import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronObstacle } from '../../main/start';

function fakeElectron(installed: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'model-lab-electron-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '45.5.0' }));
  if (installed) {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'version'), installed);
  }
  return dir;
}

describe('npm start: when Electron cannot start', () => {
  const display = { DISPLAY: ':0' };

  it('falls back when the binary is missing and the download fails, quoting why', () => {
    let downloads = 0;
    const reason = electronObstacle({
      electronDir: fakeElectron(null),
      platform: 'linux',
      env: display,
      download: () => (downloads++, { ok: false, detail: 'TypeError: fetch failed' }),
    });
    expect(downloads).toBe(1);
    expect(reason).toBe('the Electron 45.5.0 binary is not installed and could not be downloaded (TypeError: fetch failed)');
  });

  it('downloads a binary of the wrong version, and starts when that works', () => {
    let downloads = 0;
    const download = () => (downloads++, { ok: true, detail: '' });
    expect(electronObstacle({ electronDir: fakeElectron('v44.0.0'), platform: 'linux', env: display, download })).toBeNull();
    expect(downloads).toBe(1);
    expect(electronObstacle({ electronDir: fakeElectron('v45.5.0'), platform: 'linux', env: display, download })).toBeNull();
    expect(downloads).toBe(1);
  });

  it('falls back on Linux without a display, and when the package is absent', () => {
    const download = () => ({ ok: true, detail: '' });
    expect(electronObstacle({ electronDir: fakeElectron('45.5.0'), platform: 'linux', env: {}, download })).toMatch(/no display/);
    expect(electronObstacle({ electronDir: fakeElectron('45.5.0'), platform: 'darwin', env: {}, download })).toBeNull();
    expect(electronObstacle({ electronDir: join(tmpdir(), 'nowhere-' + process.pid), platform: 'linux', env: display, download })).toMatch(/not installed/);
  });
});
