import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDataset } from '../../../main/services/datasets/importer';
import { validateDatasetName } from '../../../main/services/datasets/names';
import {
  checkImportForm,
  datasetNameProblem,
  describeTarget,
  effectiveName,
  emptyImportForm,
  suggestName,
  type ImportFormFields,
} from '../../../renderer/data/import-form';
import { tempFolder, writeIdx, writeImageFolder } from '../../fixtures/datasets/make';

const form = (fields: Partial<ImportFormFields>): ImportFormFields => ({ ...emptyImportForm(), ...fields });

describe('dataset names in the import form', () => {
  // The form checks names before a long import starts; it must agree with the main process word for word.
  const names = [
    'fashion-mnist',
    'cifar10 small',
    '',
    '   ',
    'a/b',
    'a\\b',
    '..',
    'x..y',
    '.hidden',
    'bad:name',
    'what?',
    'tab\there',
    ' padded',
    'trailing.',
    'x'.repeat(100),
    'x'.repeat(101),
    'Ünïcødé-名前',
  ];
  it.each(names)('judges %j exactly as the importer does', (name) => {
    let expected: string | null = null;
    try {
      validateDatasetName(name);
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(datasetNameProblem(name)).toBe(expected);
  });

  it('uses the same words for a new name in a rename', () => {
    expect(datasetNameProblem('a/b', 'New dataset name')).toBe(`New dataset name "a/b" contains a path separator; use a plain name without '/' or '\\'.`);
  });

  it("suggests a name from the path's last segment and uses it when the name is left empty", () => {
    expect(suggestName('/usr/share/datasets/fashion-mnist/')).toBe('fashion-mnist');
    expect(suggestName('C:\\data\\My Photos')).toBe('My-Photos');
    expect(suggestName('/data/digits.csv')).toBe('digits');
    expect(suggestName('/')).toBe('');
    expect(suggestName('/data/..')).toBe('');
    expect(effectiveName(form({ path: '/x/pets' }))).toBe('pets');
    expect(effectiveName(form({ path: '/x/pets', name: 'cats' }))).toBe('cats');
  });
});

describe('checking the import form', () => {
  it('builds the request with only what was chosen (automatic choices left to the importer)', () => {
    const check = checkImportForm(form({ path: ' /data/pets ', name: 'pets' }));
    expect(check).toEqual({ ok: true, request: { path: '/data/pets', name: 'pets', val: 0.1, test: 0.1, seed: 1 } });
  });

  it('passes format, size, channels, fractions, seed, class names and replace through', () => {
    const check = checkImportForm(
      form({ path: '/d', name: 'n', format: 'idx', height: '32', width: '24', channels: '3', val: '0.2', test: '0', seed: '7', classNames: 'a, b ,c', replace: true }),
    );
    expect(check).toEqual({
      ok: true,
      request: { path: '/d', name: 'n', format: 'idx', size: [32, 24], channels: 3, val: 0.2, test: 0, seed: 7, classNames: ['a', 'b', 'c'], replace: true },
    });
  });

  it('reports every bad field at once, quoting the bad value', () => {
    const check = checkImportForm(form({ path: '', name: 'a/b', height: '0', width: 'x', val: '1', test: '-0.1', seed: '1.5', classNames: 'a,,b' }));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.path).toMatch(/path is empty/);
    expect(check.problems.name).toMatch(/"a\/b" contains a path separator/);
    expect(check.problems.height).toMatch(/height must be a whole number of pixels from 1 to 4096; got '0'/);
    expect(check.problems.width).toMatch(/got 'x'/);
    expect(check.problems.val).toMatch(/validation fraction .* got '1'/);
    expect(check.problems.test).toMatch(/test fraction .* got '-0.1'/);
    expect(check.problems.seed).toMatch(/seed must be a whole number.*got '1.5'/);
    expect(check.problems.classNames).toMatch(/class name is empty in 'a,,b'/);
  });

  it('asks for both sides of a size, and for fractions that leave something to train on', () => {
    const check = checkImportForm(form({ path: '/d', name: 'n', height: '32', val: '0.6', test: '0.4' }));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.width).toMatch(/Give the width too/);
    expect(check.problems.height).toBeUndefined();
    expect(check.problems.test).toMatch(/add up to 1 or more/);
  });

  it('explains a name it could not make from the path', () => {
    const check = checkImportForm(form({ path: '/' }));
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problems.name).toMatch(/No name can be made from the path; type one/);
  });
});

describe('the requests the form builds, run by the real importer', () => {
  let work: { path: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    work = await tempFolder();
  });
  afterEach(() => work.cleanup());

  it('automatic size and channels: a folder of mostly 20×12 grey images is stored 1×12×20, as the form says', async () => {
    const source = join(work.path, 'shapes');
    await writeImageFolder(source, ['round', 'square'], 6, { sizes: [[20, 12], [20, 12], [9, 9]], channels: 1 });
    const fields = form({ path: source, format: 'folder' });
    expect(describeTarget(fields)).toMatch(/most common image size.*grey when every sampled image is grey/);
    const check = checkImportForm(fields);
    if (!check.ok) throw new Error(JSON.stringify(check.problems));
    const { manifest } = await importDataset(join(work.path, 'data'), check.request);
    expect(manifest.name).toBe('shapes');
    expect(manifest.shape).toEqual([1, 12, 20]);
    expect(manifest.preprocessing.description).toMatch(/grey/);
  });

  it('an explicit size and channels and seed reach the importer', async () => {
    const source = join(work.path, 'idx');
    await writeIdx(source, { train: 30, test: 6, classes: 3, h: 4, w: 5 });
    const fields = form({ path: source, name: 'tiny', height: '8', width: '6', channels: '3', val: '0.2', seed: '9' });
    expect(describeTarget(fields)).toBe('Samples will be stored resized to cover 8×6 and centre-cropped, colour (3 channels).');
    const check = checkImportForm(fields);
    if (!check.ok) throw new Error(JSON.stringify(check.problems));
    const { manifest } = await importDataset(join(work.path, 'data'), check.request);
    expect(manifest.shape).toEqual([3, 8, 6]);
    expect(manifest.split).toMatchObject({ seed: 9, val: 0.2 });
    expect(manifest.counts).toEqual({ train: 24, val: 6, test: 6 });
  });

  it('automatic choices for IDX: the source size, grey', async () => {
    const source = join(work.path, 'idx');
    await writeIdx(source, { train: 12, test: 3, classes: 3, h: 4, w: 5 });
    const fields = form({ path: source, format: 'idx' });
    expect(describeTarget(fields)).toMatch(/source's own size.*grey, as IDX images are/);
    const check = checkImportForm(fields);
    if (!check.ok) throw new Error(JSON.stringify(check.problems));
    const { manifest } = await importDataset(join(work.path, 'data'), check.request);
    expect(manifest.shape).toEqual([1, 4, 5]);
  });
});
