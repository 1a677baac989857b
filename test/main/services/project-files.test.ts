import { existsSync } from 'node:fs';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../main/handlers';
import {
  MAX_PROJECT_FILE_BYTES,
  openProjectFile,
  ProjectFileError,
  saveProjectFile,
  type ProjectDialogs,
} from '../../../main/services/project-files';
import { toResult } from '../../../preload/result';
import { zooModel } from '../../../models/index';
import { serialiseProject } from '../../../renderer/core/project';
import { toProjectFile } from '../../../renderer/projects/project-file';
import { fullDisk } from '../../fixtures/datasets/full-disk';
import { tempFolder } from '../../fixtures/datasets/make';

let work: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  work = await tempFolder();
});
afterEach(() => work.cleanup());

/** A dialog that answers with the given paths in turn (null = the user cancelled) and records what it was asked. */
function fakeDialogs(answers: (string | null)[]): ProjectDialogs & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    chooseSavePath: async (suggested) => {
      asked.push(`save:${suggested}`);
      return answers.shift() ?? null;
    },
    chooseOpenPath: async () => {
      asked.push('open');
      return answers.shift() ?? null;
    },
  };
}

const lenet = zooModel('lenet5')!.build();
const editorProject = JSON.stringify(toProjectFile({ name: 'My LeNet', graph: lenet, template: 'lenet5' }), null, 2);

describe('project files through the main process', () => {
  it('saves where the dialog says, atomically, and opens it again', async () => {
    const path = join(work.path, 'my-lenet.json');
    const dialogs = fakeDialogs([path, path]);
    expect(await saveProjectFile(dialogs, 'My LeNet.json', editorProject)).toBe(path);
    expect(dialogs.asked).toEqual(['save:My LeNet.json']);
    expect(await readFile(path, 'utf8')).toBe(editorProject);
    // Only the file itself: the temp file was renamed into place.
    expect(await readdir(work.path)).toEqual(['my-lenet.json']);
    expect(await openProjectFile(dialogs)).toEqual({ path, json: editorProject });
  });

  it('adds .json to a name typed without an extension, and returns null when either dialog is cancelled', async () => {
    const dialogs = fakeDialogs([join(work.path, 'plain'), null, null]);
    expect(await saveProjectFile(dialogs, 'x.json', editorProject)).toBe(join(work.path, 'plain.json'));
    expect(existsSync(join(work.path, 'plain.json'))).toBe(true);
    expect(await saveProjectFile(dialogs, 'x.json', editorProject)).toBeNull();
    expect(await openProjectFile(dialogs)).toBeNull();
  });

  it('accepts a project with weights, a bare graph, and a design still in progress', async () => {
    const weighted = serialiseProject({ graph: lenet, weights: new Map() });
    const dialogs = fakeDialogs([]);
    // No weights at all is a weightless project (fine); an empty weights object is a project missing every weight.
    await expect(saveProjectFile(dialogs, 'w.json', weighted)).rejects.toThrow(/'w.json' is not a valid Model Lab project: The project has no weights for 'conv1.weight'/);
    const bare = join(work.path, 'graph.json');
    await writeFile(bare, JSON.stringify(lenet));
    expect((await openProjectFile(fakeDialogs([bare])))!.json).toBe(JSON.stringify(lenet));
    const unfinished = { ...lenet, nodes: lenet.nodes.filter((node) => node.kind !== 'Flatten').map((node) => ({ ...node, inputs: node.inputs.map((id) => (id === 'flatten' ? 'pool2' : id)) })) };
    const draft = JSON.stringify(toProjectFile({ name: 'draft', graph: unfinished }));
    const path = join(work.path, 'draft.json');
    expect(await saveProjectFile(fakeDialogs([path]), 'draft.json', draft)).toBe(path);
  });

  it('refuses files that are not projects, naming the file, before any dialog or write', async () => {
    const dialogs = fakeDialogs([join(work.path, 'never.json')]);
    await expect(saveProjectFile(dialogs, 'broken.json', '{nope')).rejects.toThrow(/^'broken.json' is not valid JSON/);
    await expect(saveProjectFile(dialogs, 'other.json', JSON.stringify({ format: 'something-else' }))).rejects.toThrow(
      /'other.json' is not a Model Lab project: The project's format is "something-else"/,
    );
    expect(dialogs.asked).toEqual([]);
    expect(await readdir(work.path)).toEqual([]);

    const wrong = join(work.path, 'notes.json');
    await writeFile(wrong, JSON.stringify({ format: 'model-lab/project', version: 1, graph: lenet, colour: 'red' }));
    const error = await openProjectFile(fakeDialogs([wrong])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProjectFileError);
    expect((error as ProjectFileError).message).toMatch(/^'notes.json' is not a valid Model Lab project: The project has an unknown field 'colour'/);
    await expect(openProjectFile(fakeDialogs([join(work.path, 'missing.json')]))).rejects.toThrow(/missing.json': it does not exist/);
    await expect(openProjectFile(fakeDialogs(['relative.json']))).rejects.toThrow(/not an absolute path/);
  });

  it('refuses to open a file over the size limit without reading it', async () => {
    const huge = join(work.path, 'huge.json');
    await writeFile(huge, '');
    await truncate(huge, MAX_PROJECT_FILE_BYTES + 1); // sparse: no disk used
    await expect(openProjectFile(fakeDialogs([huge]))).rejects.toThrow(/'huge.json' is 256 MiB, more than the 256 MiB a project file may hold/);
  });

  it('leaves the previous file whole when the disk fills up mid-write', async () => {
    const path = join(work.path, 'kept.json');
    await writeFile(path, editorProject);
    const bigger = JSON.stringify(toProjectFile({ name: 'VGG', graph: zooModel('vgg16')!.build() }));
    await expect(saveProjectFile(fakeDialogs([path]), 'kept.json', bigger, fullDisk(100))).rejects.toThrow(
      /Could not save the project to '.*kept.json': the disk is full. The previous file there, if any, is unchanged./,
    );
    expect(await readFile(path, 'utf8')).toBe(editorProject);
    expect(await readdir(work.path)).toEqual(['kept.json']);
  });

  it('answers in browser mode (no dialogs) that the calls are not available there', async () => {
    const handlers = createHandlers({ data: { path: work.path, source: 'flag' }, host: 'web', events: { emit() {} } });
    const saved = await toResult(() => handlers.projectSaveFile('x.json', editorProject));
    expect(saved).toEqual({ ok: false, error: { code: 'not-available', message: expect.stringMatching(/not available in browser mode/) } });
    expect(await toResult(() => handlers.projectOpenFile())).toMatchObject({ ok: false, error: { code: 'not-available' } });
    const desktop = createHandlers({ data: { path: work.path, source: 'flag' }, host: 'electron', events: { emit() {} }, dialogs: fakeDialogs([join(work.path, 'd.json')]) });
    expect(await desktop.projectSaveFile('d.json', editorProject)).toBe(join(work.path, 'd.json'));
  });
});
