import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../main/cli/command';
import { dataCommand } from '../../main/cli/commands/data';
import { main } from '../../main/cli/main';
import { layout } from '../../main/services/data-folder';
import { tempFolder, writeIdx, writeImageFolder } from '../fixtures/datasets/make';

let work: { path: string; cleanup: () => Promise<void> };
let dataDir: string;
beforeEach(async () => {
  work = await tempFolder();
  dataDir = join(work.path, 'data');
});
afterEach(() => work.cleanup());

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['--data-dir', dataDir, ...argv], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {} });
  return { code, stdout, stderr };
}

describe('model-lab data', () => {
  it('imports, lists (text and exact JSON), shows, renames and removes', async () => {
    await writeIdx(join(work.path, 'mnist'), { train: 50, test: 10, classes: 5, h: 6, w: 6, gzip: true });
    const imported = await cli('data', 'import', join(work.path, 'mnist'), '--name', 'digits', '--val', '0.2', '--seed', '3');
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^Imported 'digits': 40 train, 10 val, 10 test samples of 1×6×6, 5 classes, in \d+\.\d s\.\nStored as read: 1×6×6\.\n$/);

    const json = await cli('data', 'list', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([{ name: 'digits', shape: [1, 6, 6], classes: ['0', '1', '2', '3', '4'], counts: { train: 40, val: 10, test: 10 } }]);
    expect(Object.keys(JSON.parse(json.stdout)[0])).toEqual(['name', 'shape', 'classes', 'counts']);
    expect(Object.keys(JSON.parse(json.stdout)[0].counts)).toEqual(['train', 'val', 'test']);

    const text = await cli('data', 'list');
    expect(text.stdout.split('\n')[0]).toMatch(/^NAME\s+SHAPE\s+CLASSES\s+TRAIN\s+VAL\s+TEST$/);
    expect(text.stdout.split('\n')[1]).toMatch(/^digits\s+1×6×6\s+5\s+40\s+10\s+10$/);

    const show = await cli('data', 'show', 'digits');
    expect(show.stdout).toMatch(/shape\s+1×6×6 \(C×H×W, uint8\)/);
    expect(show.stdout).toMatch(/split\s+seed 3, val 0.2, test the source's own, stratified/);
    expect(show.stdout).toMatch(/content hash\s+sha256:[0-9a-f]{64}/);
    const showJson = JSON.parse((await cli('data', 'show', 'digits', '--json')).stdout);
    expect(showJson.shards[0]).toMatchObject({ split: 'train', index: 0, count: 40 });

    expect((await cli('data', 'mv', 'digits', 'numbers')).stdout).toBe("Renamed dataset 'digits' to 'numbers'.\n");
    expect((await cli('data', 'rm', 'numbers')).stdout).toBe("Deleted dataset 'numbers'.\n");
    expect(JSON.parse((await cli('data', 'list', '--json')).stdout)).toEqual([]);
    expect((await cli('data', 'list')).stdout).toMatch(/^No datasets in /);
  });

  it('resizes a folder of images to --size with --channels', async () => {
    await writeImageFolder(join(work.path, 'imgs'), ['a', 'b'], 6, { sizes: [[30, 20]] });
    const result = await cli('data', 'import', join(work.path, 'imgs'), '--name', 'small', '--format', 'folder', '--size', '8x12', '--channels', '1', '--val', '0', '--test', '0');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/12 train, 0 val, 0 test samples of 1×8×12/);
    expect(result.stdout).toMatch(/Images resized to cover 8×12 and centre-cropped, stored grey, as asked\./);
  });

  it('installs the bundled sample', async () => {
    const result = await cli('data', 'sample');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Imported 'fashion-mnist-sample': 1,800 train, 200 val, 500 test samples of 1×28×28, 10 classes/);
    expect((await cli('data', 'sample')).stdout).toMatch(/already installed/);
    const health = await cli('data', 'health', 'fashion-mnist-sample');
    expect(health.stdout).toMatch(/Ankle boot\s+180\s+20\s+50/);
    expect(health.stdout).toMatch(/files intact \(content hash\): yes/);
  });

  it('exits 1 with one clear line for bad input, and 2 for usage mistakes', async () => {
    await writeIdx(join(work.path, 'mnist'), { train: 10, classes: 2 });
    const exists = await cli('data', 'import', join(work.path, 'mnist'), '--name', 'x');
    expect(exists.code).toBe(0);
    const again = await cli('data', 'import', join(work.path, 'mnist'), '--name', 'x');
    expect(again).toEqual({ code: 1, stdout: '', stderr: "model-lab: A dataset named 'x' already exists; choose another name or ask to replace it.\n" });
    expect((await cli('data', 'import', join(work.path, 'mnist'), '--name', 'x', '--replace')).code).toBe(0);

    const traversal = await cli('data', 'import', join(work.path, 'mnist'), '--name', '../up');
    expect(traversal.code).toBe(1);
    expect(traversal.stderr).toMatch(/^model-lab: Dataset name "..\/up" contains a path separator/);
    expect(existsSync(join(dataDir, 'up'))).toBe(false);

    expect((await cli('data', 'show', 'missing')).stderr).toMatch(/There is no dataset named 'missing'/);
    expect((await cli('data', 'rm', 'missing')).code).toBe(1);
    const noName = await cli('data', 'import', join(work.path, 'mnist'));
    expect(noName).toMatchObject({ code: 2, stderr: 'model-lab: --name is required.\n' });
    expect((await cli('data', 'import', join(work.path, 'mnist'), '--name', 'y', '--size', '0x5')).stderr).toMatch(/--size must look like HxW .* got '0x5'/);
    expect((await cli('data', 'import', join(work.path, 'mnist'), '--name', 'y', '--format', 'tiff')).stderr).toMatch(/--format must be one of idx, folder, cifar, csv; got 'tiff'/);
    expect((await cli('data', 'import', join(work.path, 'mnist'), '--name', 'y', '--val', 'lots')).code).toBe(2);
    expect((await cli('data', 'frobnicate')).code).toBe(2);
    expect((await cli('data')).stderr).toMatch(/needs a subcommand/);
    expect(existsSync(join(layout.datasets(dataDir), 'y'))).toBe(false);
  });

  it('draws a progress bar on stderr when interactive, and none otherwise', async () => {
    await writeIdx(join(work.path, 'mnist'), { train: 30, classes: 3 });
    let stderr = '';
    let stdout = '';
    const args = parseCommandArgs(dataCommand, ['import', join(work.path, 'mnist'), '--name', 'bar']);
    const code = await dataCommand.run(args, { data: { path: dataDir, source: 'flag' }, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), interactive: true });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^\r\[ +\] +0% Reading 'mnist'/);
    expect(stderr).toMatch(/\r\[#{30}\] 100% Imported 30 samples as 'bar'\. *\n$/);
    expect(stdout).toMatch(/^Imported 'bar'/);
    const quiet = await cli('data', 'import', join(work.path, 'mnist'), '--name', 'quiet');
    expect(quiet.stderr).toBe('');
  });

  it('prints its help', async () => {
    const result = await cli('data', '--help');
    expect(result.stdout).toMatch(/model-lab data import <path> --name NAME \[--format idx\|folder\|cifar\|csv\] \[--size HxW\] \[--channels 1\|3\]/);
  });
});
