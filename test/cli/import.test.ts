import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../main/cli/main';
import { analyse } from '../../renderer/core/analysis';
import { importOnnx } from '../../renderer/core/import/index';
import { floatTensor, GraphBuilder, model as makeModel } from '../../renderer/core/onnx/builder';
import { encodeModel } from '../../renderer/core/onnx/codec';
import { DataType } from '../../renderer/core/onnx/model';
import { parseProject } from '../../renderer/core/project';
import { bits, fixtureBytes, FIXTURES } from '../core/import/fixtures';

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {} });
  return { code, stdout, stderr };
}

const folder = mkdtempSync(join(tmpdir(), 'model-lab-import-'));

describe('model-lab import', () => {
  it('writes a project whose graph and weights are the import of the file, and prints a summary', async () => {
    const out = join(folder, 'resnet.json');
    const { code, stdout, stderr } = await cli(['import', join(FIXTURES, 'resnet_opset17.onnx'), '--out', out, '--name', 'tiny resnet']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const project = parseProject(readFileSync(out, 'utf8'));
    const direct = importOnnx(fixtureBytes('resnet_opset17.onnx'), { name: 'tiny resnet' });
    expect(project.graph).toEqual(direct.graph);
    expect([...project.weights!.keys()].sort()).toEqual([...direct.weights.keys()].sort());
    for (const [name, tensor] of direct.weights) expect(bits(project.weights!.get(name)!.data), name).toEqual(bits(tensor.data));
    const totals = analyse(direct.graph).totals;
    expect(stdout).toContain(`Imported resnet_opset17.onnx (opset 17) as 'tiny resnet' → ${out}`);
    expect(stdout).toMatch(/^Layers: 24 \(Input, Conv2d ×6, BatchNorm ×6, ReLU ×5, MaxPool2d, Add ×2, GlobalAvgPool, Flatten, Dense\)$/m);
    const unnamed = await cli(['import', join(FIXTURES, 'lenet_opset11.onnx'), '--out', join(folder, 'lenet.json')]);
    expect(unnamed.stdout).toContain(`as 'lenet_opset11'`);
    expect(stdout).toContain(`Params: ${totals.params.toLocaleString('en-US')} (trainable ${totals.trainableParams.toLocaleString('en-US')}, non-trainable ${totals.nonTrainableParams.toLocaleString('en-US')})`);
  });

  it.each([
    ['a missing file', () => join(folder, 'nope.onnx'), /^model-lab: Cannot read '.*nope\.onnx': no such file or folder\.\n$/],
    ['a file that is not ONNX', () => writeText('graph.onnx', '{"format": "model-lab/graph"}'), /^model-lab: Cannot import: not an ONNX model: .*\n$/],
    ['a node without a layer', () => withMul(), /^model-lab: Cannot import Mul node 'scale': Model Lab has no layer for the Mul operator.*\n$/],
  ])('fails on %s with one line, exit 1, and writes nothing', async (_what, file, message) => {
    const out = join(folder, `never-${Math.random().toString(36).slice(2)}.json`);
    const { code, stdout, stderr } = await cli(['import', file(), '--out', out]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('needs exactly one file and --out', async () => {
    expect((await cli(['import', '--out', join(folder, 'x.json')])).code).toBe(2);
    const { code, stderr } = await cli(['import', join(FIXTURES, 'lenet_opset11.onnx')]);
    expect(code).toBe(2);
    expect(stderr).toContain('--out is required');
  });
});

/** A model that scales its input by a constant: no layer does that. */
function withMul(): string {
  const b = new GraphBuilder('scaled');
  const x = b.input('input', DataType.FLOAT, ['N', 1, 4, 4]);
  b.initializer(floatTensor('two', [], [2]));
  b.output(b.add('Mul', [x, 'two'], {}, { name: 'scale' })[0]!, DataType.FLOAT);
  const path = join(folder, 'scaled.onnx');
  writeFileSync(path, encodeModel(makeModel(b.build(), { opset: 17 })));
  return path;
}

function writeText(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}
