// The project file: serialiseProject → parseProject keeps the graph and every weight bit; parseProject names the field
// at fault for each kind of damage.
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../../renderer/core/import/index';
import { decodeBase64, encodeBase64, parseProject, ProjectError, serialiseProject } from '../../../renderer/core/project';
import { bits, fixtureBytes } from './fixtures';

const imported = importOnnx(fixtureBytes('alexnet_opset17.onnx'));
const text = serialiseProject({ graph: imported.graph, weights: imported.weights, classes: ['a', 'b'] });

function damaged(edit: (file: Record<string, any>) => void): string {
  const file = JSON.parse(text);
  edit(file);
  return JSON.stringify(file);
}

function expectProjectError(source: string, field: string, message: RegExp): void {
  let caught: unknown;
  try {
    parseProject(source);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProjectError);
  expect((caught as ProjectError).field).toBe(field);
  expect((caught as ProjectError).message).toMatch(message);
}

describe('project files', () => {
  it('round-trips the graph, the classes and every weight bit for bit (NaN payloads included)', () => {
    const weights = new Map(imported.weights);
    const special = Float32Array.from(weights.get('classifier.4.bias')!.data);
    new Uint32Array(special.buffer)[0] = 0x7fa00001;
    weights.set('classifier.4.bias', { dims: [10], data: special });
    const project = parseProject(serialiseProject({ graph: imported.graph, weights, classes: ['cat', 'dog'] }));
    expect(project.graph).toEqual(imported.graph);
    expect(project.classes).toEqual(['cat', 'dog']);
    for (const [name, tensor] of weights) {
      expect(project.weights!.get(name)!.dims).toEqual(tensor.dims);
      expect(bits(project.weights!.get(name)!.data), name).toEqual(bits(tensor.data));
    }
  });

  it('encodes base64 as the standard alphabet with padding', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 255]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 255);
      const encoded = encodeBase64(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(decodeBase64(encoded)!)).toEqual(Array.from(bytes));
    }
    expect(decodeBase64('abc')).toBeUndefined();
    expect(decodeBase64('ab!=')).toBeUndefined();
  });

  it('names the field at fault', () => {
    expectProjectError('{', '', /not valid JSON/);
    expectProjectError(damaged((f) => (f.format = 'model-lab/graph')), 'format', /"model-lab\/graph"; it must be "model-lab\/project"/);
    expectProjectError(damaged((f) => (f.version = 2)), 'version', /version is 2/);
    expectProjectError(damaged((f) => (f.extra = 1)), 'extra', /unknown field 'extra'/);
    expectProjectError(damaged((f) => (f.classes = [1])), 'classes', /class names/);
    expectProjectError(damaged((f) => (f.graph.nodes[1].attrs.kernel = 0)), 'graph.kernel', /kernel/);
    expectProjectError(damaged((f) => delete f.weights['features.0.bias']), 'weights["features.0.bias"]', /no weights for 'features.0.bias'/);
    expectProjectError(damaged((f) => (f.weights['features.0.gamma'] = f.weights['features.0.bias'])), 'weights["features.0.gamma"]', /not a parameter of the graph/);
    expectProjectError(damaged((f) => (f.weights['features.0.bias'].dims = [9])), 'weights["features.0.bias"].dims', /\[9\], but the graph needs \[8\]/);
    expectProjectError(damaged((f) => (f.weights['features.0.bias'].dtype = 'float16')), 'weights["features.0.bias"].dtype', /only "float32"/);
    expectProjectError(damaged((f) => (f.weights['features.0.bias'].data = 'AAAA')), 'weights["features.0.bias"].data', /holds 3 bytes, but dims \[8\] need 8 float32 values \(32 bytes\)/);
    expectProjectError(damaged((f) => (f.weights['features.0.bias'].data = 'not base64')), 'weights["features.0.bias"].data', /base64/);
  });
});
