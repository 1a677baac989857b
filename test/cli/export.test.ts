import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { main } from '../../main/cli/main';
import { checkModel } from '../../renderer/core/onnx/checker';
import { decodeModel } from '../../renderer/core/onnx/codec';
import { createNodeSession } from '../../renderer/runtime/ort-node';
import { toProjectFile } from '../../renderer/projects/project-file';
import { zooModel } from '../../models/index';

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
  return { code, stdout, stderr };
}

async function outputsOf(path: string, input: Float32Array, dims: number[]) {
  const session = await createNodeSession(new Uint8Array(readFileSync(path)));
  try {
    return (await session.runFloat32({ input: { data: input, dims } })).output!.data;
  } finally {
    await session.release();
  }
}

describe('model-lab export', () => {
  const folder = mkdtempSync(join(tmpdir(), 'model-lab-export-'));

  it('exports a zoo model that passes the checker, and round-trips an ONNX file with equal outputs and identical weights', async () => {
    const first = join(folder, 'lenet.onnx');
    const run = await cli(['export', 'lenet5-relu', '--out', first, '--seed', '3']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Wrote .*lenet\.onnx \(0\.2 MiB\): lenet5-relu/);
    expect(run.stdout).toContain("input 'input' [N, 1, 28, 28], output 'output' [N, 10]");
    expect(run.stdout).toContain('61,706 parameters');
    const model = decodeModel(new Uint8Array(readFileSync(first)));
    expect(checkModel(model).issues).toEqual([]);

    const second = join(folder, 'lenet-again.onnx');
    expect((await cli(['export', first, '--out', second])).code).toBe(0);
    const again = decodeModel(new Uint8Array(readFileSync(second)));
    expect(again.graph.nodes.map((n) => [n.name, n.opType])).toEqual(model.graph.nodes.map((n) => [n.name, n.opType]));
    for (const t of model.graph.initializers) {
      const copy = again.graph.initializers.find((u) => u.name === t.name)!;
      expect(Buffer.from((copy.values as Float32Array).buffer).equals(Buffer.from((t.values as Float32Array).buffer)), t.name).toBe(true);
    }
    const input = Float32Array.from({ length: 2 * 784 }, (_, i) => Math.cos(i));
    expect(await outputsOf(second, input, [2, 1, 28, 28])).toEqual(await outputsOf(first, input, [2, 1, 28, 28]));

    // Same seed, same weights; another seed, other weights.
    const reseeded = join(folder, 'lenet-seed4.onnx');
    await cli(['export', 'lenet5-relu', '--out', reseeded, '--seed', '4']);
    expect(readFileSync(reseeded).equals(readFileSync(first))).toBe(false);
    await cli(['export', 'lenet5-relu', '--out', reseeded, '--seed', '3']);
    expect(readFileSync(reseeded).equals(readFileSync(first))).toBe(true);
  });

  it("exports a project the editor saved (graph, name and template, no weights yet) with fresh weights", async () => {
    const saved = join(folder, 'from-editor.json');
    writeFileSync(saved, JSON.stringify(toProjectFile({ name: 'My LeNet', template: 'lenet5', graph: zooModel('lenet5')!.build() })));
    const out = join(folder, 'from-editor.onnx');
    const run = await cli(['export', saved, '--out', out, '--seed', '5']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('61,706 parameters (61,706 trainable), fresh weights (seed 5)');
    expect(checkModel(decodeModel(new Uint8Array(readFileSync(out)))).issues).toEqual([]);
  });

  it('refuses bad requests in one line and leaves an existing file untouched', async () => {
    const existing = join(folder, 'keep.onnx');
    writeFileSync(existing, 'previous contents');
    const graphFile = join(folder, 'broken.json');
    writeFileSync(graphFile, JSON.stringify({ format: 'model-lab/graph', version: 1, name: 'broken', nodes: [{ id: 'in', kind: 'Input', attrs: { channels: 1, height: 4, width: 4 }, inputs: [] }, { id: 'fc', kind: 'Dense', attrs: { outFeatures: 2 }, inputs: ['in'] }] }));
    const broken = await cli(['export', graphFile, '--out', existing]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^model-lab: 'broken' cannot be exported \(1 problem\):\n  - .*Flatten/);
    expect(readFileSync(existing, 'utf8')).toBe('previous contents');

    expect((await cli(['export', 'lenet5'])).stderr).toBe('model-lab: --out is required.\n');
    mkdirSync(join(folder, 'dir.onnx'));
    expect((await cli(['export', 'lenet5', '--out', join(folder, 'dir.onnx')])).stderr).toContain('is a folder');
    expect((await cli(['export', 'lenet6', '--out', existing])).stderr).toMatch(/'lenet6' is neither a model file nor a zoo model\. Zoo models: lenet5, /);
    const first = join(folder, 'lenet.onnx');
    await cli(['export', 'lenet5', '--out', first]);
    expect((await cli(['export', first, '--classes', '3', '--out', existing])).stderr).toContain("--classes cannot change");
    writeFileSync(join(folder, 'junk.onnx'), 'not a model at all');
    const junk = await cli(['export', join(folder, 'junk.onnx'), '--out', existing]);
    expect(junk.code).toBe(1);
    expect(junk.stderr).toMatch(/^model-lab: .*(ONNX|protobuf|not an ONNX model)/i);
    expect(readFileSync(existing, 'utf8')).toBe('previous contents');
  });
});

describe('model-lab predict', () => {
  const folder = mkdtempSync(join(tmpdir(), 'model-lab-predict-'));

  it('ranks classes for each image with the softmax of the model output on the normalised pixels', async () => {
    const model = join(folder, 'lenet.onnx');
    await cli(['export', 'lenet5-relu', '--out', model, '--seed', '1']);
    const pixels = Uint8Array.from({ length: 28 * 28 }, (_, i) => (i * 7) % 256);
    const image = join(folder, 'digit.png');
    await sharp(Buffer.from(pixels), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(image);
    const colour = join(folder, 'photo.jpg');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 90 } } }).jpeg().toFile(colour);

    const run = await cli(['predict', model, image, colour, '--top', '3', '--json']);
    expect(run.stderr).toBe('');
    const results = JSON.parse(run.stdout) as Array<{ file: string; top: Array<{ class: string; index: number; probability: number }> }>;
    expect(results.map((r) => r.file)).toEqual([image, colour]);
    expect(results[1]!.top).toHaveLength(3);

    const logits = await outputsOf(model, Float32Array.from(pixels, (p) => p / 255), [1, 1, 28, 28]);
    const max = Math.max(...logits);
    const exps = Array.from(logits, (v) => Math.exp(v - max));
    const probabilities = exps.map((e) => e / exps.reduce((a, b) => a + b));
    const best = probabilities.indexOf(Math.max(...probabilities));
    expect(results[0]!.top[0]).toMatchObject({ index: best, class: `class ${best}` });
    expect(results[0]!.top[0]!.probability).toBeCloseTo(probabilities[best]!, 5);
    expect(results[0]!.top[0]!.probability).toBeGreaterThanOrEqual(results[0]!.top[1]!.probability);
  });

  it('names an unreadable image and a missing model', async () => {
    const model = join(folder, 'lenet2.onnx');
    await cli(['export', 'lenet5', '--out', model]);
    const bad = join(folder, 'bad.png');
    writeFileSync(bad, 'this is no PNG');
    const run = await cli(['predict', model, bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^model-lab: Cannot read the image '${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}': `));
    expect((await cli(['predict', join(folder, 'none.onnx'), bad])).stderr).toContain('no such file');
    expect((await cli(['predict', model])).code).toBe(2);
  });
});
