import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../main/cli/main';
import { decodeModel } from '../../renderer/core/onnx/codec';

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
  return { code, stdout, stderr };
}

function initializers(path: string): Map<string, Float32Array> {
  const model = decodeModel(new Uint8Array(readFileSync(path)));
  return new Map(model.graph.initializers.filter((t) => t.values instanceof Float32Array).map((t) => [t.name, t.values as Float32Array]));
}

describe('model-lab train: fine-tuning an ONNX model', () => {
  it('keeps frozen layers bit for bit, replaces a classifier of the wrong size, and trains the rest', { timeout: 120_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'model-lab-finetune-'));
    const data = join(folder, 'data');
    expect((await cli(['--data-dir', data, 'data', 'sample'])).code).toBe(0);
    const base = join(folder, 'base.onnx');
    expect((await cli(['export', 'lenet5-relu', '--classes', '5', '--out', base, '--seed', '2'])).code).toBe(0);

    const run = await cli(['--data-dir', data, 'train', base, '--data', 'fashion-mnist-sample', '--epochs', '1', '--batch', '64', '--lr', '0.01', '--freeze', 'conv1,conv2', '--out', join(folder, 'run'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("note: replaced the classifier 'fc3' (5 → 10 classes) with a freshly initialised one");

    const before = initializers(base);
    const after = initializers(join(folder, 'run', 'model.onnx'));
    for (const name of ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias']) {
      expect(Buffer.from(after.get(name)!.buffer).equals(Buffer.from(before.get(name)!.buffer)), `${name} is frozen`).toBe(true);
    }
    expect(after.get('fc1.weight')!.length).toBe(before.get('fc1.weight')!.length);
    expect(Array.from(after.get('fc1.weight')!)).not.toEqual(Array.from(before.get('fc1.weight')!));
    expect(before.get('fc3.weight')!.length).toBe(5 * 84);
    expect(after.get('fc3.weight')!.length).toBe(10 * 84);
  });

  it('refuses to freeze a layer the model does not have', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'model-lab-finetune-'));
    const data = join(folder, 'data');
    await cli(['--data-dir', data, 'data', 'sample']);
    const run = await cli(['--data-dir', data, 'train', 'lenet5-relu', '--data', 'fashion-mnist-sample', '--epochs', '1', '--batch', '64', '--lr', '0.01', '--freeze', 'conv9', '--out', join(folder, 'run')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--freeze names 'conv9', which the model does not have");
  });
});
