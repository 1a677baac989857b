import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appInfo } from '../../../main/services/app-info';
import packageJson from '../../../package.json' with { type: 'json' };

describe('app info', () => {
  it('reports version, data folder and counts only finished entries', async () => {
    const root = mkdtempSync(join(tmpdir(), 'model-lab-info-'));
    mkdirSync(join(root, 'checkpoints', 'done'), { recursive: true });
    writeFileSync(join(root, 'checkpoints', 'done', 'checkpoint.json'), '{}');
    mkdirSync(join(root, 'checkpoints', 'half-written'), { recursive: true });
    mkdirSync(join(root, 'checkpoints', '.tmp-123'), { recursive: true });
    writeFileSync(join(root, 'checkpoints', '.tmp-123', 'checkpoint.json'), '{}');
    const info = await appInfo({ path: root, source: 'env' }, 'web');
    expect(info).toMatchObject({ version: packageJson.version, dataDir: root, dataDirSource: 'env', checkpoints: 1, host: 'web' });
  });

  it('treats a data folder that does not exist yet as empty', async () => {
    const info = await appInfo({ path: join(tmpdir(), 'model-lab-does-not-exist-' + process.pid), source: 'flag' }, 'electron');
    expect(info.datasets).toBe(0);
    expect(info.checkpoints).toBe(0);
  });
});
