// The block catalogue and each block's expansion: output shapes and parameter counts against the closed forms
// of the papers' architectures (written out below), computed by analyse() on Input → block.
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../renderer/core/analysis';
import { defaultParams, readParams } from '../../../renderer/core/blocks/block';
import { block, BLOCK_TYPES, BLOCKS, blockDefinition, type BlockParamsByType, type BlockType } from '../../../renderer/core/blocks/index';
import { input } from '../../../renderer/core/blocks/layers';
import type { LayerGraph } from '../../../renderer/core/ir';

/** Input c×h×w → one block; the block's output shape, its parameters and MACs. */
function measure<T extends BlockType>(type: T, [c, h, w]: [number, number, number], params: Partial<BlockParamsByType[T]> = {}) {
  const graph: LayerGraph = { format: 'model-lab/graph', version: 1, name: type, nodes: [input('x', c, h, w), block(type, 'b', ['x'], params)] };
  const analysis = analyse(graph);
  const layers = analysis.layers.filter((layer) => layer.blockPath[0] === 'b');
  return {
    issues: analysis.issues,
    output: analysis.output,
    trainable: layers.reduce((sum, layer) => sum + layer.trainableParams, 0),
    params: layers.reduce((sum, layer) => sum + layer.params, 0),
    macs: analysis.totals.macs,
    kinds: layers.map((layer) => layer.kind),
  };
}

describe('the block catalogue', () => {
  it.each(BLOCK_TYPES)('%s is complete and its defaults expand cleanly', (type) => {
    const definition = BLOCKS[type];
    expect(definition.type).toBe(type);
    expect(blockDefinition(type)).toBe(definition);
    for (const text of [definition.title, definition.description, definition.paper, definition.reference]) expect(text.length).toBeGreaterThan(5);
    for (const spec of Object.values(definition.params) as { description: string }[]) expect(spec.description.length).toBeGreaterThan(5);
    const read = readParams(definition as never, 'b', {});
    expect(read.problems).toEqual([]);
    expect(read.params).toEqual(defaultParams(definition as never));
    // The defaults must satisfy their own specs when written out explicitly, as a saved graph does.
    expect(readParams(definition as never, 'b', defaultParams(definition as never)).problems).toEqual([]);
    const result = measure(type, [64, 35, 35]);
    expect(result.issues).toEqual([]);
    expect(result.params).toBeGreaterThan(0);
  });

  it('knows no other block types', () => {
    expect(blockDefinition('Custom')).toBeUndefined();
    expect(blockDefinition('toString')).toBeUndefined();
  });
});

describe('block expansions', () => {
  it('VGG: n 3×3 convs then a halving max pool; 9·c·C + C for the first conv, 9·C² + C for the rest', () => {
    const plain = measure('VGG', [3, 32, 32], { convs: 3, channels: 16 });
    expect(plain.output).toEqual([16, 16, 16]);
    expect(plain.trainable).toBe(9 * 3 * 16 + 16 + 2 * (9 * 16 * 16 + 16));
    const normalised = measure('VGG', [3, 32, 32], { convs: 3, channels: 16, batchNorm: true });
    // torchvision's vgg*_bn keeps the conv bias; each BatchNorm adds γ, β (trainable) and mean, variance (not).
    expect(normalised.trainable).toBe(plain.trainable + 3 * 2 * 16);
    expect(normalised.params).toBe(plain.trainable + 3 * 4 * 16);
    expect(normalised.kinds.slice(0, 3)).toEqual(['Conv2d', 'BatchNorm', 'ReLU']);
  });

  it('NiN: a k×k conv and two 1×1 convs of C channels', () => {
    const result = measure('NiN', [1, 224, 224], { channels: 96, kernel: 11, stride: 4, padding: 0 });
    expect(result.output).toEqual([96, 54, 54]);
    expect(result.trainable).toBe(11 * 11 * 96 + 96 + 2 * (96 * 96 + 96));
  });

  it('ResidualBasic: 9·c·C + 9·C² (no biases) + BatchNorms, plus c·C + BatchNorm for the projection', () => {
    const identity = measure('ResidualBasic', [64, 56, 56], { channels: 64 });
    expect(identity.output).toEqual([64, 56, 56]);
    expect(identity.trainable).toBe(2 * 9 * 64 * 64 + 2 * 2 * 64);
    const projected = measure('ResidualBasic', [64, 56, 56], { channels: 128, stride: 2, projection: true });
    expect(projected.output).toEqual([128, 28, 28]);
    expect(projected.trainable).toBe(9 * 64 * 128 + 9 * 128 * 128 + 2 * 2 * 128 + (64 * 128 + 2 * 128));
  });

  it('ResidualBottleneck: c·w + 9·w² + 4w² + BatchNorms, plus the projection; torchvision resnet50 layer1.0 has 75,008', () => {
    const result = measure('ResidualBottleneck', [64, 56, 56], { width: 64, projection: true });
    expect(result.output).toEqual([256, 56, 56]);
    expect(result.trainable).toBe(64 * 64 + 9 * 64 * 64 + 64 * 256 + 2 * (64 + 64 + 256) + (64 * 256 + 2 * 256));
    expect(result.trainable).toBe(75_008);
  });

  it('ResidualBottleneck: striding the 3×3 (v1.5) or the first 1×1 (v1) gives the same parameters and output, v1 fewer MACs', () => {
    const v15 = measure('ResidualBottleneck', [256, 56, 56], { width: 128, stride: 2, projection: true, strideOn: '3x3' });
    const v1 = measure('ResidualBottleneck', [256, 56, 56], { width: 128, stride: 2, projection: true, strideOn: '1x1' });
    expect(v1.output).toEqual([512, 28, 28]);
    expect(v15.output).toEqual(v1.output);
    expect(v15.params).toBe(v1.params);
    // The 1×1 reduction runs at 56² in v1.5 but 28² in v1: 256·128·(56² − 28²) more MACs.
    expect(v15.macs - v1.macs).toBe(256 * 128 * (56 * 56 - 28 * 28));
  });

  it('InceptionV1: the paper\'s inception (3a) gives 28×28×256 (Szegedy et al. 2015, Table 1)', () => {
    const result = measure('InceptionV1', [192, 28, 28], { c1: 64, c3reduce: 96, c3: 128, c5reduce: 16, c5: 32, poolProj: 32 });
    expect(result.output).toEqual([256, 28, 28]);
    expect(result.trainable).toBe(192 * 64 + 64 + (192 * 96 + 96) + (9 * 96 * 128 + 128) + (192 * 16 + 16) + (25 * 16 * 32 + 32) + (192 * 32 + 32));
  });

  it('InceptionV1 as torchvision: 3×3 third branch, BatchNorm instead of conv biases', () => {
    const result = measure('InceptionV1', [192, 28, 28], { branch3Kernel: 3, batchNorm: true });
    const convs = 192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 9 * 16 * 32 + 192 * 32;
    expect(result.trainable).toBe(convs + 2 * (64 + 96 + 128 + 16 + 32 + 32));
  });

  it('InceptionV2: two 3×3 instead of the 5×5, pass-through pool and halving at stride 2', () => {
    const keep = measure('InceptionV2', [192, 28, 28], { c1: 64, c3reduce: 64, c3: 64, d3reduce: 64, d3: 96, pool: 'avg', poolProj: 32 });
    expect(keep.output).toEqual([64 + 64 + 96 + 32, 28, 28]);
    const convs = 192 * 64 + (192 * 64 + 9 * 64 * 64) + (192 * 64 + 9 * 64 * 96 + 9 * 96 * 96) + 192 * 32;
    expect(keep.trainable).toBe(convs + 2 * (64 + 64 + 64 + 64 + 96 + 96 + 32));
    const reduce = measure('InceptionV2', [320, 28, 28], { c1: 0, c3reduce: 128, c3: 160, d3reduce: 64, d3: 96, pool: 'max', poolProj: 0, stride: 2 });
    expect(reduce.output).toEqual([160 + 96 + 320, 14, 14]);
  });

  it.each([
    ['A', [192, 35, 35], { poolFeatures: 32 }, [256, 35, 35]],
    ['B', [288, 35, 35], {}, [768, 17, 17]],
    ['C', [768, 17, 17], { channels7x7: 128 }, [768, 17, 17]],
    ['D', [768, 17, 17], {}, [1280, 8, 8]],
    ['E', [1280, 8, 8], {}, [2048, 8, 8]],
  ] as const)('InceptionV3 module %s gives torchvision\'s shapes (inception.py comments)', (module, shape, params, output) => {
    const result = measure('InceptionV3', [...shape], { module, ...params });
    expect(result.issues).toEqual([]);
    expect(result.output).toEqual(output);
  });

  it('InceptionV3 module C factorises 7×7 into 1×7 and 7×1: 7·c7 weights per pair of channels instead of 49', () => {
    const c7 = 128;
    const result = measure('InceptionV3', [768, 17, 17], { module: 'C', channels7x7: c7 });
    const convs = 768 * 192 + (768 * c7 + 7 * c7 * c7 + 7 * c7 * 192) + (768 * c7 + 3 * 7 * c7 * c7 + 7 * c7 * 192) + 768 * 192;
    expect(result.trainable).toBe(convs + 2 * (192 + (2 * c7 + 192) + (4 * c7 + 192) + 192));
  });

  it('DenseBlock: c + n·k channels out; layer j sees c + j·k channels', () => {
    const [c, n, k] = [64, 6, 32];
    const result = measure('DenseBlock', [c, 56, 56], { layers: n, growth: k, bnSize: 4 });
    expect(result.output).toEqual([c + n * k, 56, 56]);
    let expected = 0;
    for (let j = 0; j < n; j++) expected += 2 * (c + j * k) + (c + j * k) * 4 * k + 2 * 4 * k + 9 * 4 * k * k;
    expect(result.trainable).toBe(expected);
  });

  it('DenseBlock without bottleneck: BN-ReLU-Conv3×3(k) per layer', () => {
    const result = measure('DenseBlock', [16, 8, 8], { layers: 3, growth: 12, bnSize: 0 });
    expect(result.output).toEqual([16 + 36, 8, 8]);
    expect(result.trainable).toBe([16, 28, 40].reduce((sum, channels) => sum + 2 * channels + 9 * channels * 12, 0));
  });

  it('Transition: BatchNorm, 1×1 conv without bias, halving average pool', () => {
    const result = measure('Transition', [256, 56, 56], { channels: 128 });
    expect(result.output).toEqual([128, 28, 28]);
    expect(result.trainable).toBe(2 * 256 + 256 * 128);
    expect(result.kinds).toEqual(['BatchNorm', 'ReLU', 'Conv2d', 'AvgPool2d']);
  });
});
