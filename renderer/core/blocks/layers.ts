// Small constructors for layer nodes, shared by the block expansions and the model zoo so that both read like
// the PyTorch code they follow. Optional attributes are written only when given, so graphs stay terse.
import type { BlockNode, LayerAttrsByKind, LayerKind, LayerNodeOf, Pair, Padding } from '../ir';

export function layer<K extends LayerKind>(kind: K, id: string, inputs: string[], attrs: LayerAttrsByKind[K]): LayerNodeOf<K> {
  return { id, kind, attrs, inputs };
}

function defined<T extends object>(attrs: T): T {
  const kept: Record<string, unknown> = {};
  for (const key in attrs) if (attrs[key] !== undefined) kept[key] = attrs[key];
  return kept as T;
}

export function input(id: string, channels: number, height: number, width: number): LayerNodeOf<'Input'> {
  return layer('Input', id, [], { channels, height, width });
}

export interface ConvOptions {
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

export function conv(id: string, from: string, outChannels: number, kernel: Pair, options: ConvOptions = {}): LayerNodeOf<'Conv2d'> {
  return layer('Conv2d', id, [from], defined({ outChannels, kernel, ...options }));
}

/** BatchNorm with PyTorch's defaults unless eps is given (torchvision's Inception BasicConv2d uses 0.001). */
export function batchNorm(id: string, from: string, eps?: number): LayerNodeOf<'BatchNorm'> {
  return layer('BatchNorm', id, [from], defined({ eps }));
}

export function relu(id: string, from: string): LayerNodeOf<'ReLU'> {
  return layer('ReLU', id, [from], {});
}

export function sigmoid(id: string, from: string): LayerNodeOf<'Sigmoid'> {
  return layer('Sigmoid', id, [from], {});
}

export interface PoolOptions {
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
}

export function maxPool(id: string, from: string, kernel: Pair, options: PoolOptions = {}): LayerNodeOf<'MaxPool2d'> {
  return layer('MaxPool2d', id, [from], defined({ kernel, ...options }));
}

export function avgPool(
  id: string,
  from: string,
  kernel: Pair,
  options: PoolOptions & { countIncludePad?: boolean } = {},
): LayerNodeOf<'AvgPool2d'> {
  return layer('AvgPool2d', id, [from], defined({ kernel, ...options }));
}

export function adaptiveAvgPool(id: string, from: string, outputSize: Pair): LayerNodeOf<'AdaptiveAvgPool2d'> {
  return layer('AdaptiveAvgPool2d', id, [from], { outputSize });
}

export function flatten(id: string, from: string): LayerNodeOf<'Flatten'> {
  return layer('Flatten', id, [from], {});
}

export function dense(id: string, from: string, outFeatures: number): LayerNodeOf<'Dense'> {
  return layer('Dense', id, [from], { outFeatures });
}

export function dropout(id: string, from: string, p?: number): LayerNodeOf<'Dropout'> {
  return layer('Dropout', id, [from], defined({ p }));
}

export function lrn(id: string, from: string, attrs: LayerAttrsByKind['LRN']): LayerNodeOf<'LRN'> {
  return layer('LRN', id, [from], attrs);
}

export function concat(id: string, from: string[]): LayerNodeOf<'Concat'> {
  return layer('Concat', id, from, {});
}

export function add(id: string, from: string[]): LayerNodeOf<'Add'> {
  return layer('Add', id, from, {});
}

/** A user-made group: `body` refers to the group's inputs as '$in0', '$in1', …; `output` names its result. */
export function customBlock(
  id: string,
  inputs: string[],
  body: BlockNode['body'] & object,
  output: string,
  options: { repeat?: number; collapsed?: boolean } = {},
): BlockNode {
  return defined({ id, kind: 'Block' as const, block: 'Custom', params: {}, inputs, body, output, repeat: options.repeat, collapsed: options.collapsed });
}

/**
 * Conv → BatchNorm → ReLU under one dotted prefix ('branch1' → 'branch1.conv', 'branch1.bn', 'branch1.relu'),
 * torchvision's BasicConv2d: the conv has no bias because the BatchNorm's shift replaces it.
 */
export function convBnRelu(prefix: string, from: string, outChannels: number, kernel: Pair, options: ConvOptions & { eps?: number } = {}) {
  const { eps, ...convOptions } = options;
  return [
    conv(`${prefix}.conv`, from, outChannels, kernel, { ...convOptions, bias: false }),
    batchNorm(`${prefix}.bn`, `${prefix}.conv`, eps),
    relu(`${prefix}.relu`, `${prefix}.bn`),
  ];
}
