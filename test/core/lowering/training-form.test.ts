// The training form of the lowering: BatchNorm with batch statistics and LRN from primitives must compute what the
// standard ONNX ops define (checked on the float64 reference), and every zoo model's training step must compile
// into a valid graph of standard ops.
import { describe, expect, it } from 'vitest';
import { zoo } from '../../../models/index';
import type { LayerGraph } from '../../../renderer/core/ir';
import { initialiseWeights, lowerInference, lowerTraining } from '../../../renderer/core/lowering/index';
import { GraphBuilder, floatTensor } from '../../../renderer/core/onnx/builder';
import { checkModel } from '../../../renderer/core/onnx/checker';
import { DataType } from '../../../renderer/core/onnx/model';
import { refTensor, runGraph, runReference } from '../../../renderer/core/onnx/reference';
import { compileTrainingStep } from '../../../renderer/core/training/step';
import { OPSET, offKink } from '../autodiff/gradcheck';

const graphOf = (nodes: LayerGraph['nodes']): LayerGraph => ({ format: 'model-lab/graph', version: 1, name: 'probe', nodes });

describe('training-form lowering', () => {
  it('BatchNorm from primitives equals ONNX BatchNormalization in training mode, running statistics included', () => {
    const graph = graphOf([
      { id: 'in', kind: 'Input', attrs: { channels: 3, height: 4, width: 5 }, inputs: [] },
      { id: 'bn', kind: 'BatchNorm', attrs: { eps: 1e-3, momentum: 0.2 }, inputs: ['in'] },
      { id: 'flat', kind: 'Flatten', attrs: {}, inputs: ['bn'] },
      { id: 'fc', kind: 'Dense', attrs: { outFeatures: 2 }, inputs: ['flat'] },
    ]);
    const program = lowerTraining(graph, { batch: 4 });
    const x = offKink(4 * 3 * 4 * 5, 11).map((v, i) => v * (1 + (i % 3)) + (i % 7) * 0.1);
    const gamma = [0.5, 1.5, -2];
    const beta = [0.1, 0.2, 0.3];
    const mean = [0.3, -0.1, 0.05];
    const variance = [1.2, 0.7, 2];
    const feeds = {
      input: refTensor([4, 3, 4, 5], x),
      'bn.weight': refTensor([3], gamma),
      'bn.bias': refTensor([3], beta),
      'bn.running_mean': refTensor([3], mean),
      'bn.running_var': refTensor([3], variance),
      'fc.weight': refTensor([2, 60], offKink(120, 12)),
      'fc.bias': refTensor([2], [0, 0]),
    };
    const bnOut = 'bn';
    const [meanBuffer, varBuffer] = program.buffers;
    const ours = runGraph(program.graph, OPSET, feeds, [bnOut, meanBuffer!.output, varBuffer!.output]);

    // The standard op, training_mode=1 (PyTorch's momentum m is ONNX's 1 − m).
    const b = new GraphBuilder('bn');
    b.input('x', DataType.FLOAT, [4, 3, 4, 5]);
    for (const [name, values] of [['g', gamma], ['b', beta], ['m', mean], ['v', variance]] as const) b.initializer(floatTensor(name, [3], values));
    b.add('BatchNormalization', ['x', 'g', 'b', 'm', 'v'], { epsilon: 1e-3, momentum: 0.8, training_mode: 1 }, { outputs: ['y', 'running_mean', 'running_var'] });
    const standard = runGraph(b.build(), OPSET, { x: refTensor([4, 3, 4, 5], x) }, ['y', 'running_mean', 'running_var']);

    expect(Array.from(ours[bnOut]!.data)).toEqual(Array.from(standard.y!.data).map((v) => expect.closeTo(v, 5)));
    expect(Array.from(ours[meanBuffer!.output]!.data)).toEqual(Array.from(standard.running_mean!.data).map((v) => expect.closeTo(v, 6)));
    // ONNX updates the running variance with the biased batch variance; PyTorch (and we) with the unbiased one.
    const n = 4 * 4 * 5;
    const biasedVar = Array.from(standard.running_var!.data).map((v, c) => (v - 0.8 * variance[c]!) / 0.2);
    expect(Array.from(ours[varBuffer!.output]!.data)).toEqual(biasedVar.map((bv, c) => expect.closeTo(0.8 * variance[c]! + 0.2 * bv * (n / (n - 1)), 5)));
  });

  it('LRN from primitives equals ONNX LRN (odd sizes), and follows PyTorch for even sizes', () => {
    for (const size of [5, 3]) {
      const graph = graphOf([
        { id: 'in', kind: 'Input', attrs: { channels: 7, height: 3, width: 2 }, inputs: [] },
        { id: 'lrn', kind: 'LRN', attrs: { size, alpha: 0.2, beta: 0.75, k: 2 }, inputs: ['in'] },
      ]);
      const x = offKink(2 * 7 * 3 * 2, 20 + size);
      const standard = lowerInference(graph, new Map(), { batch: 2 });
      const primitive = lowerInference(graph, new Map(), { batch: 2, lrnAsPrimitives: true });
      expect(standard.model.graph.nodes.map((n) => n.opType)).toEqual(['LRN']);
      expect(primitive.model.graph.nodes.map((n) => n.opType)).not.toContain('LRN');
      const a = runReference(standard.model, { input: refTensor([2, 7, 3, 2], x) }).output!;
      const b = runReference(primitive.model, { input: refTensor([2, 7, 3, 2], x) }).output!;
      expect(Array.from(b.data)).toEqual(Array.from(a.data).map((v) => expect.closeTo(v, 6)));
    }
    // Even size 4: PyTorch sums channels c−2 … c+1; computed directly here.
    const graph = graphOf([
      { id: 'in', kind: 'Input', attrs: { channels: 5, height: 1, width: 1 }, inputs: [] },
      { id: 'lrn', kind: 'LRN', attrs: { size: 4, alpha: 0.4, beta: 0.5, k: 1 }, inputs: ['in'] },
    ]);
    const x = [1, 2, 3, 4, 5];
    const lowered = lowerInference(graph, new Map(), { batch: 1 });
    expect(lowered.model.graph.nodes.map((n) => n.opType)).not.toContain('LRN');
    const out = runReference(lowered.model, { input: refTensor([1, 5, 1, 1], x) }).output!;
    x.forEach((v, c) => {
      const window = x.slice(Math.max(0, c - 2), c + 2);
      expect(out.data[c]).toBeCloseTo(v / Math.sqrt(1 + (0.4 / 4) * window.reduce((s, w) => s + w * w, 0)), 6);
    });
  });

  it('dropout becomes a mask input of the layer output shape in training, and disappears in inference', () => {
    const graph = graphOf([
      { id: 'in', kind: 'Input', attrs: { channels: 1, height: 2, width: 2 }, inputs: [] },
      { id: 'flat', kind: 'Flatten', attrs: {}, inputs: ['in'] },
      { id: 'drop', kind: 'Dropout', attrs: { p: 0.25 }, inputs: ['flat'] },
      { id: 'fc', kind: 'Dense', attrs: { outFeatures: 3 }, inputs: ['drop'] },
    ]);
    const program = lowerTraining(graph, { batch: 8 });
    expect(program.masks).toEqual([{ name: 'drop.mask', shape: [8, 4], p: 0.25 }]);
    const inference = lowerInference(graph, initialiseWeights(graph, { seed: 1 }));
    expect(inference.model.graph.nodes.map((n) => n.opType)).toEqual(['Flatten', 'Gemm']);
  });

  it('refuses graphs with problems, naming them', () => {
    const graph = graphOf([
      { id: 'in', kind: 'Input', attrs: { channels: 1, height: 4, width: 4 }, inputs: [] },
      { id: 'fc', kind: 'Dense', attrs: { outFeatures: 3 }, inputs: ['in'] },
    ]);
    expect(() => lowerTraining(graph, { batch: 2 })).toThrow(/The graph 'probe' has 1 problem\(s\) to fix before it can be compiled: fc: .*Flatten/);
    expect(() => lowerInference(graphOf([{ id: 'in', kind: 'Input', attrs: { channels: 1, height: 2, width: 2 }, inputs: [] }, { id: 'fc', kind: 'Flatten', attrs: {}, inputs: ['in'] }, { id: 'd', kind: 'Dense', attrs: { outFeatures: 2 }, inputs: ['fc'] }]), new Map())).toThrow(
      "No weights for 'd.weight' (layer 'd'); initialise or load them first.",
    );
  });
});

describe('every zoo model compiles a training step of standard ops', () => {
  const SMALL: Record<string, [number, number, number]> = { 'alexnet-paper': [3, 67, 67], 'alexnet-d2l': [1, 96, 96], nin: [1, 96, 96], 'inception-v2': [3, 96, 96], 'inception-v3': [3, 96, 96] };
  for (const entry of zoo) {
    it(entry.id, { timeout: 120_000 }, () => {
      const input = SMALL[entry.id] ?? (entry.defaultInput[1] <= 32 ? entry.defaultInput : [entry.defaultInput[0], 64, 64]);
      const graph = entry.build({ input: input as [number, number, number], classes: 10 });
      const step = compileTrainingStep(lowerTraining(graph, { batch: 2 }), {
        optimizer: { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4 },
        normalisation: { mean: new Array(input[0]).fill(0.5), std: new Array(input[0]).fill(0.25) },
      });
      expect(checkModel(step.model).issues).toEqual([]);
      const ops = new Set(step.model.graph.nodes.map((n) => n.opType));
      // None of the ops that fall to the CPU (or fail) on onnxruntime-web's WebGPU EP.
      for (const cpuOnly of ['LRN', 'LogSoftmax', 'OneHot', 'Sum', 'ArgMax', 'Dropout', 'BatchNormalization']) expect(ops.has(cpuOnly), cpuOnly).toBe(false);
      expect(step.outputs.params.size).toBe(step.inputs.params.length);
    });
  }
});

describe('the WebGPU convolution workaround', () => {
  // LeNet's 6 → 16 convolution is one that onnxruntime-web 1.30's WebGPU Conv gets wrong (input channels ≡ 6 mod 12).
  const graph = graphOf([
    { id: 'in', kind: 'Input', attrs: { channels: 6, height: 7, width: 7 }, inputs: [] },
    { id: 'conv', kind: 'Conv2d', attrs: { outChannels: 16, kernel: 3 }, inputs: ['in'] },
    { id: 'relu', kind: 'ReLU', attrs: {}, inputs: ['conv'] },
    { id: 'flat', kind: 'Flatten', attrs: {}, inputs: ['relu'] },
    { id: 'fc', kind: 'Dense', attrs: { outFeatures: 3 }, inputs: ['flat'] },
  ]);

  it('pads the affected convolution to 8 input channels, with the same outputs', () => {
    const weights = initialiseWeights(graph, { seed: 2 });
    const plain = lowerInference(graph, weights, { batch: 2 });
    const safe = lowerInference(graph, weights, { batch: 2, webgpu: true });
    expect(plain.model.graph.nodes.map((n) => n.opType)).not.toContain('Pad');
    expect(safe.model.graph.nodes.filter((n) => n.opType === 'Pad')).toHaveLength(2);
    const x = refTensor([2, 6, 7, 7], offKink(2 * 6 * 49, 30));
    const a = runReference(plain.model, { input: x }).output!;
    const b = runReference(safe.model, { input: x }).output!;
    expect(Array.from(b.data)).toEqual(Array.from(a.data).map((v) => expect.closeTo(v, 10)));
  });

  it('gives the same training step (loss and updated weights)', () => {
    const weights = initialiseWeights(graph, { seed: 3 });
    const options = { optimizer: { kind: 'sgd' as const, momentum: 0.9 }, normalisation: { mean: new Array(6).fill(0.5), std: new Array(6).fill(0.5) } };
    const plain = compileTrainingStep(lowerTraining(graph, { batch: 2 }), options);
    const safe = compileTrainingStep(lowerTraining(graph, { batch: 2, webgpu: true }), options);
    const feeds: Record<string, ReturnType<typeof refTensor>> = {
      batch: refTensor([2, 6, 7, 7], Array.from({ length: 2 * 6 * 49 }, (_, i) => (i * 37) % 256), DataType.UINT8),
      labels: refTensor([2], [1, 2], DataType.INT32),
      'optimizer.lr': refTensor([], [0.1]),
    };
    for (const [name, w] of weights) feeds[name] = refTensor(w.dims, w.data);
    for (const slot of plain.inputs.state) feeds[slot.input] = refTensor([...slot.shape], new Array(slot.shape.reduce((p, q) => p * q, 1)).fill(0));
    const names = ['loss', 'conv.weight.next', 'fc.weight.next'];
    const a = runGraph(plain.model.graph, OPSET, feeds, names);
    const b = runGraph(safe.model.graph, OPSET, feeds, names);
    for (const name of names) expect(Array.from(b[name]!.data), name).toEqual(Array.from(a[name]!.data).map((v) => expect.closeTo(v, 9)));
  });
});
