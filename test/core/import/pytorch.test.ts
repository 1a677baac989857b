// Importing real torch.onnx.export output (torch 1.13, opsets 11/13/17, dynamic and fixed batch, BatchNorm kept and
// fused): layer kinds and ids, attributes, bit-identical weights, a clean analysis, and PyTorch's own outputs from the
// original file in the float64 reference.
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../renderer/core/analysis';
import type { LayerKind, LayerNode } from '../../../renderer/core/ir';
import { importOnnx, ImportError } from '../../../renderer/core/import/index';
import { DataType } from '../../../renderer/core/onnx/model';
import { encodeModel } from '../../../renderer/core/onnx/codec';
import { refTensor, runReference } from '../../../renderer/core/onnx/reference';
import { createNodeSession } from '../../../renderer/runtime/ort-node';
import { bits, fixture, fixtureBytes, fixtureModel, importableFiles, maxAbsDiff } from './fixtures';

// The layers each export must become, in order: [id, kind]. Ids are PyTorch's module paths.
const LAYERS: Record<string, Array<[string, LayerKind]>> = {
  lenet: [
    ['input', 'Input'], ['conv1', 'Conv2d'], ['tanh', 'Tanh'], ['pool1', 'AvgPool2d'], ['conv2', 'Conv2d'], ['leakyrelu', 'LeakyReLU'],
    ['pool2', 'MaxPool2d'], ['reshape', 'Flatten'], ['fc1', 'Dense'], ['sigmoid', 'Sigmoid'], ['fc2', 'Dense'], ['softmax', 'Softmax'],
  ],
  alexnet: [
    ['input', 'Input'], ['features.0', 'Conv2d'], ['features.1', 'ReLU'], ['features.2', 'LRN'], ['features.3', 'MaxPool2d'],
    ['features.4', 'Conv2d'], ['features.5', 'ReLU'], ['features.6', 'MaxPool2d'], ['features.7', 'Conv2d'], ['features.8', 'ReLU'],
    ['features.9', 'AvgPool2d'], ['flatten', 'Flatten'], ['classifier.1', 'Dense'], ['classifier.2', 'ReLU'], ['classifier.4', 'Dense'],
  ],
  resnet: [
    ['input', 'Input'], ['conv1', 'Conv2d'], ['bn1', 'BatchNorm'], ['relu', 'ReLU'], ['maxpool', 'MaxPool2d'],
    ['layer1.0.conv1', 'Conv2d'], ['layer1.0.bn1', 'BatchNorm'], ['layer1.0.relu', 'ReLU'], ['layer1.0.conv2', 'Conv2d'], ['layer1.0.bn2', 'BatchNorm'],
    ['layer1.0.add', 'Add'], ['layer1.0.relu_1', 'ReLU'],
    ['layer2.0.downsample.0', 'Conv2d'], ['layer2.0.downsample.1', 'BatchNorm'], ['layer2.0.conv1', 'Conv2d'], ['layer2.0.bn1', 'BatchNorm'],
    ['layer2.0.relu', 'ReLU'], ['layer2.0.conv2', 'Conv2d'], ['layer2.0.bn2', 'BatchNorm'], ['layer2.0.add', 'Add'], ['layer2.0.relu_1', 'ReLU'],
    ['avgpool', 'GlobalAvgPool'], ['flatten', 'Flatten'], ['fc', 'Dense'],
  ],
  inception: [
    ['input', 'Input'], ['stem', 'Conv2d'], ['relu', 'ReLU'], ['inception.branch1', 'Conv2d'], ['inception.branch2.0', 'Conv2d'],
    ['inception.branch2.1', 'ReLU'], ['inception.branch2.2', 'Conv2d'], ['inception.branch2.3', 'ReLU'], ['inception.branch2.4', 'Conv2d'],
    ['inception.branch3.0', 'Conv2d'], ['inception.branch3.1', 'ReLU'], ['inception.branch3.2', 'Conv2d'], ['inception.branch4.0', 'MaxPool2d'],
    ['inception.branch4.1', 'Conv2d'], ['inception.concat', 'Concat'], ['inception.relu', 'ReLU'], ['pool', 'GlobalAvgPool'],
    ['flatten', 'Flatten'], ['fc', 'Dense'],
  ],
  lrneven: [['input', 'Input'], ['conv', 'Conv2d'], ['lrn', 'LRN'], ['relu', 'ReLU']],
};

/** torch's default export (training=EVAL) folds each BatchNorm into the convolution before it. */
const FUSED_RESNET = LAYERS.resnet!.filter(([, kind]) => kind !== 'BatchNorm');

// Attributes worth pinning: the cases where ONNX and PyTorch conventions differ.
const ATTRS: Record<string, Record<string, unknown>> = {
  'lenet/conv1': { outChannels: 4, kernel: 5, stride: 1, padding: 2 },
  'lenet/leakyrelu': { negativeSlope: 0.1 },
  'lenet/pool1': { kernel: 2, stride: 2, countIncludePad: false },
  'alexnet/features.2': { size: 5, alpha: 1e-4, beta: 0.75, k: 2 },
  'alexnet/features.3': { kernel: 3, stride: 2, ceilMode: true },
  'alexnet/features.4': { outChannels: 16, kernel: 3, stride: 1, padding: 1, groups: 2 },
  'alexnet/features.6': { kernel: 3, stride: 2, padding: 1, ceilMode: true },
  'alexnet/features.9': { kernel: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false },
  'alexnet/classifier.1': { outFeatures: 32 },
  'resnet/conv1': { outChannels: 8, kernel: 3, stride: 1, padding: 1, bias: false },
  'resnet/bn1': { eps: 1e-3, momentum: 0.05 },
  'resnet/layer1.0.bn1': { eps: 1e-5, momentum: 0.1 },
  'resnet/layer2.0.downsample.0': { outChannels: 16, kernel: 1, stride: 2, padding: 0, bias: false },
  'inception/stem': { outChannels: 8, kernel: 3, stride: 1, padding: 2, dilation: 2 },
  'inception/inception.branch2.2': { outChannels: 6, kernel: [1, 3], stride: 1, padding: [0, 1] },
  'inception/inception.branch2.4': { outChannels: 6, kernel: [3, 1], stride: 1, padding: [1, 0] },
  'inception/inception.branch4.0': { kernel: 3, stride: 1, padding: 1 },
  'lrneven/lrn': { size: 4, alpha: 0.05, beta: 0.6, k: 1.5 },
};

describe.each(importableFiles())('$file', ({ model, file, info }) => {
  const bytes = fixtureBytes(file);
  const onnx = fixtureModel(file);
  const result = importOnnx(bytes);
  const { graph, weights } = result;
  const layers = graph.nodes as LayerNode[];

  it('maps every node to the expected layers, named by their PyTorch module paths', () => {
    expect(result.opset).toBe(info.opset);
    const expected = info.batchnorm_fused ? FUSED_RESNET : LAYERS[model]!;
    expect(layers.map((l) => [l.id, l.kind])).toEqual(expected);
    expect(graph.output).toBe(expected[expected.length - 1]![0]);
    const input = layers[0]!;
    expect(input.attrs).toEqual({ channels: fixture(model).input.dims[1], height: fixture(model).input.dims[2], width: fixture(model).input.dims[3] });
    for (const [key, attrs] of Object.entries(ATTRS)) {
      const [owner, id] = key.split('/') as [string, string];
      if (owner !== model || (info.batchnorm_fused && id.includes('bn'))) continue;
      const layer = layers.find((l) => l.id === id);
      expect(layer, id).toBeDefined();
      // A fused convolution gains the BatchNorm's shift as its bias.
      const wanted = info.batchnorm_fused ? Object.fromEntries(Object.entries(attrs).filter(([k]) => k !== 'bias')) : attrs;
      expect(layer!.attrs, id).toEqual(wanted);
    }
  });

  it('copies every float initializer bit for bit, and nothing else', () => {
    const floats = onnx.graph.initializers.filter((t) => t.dataType === DataType.FLOAT && t.dims.length > 0 && !t.name.includes('Constant'));
    expect(weights.size).toBe(floats.length);
    const byBits = new Map(floats.map((t) => [bits(t.values as Float32Array).join(','), t]));
    for (const [name, tensor] of weights) {
      const source = info.batchnorm_fused ? byBits.get(bits(tensor.data).join(',')) : floats.find((t) => t.name === name);
      expect(source, `initializer for ${name}`).toBeDefined();
      expect(tensor.dims).toEqual(source!.dims);
      expect(bits(tensor.data)).toEqual(bits(source!.values as Float32Array));
    }
  });

  it('analyses without issues, counting exactly the parameters the file stores', () => {
    const analysis = analyse(graph);
    expect(analysis.issues).toEqual([]);
    const stored = [...weights.values()].reduce((n, t) => n + t.data.length, 0);
    expect(analysis.totals.params).toBe(stored);
    expect(analysis.output).toEqual(fixture(model).output.dims.slice(1));
  });

  // The reference interpreter has no If (torch's traced LocalResponseNorm has one), so those files run in onnxruntime.
  it(`reproduces PyTorch's output from the original file in ${info.torch_lrn ? 'onnxruntime-web' : 'the float64 reference'}`, async () => {
    const { input, output } = fixture(model);
    const batch = info.dynamic_batch ? input.dims[0]! : (onnx.graph.inputs[0]!.type as { shape: number[] }).shape[0]!;
    expect(batch).toBe(input.dims[0]);
    let y: { dims: number[]; data: ArrayLike<number> };
    if (info.torch_lrn) {
      const session = await createNodeSession(bytes);
      y = (await session.runFloat32({ input: { data: Float32Array.from(input.data), dims: input.dims } })).output!;
      await session.release();
    } else {
      y = runReference(onnx, { input: refTensor(input.dims, Float32Array.from(input.data)) }).output!;
    }
    expect(y.dims).toEqual(output.dims);
    expect(maxAbsDiff(y.data, output.data)).toBeLessThan(1e-4);
  });
});

describe('facts about torch 1.13 exports', () => {
  it('x.view(x.size(0), -1) with a symbolic batch is a Shape→Gather→Unsqueeze→Concat→Reshape subgraph, folded to a Flatten', () => {
    for (const opset of [11, 13, 17]) {
      const ops = fixtureModel(`lenet_opset${opset}.onnx`).graph.nodes.map((n) => n.opType);
      expect(ops).toEqual(expect.arrayContaining(['Shape', 'Gather', 'Unsqueeze', 'Concat', 'Reshape']));
      expect(ops).not.toContain('Flatten');
      expect(importOnnx(fixtureBytes(`lenet_opset${opset}.onnx`)).notes.join(' ')).toMatch(/4 nodes computing shapes/);
    }
    // With a fixed batch the exporter folds the shape to a constant [2, -1] itself.
    const fixed = fixtureModel('lenet_fixedbatch_opset11.onnx').graph.nodes.map((n) => n.opType);
    expect(fixed).not.toContain('Shape');
    expect(fixed).toContain('Reshape');
  });

  it('torch.flatten(x, 1) is an ONNX Flatten at every opset, and AvgPool2d comes with a zero Pad', () => {
    for (const opset of [11, 13, 17]) {
      expect(fixtureModel(`resnet_opset${opset}.onnx`).graph.nodes.map((n) => n.opType)).toContain('Flatten');
      expect(fixtureModel(`lenet_opset${opset}.onnx`).graph.nodes.map((n) => n.opType)).toContain('Pad');
    }
  });

  it('plain nn.LocalResponseNorm traces to ~40 nodes with an If and a 3-D AveragePool; they become one LRN layer', () => {
    for (const file of ['alexnet_torchlrn_opset11.onnx', 'alexnet_torchlrn_opset17.onnx', 'lrneven_opset13.onnx']) {
      const ops = fixtureModel(file).graph.nodes.map((n) => n.opType);
      expect(ops).toEqual(expect.arrayContaining(['If', 'AveragePool', 'Pow', 'Div']));
      expect(ops).not.toContain('LRN');
      const result = importOnnx(fixtureBytes(file));
      expect(result.notes.join(' ')).toMatch(/torch's traced nn.LocalResponseNorm\) became one LRN layer, checked against PyTorch's formula/);
    }
  });

  it("refuses a traced LocalResponseNorm whose constants do not give PyTorch's formula", () => {
    const onnx = fixtureModel('lrneven_opset17.onnx');
    // (base)^β becomes β^(base): the same nodes and constants, a different function.
    const pow = onnx.graph.nodes.find((n) => n.opType === 'Pow')!;
    pow.inputs.reverse();
    expect(() => importOnnx(encodeModel(onnx))).toThrow(ImportError);
    expect(() => importOnnx(encodeModel(onnx))).toThrow(/Div node '\/lrn\/Div': it ends \d+ nodes that look like torch's LocalResponseNorm, but they could not be confirmed to compute it: it differs from LRN\(size 4/);
  });
});
