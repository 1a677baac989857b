import { describe, expect, it } from 'vitest';
import { zooModel } from '../../../models/index';
import { copyName, parseProjectFile, projectFileName, ProjectFileError, toProjectFile } from '../../../renderer/projects/project-file';

describe('project files', () => {
  const graph = zooModel('lenet5')!.build();

  it('round-trips a project through its .json file', () => {
    const text = JSON.stringify(toProjectFile({ name: 'My LeNet', graph, template: 'lenet5' }));
    expect(parseProjectFile(text, 'my-lenet.json')).toEqual({ name: 'My LeNet', graph, template: 'lenet5' });
  });

  it('opens a bare graph file, named after the graph', () => {
    expect(parseProjectFile(JSON.stringify(graph), 'x.json')).toEqual({ name: graph.name, graph });
  });

  it('refuses bad files with a sentence naming the file and the problem', () => {
    expect(() => parseProjectFile('{nope', 'broken.json')).toThrow(/'broken.json' is not valid JSON/);
    const bad = { ...graph, nodes: [...graph.nodes, { id: 'x', kind: 'Conv3d', attrs: {}, inputs: [] }] };
    let error: unknown;
    try {
      parseProjectFile(JSON.stringify({ ...toProjectFile({ name: 'bad', graph }), graph: bad }), 'bad.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProjectFileError);
    expect((error as ProjectFileError).message).toMatch(/'bad.json' cannot be opened: .*Conv3d/);
    expect((error as ProjectFileError).issues.length).toBeGreaterThan(0);
    expect(() => parseProjectFile(JSON.stringify({ format: 'model-lab/project', version: 2, graph }), 'new.json')).toThrow(/version 2/);
  });

  it('names copies and files safely', () => {
    expect(copyName('ResNet', ['ResNet'])).toBe('ResNet (copy)');
    expect(copyName('ResNet (copy)', ['ResNet', 'ResNet (copy)'])).toBe('ResNet (copy 2)');
    expect(projectFileName('a/b: c?')).toBe('a-b- c-.json');
    expect(projectFileName('  ')).toBe('model.json');
  });
});
