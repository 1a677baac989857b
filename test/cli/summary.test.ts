import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../main/cli/main';
import { zoo } from '../../models/index';
import { chain } from '../core/graph-helpers';

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {} });
  return { code, stdout, stderr };
}

const folder = mkdtempSync(join(tmpdir(), 'model-lab-summary-'));

function writeGraph(name: string, content: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const tiny = chain(
  ['x', 'Input', { channels: 1, height: 28, width: 28 }],
  ['c', 'Conv2d', { outChannels: 6, kernel: 5, padding: 2 }],
  ['r', 'ReLU'],
  ['p', 'MaxPool2d', { kernel: 2 }],
  ['f', 'Flatten'],
  ['fc', 'Dense', { outFeatures: 10 }],
  ['soft', 'Softmax'],
);

describe('model-lab summary', () => {
  it('prints a table with shapes, parameters, MACs and receptive fields, and the totals', async () => {
    const { code, stdout, stderr } = await cli(['summary', writeGraph('tiny.json', tiny), '--batch', '32']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Layer\s+Kind\s+Output shape\s+Params\s+MACs\s+Receptive field$/m);
    expect(stdout).toMatch(/^c\s+Conv2d\s+6×28×28\s+156\s+117,600\s+5 s1 p2$/m);
    expect(stdout).toMatch(/^p\s+MaxPool2d\s+6×14×14\s+0\s+0\s+6 s2 p2$/m);
    expect(stdout).toMatch(/^fc\s+Dense\s+10\s+11,770\s+11,760\s+—$/m);
    expect(stdout).toContain('Total params:         11,926');
    expect(stdout).toContain('one multiply-add = one MAC');
    expect(stdout).toContain('MACs:                 129,360 (FLOPs 258,720)');
    expect(stdout).toContain("Receptive field:      6, stride 2, padding 2 at 'p'");
    expect(stdout).toContain('Memory at batch 32');
  });

  it('prints one JSON object with --json, resizing the Input and final Dense of a graph file', async () => {
    const { code, stdout } = await cli(['summary', writeGraph('tiny.json', tiny), '--json', '--input', '3x32x32', '--classes', '5']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['model', 'input', 'totals', 'receptiveField', 'layers']);
    expect(report.model).toBe('test');
    expect(report.input).toEqual([3, 32, 32]);
    const conv = 6 * 3 * 25 + 6;
    const dense = 6 * 16 * 16 * 5 + 5;
    expect(report.totals).toMatchObject({ params: conv + dense, trainableParams: conv + dense, macs: 6 * 32 * 32 * 75 + 6 * 16 * 16 * 5 });
    expect(report.receptiveField).toEqual({ size: 6, stride: 2, padding: 2 });
    expect(report.layers[1]).toEqual({
      name: 'c',
      kind: 'Conv2d',
      outputShape: [6, 32, 32],
      params: conv,
      macs: 6 * 32 * 32 * 75,
      receptiveField: { size: 5, stride: 1, padding: 2, minSize: 5, alignedCentres: true },
    });
    expect(report.layers.at(-1)).toMatchObject({ name: 'soft', outputShape: [5], receptiveField: null });
  });

  it("summarises zoo models, built for the requested input and classes", async () => {
    const standard = JSON.parse((await cli(['summary', 'alexnet', '--json'])).stdout);
    expect(standard).toMatchObject({ model: 'alexnet', input: [3, 224, 224], receptiveField: { size: 195, stride: 32 } });
    expect(standard.totals.trainableParams).toBe(61_100_840);
    const small = JSON.parse((await cli(['summary', 'alexnet', '--json', '--classes', '10', '--input', '1x224x224'])).stdout);
    expect(small.input).toEqual([1, 224, 224]);
    expect(small.layers.at(-1).outputShape).toEqual([10]);
    expect(small.totals.params).toBe(61_100_840 - 4096 * 990 - 990 - 2 * 64 * 121);
  });

  it('lists the zoo when the id is unknown (exit code 2)', async () => {
    const { code, stdout, stderr } = await cli(['summary', 'alexnot']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^model-lab: 'alexnot' is neither a model file nor a zoo model\. Zoo models: .*\.\n$/);
    for (const model of zoo) expect(stderr).toContain(model.id);
  });

  it('explains a missing file, malformed JSON and an invalid graph in a line each, without a stack trace', async () => {
    const missing = await cli(['summary', join(folder, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`model-lab: Cannot read '${join(folder, 'nope.json')}': no such file.\n`);

    const malformed = await cli(['summary', writeGraph('broken.json', '{"nodes": [')]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/is not a valid Model Lab graph \(1 problem\):\n  - The graph is not valid JSON: /);

    const invalid = await cli(['summary', writeGraph('invalid.json', chain(['x', 'Input', { channels: 0, height: 8, width: 8 }], ['c', 'Conv2d', { kernel: 3 }]))]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('(2 problems)');
    expect(invalid.stderr).toContain("Input 'x' has attrs.channels = 0");
    expect(invalid.stderr).toContain("Conv2d 'c' is missing attrs.outChannels");

    for (const result of [missing, malformed, invalid]) expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports shape errors found by the analysis', async () => {
    const wrong = chain(['x', 'Input', { channels: 3, height: 8, width: 8 }], ['fc', 'Dense', { outFeatures: 2 }]);
    const { code, stderr } = await cli(['summary', writeGraph('wrong.json', wrong)]);
    expect(code).toBe(1);
    expect(stderr).toContain("'test' cannot be analysed (1 problem)");
    expect(stderr).toContain('insert a Flatten');
  });

  it('checks its arguments', async () => {
    expect((await cli(['summary'])).code).toBe(2);
    expect((await cli(['summary', 'alexnet', 'vgg16'])).stderr).toContain("got 'alexnet' 'vgg16'");
    expect((await cli(['summary', 'alexnet', '--input', '224x224'])).stderr).toContain("--input must look like CxHxW");
    expect((await cli(['summary', 'alexnet', '--batch', '0'])).code).toBe(2);
    const noDense = chain(['x', 'Input', { channels: 1, height: 8, width: 8 }], ['c', 'Conv2d', { outChannels: 2, kernel: 3 }]);
    const classes = await cli(['summary', writeGraph('conv-only.json', noDense), '--classes', '3']);
    expect(classes.code).toBe(1);
    expect(classes.stderr).toContain('--classes needs a graph that ends in a Dense layer');
  });
});
