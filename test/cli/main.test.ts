import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../main/cli/main';
import packageJson from '../../package.json' with { type: 'json' };

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

describe('model-lab CLI', () => {
  it('prints help and version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: model-lab [--data-dir DIR] <command>');
    expect(help.stdout).toMatch(/^\s+info\s+Show the version/m);
    expect((await cli(['--version'])).stdout).toBe(`${packageJson.version}\n`);
    expect((await cli(['info', '--help'])).stdout).toContain('Usage: model-lab info');
  });

  it('honours --data-dir over MODEL_LAB_DATA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'model-lab-cli-'));
    const fromEnv = JSON.parse((await cli(['info', '--json'], { MODEL_LAB_DATA: dir })).stdout);
    expect(fromEnv).toMatchObject({ dataDir: dir, dataDirSource: 'env' });
    const fromFlag = JSON.parse((await cli(['--data-dir', join(dir, 'x'), 'info', '--json'], { MODEL_LAB_DATA: dir })).stdout);
    expect(fromFlag).toMatchObject({ dataDir: join(dir, 'x'), dataDirSource: 'flag' });
    const equals = JSON.parse((await cli(['info', `--data-dir=${dir}`, '--json'])).stdout);
    expect(equals.dataDir).toBe(dir);
  });

  it('rejects unknown commands and options with exit code 2 and one clear line', async () => {
    const unknown = await cli(['trian']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^model-lab: 'trian' is not a model-lab command\. Commands: .*info/);
    const option = await cli(['info', '--colour']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--colour'");
    expect((await cli(['info', '--data-dir'])).stderr).toContain('--data-dir needs a folder path.');
  });

  it('runs as `npx model-lab` through the package bin', () => {
    const root = resolve(import.meta.dirname, '../..');
    const result = spawnSync(process.execPath, [join(root, packageJson.bin['model-lab']), '--version'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(packageJson.version);
  });
});
