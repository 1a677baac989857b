// The layer catalogue: one definition per LayerKind. The mapped types make a missing kind (or a definition filed
// under the wrong kind) a compile error.
import type { LayerKind } from '../ir';
import { adaptiveAvgPool2d, type AdaptiveAvgPool2dAttrs } from './adaptive-avg-pool2d';
import { add, type AddAttrs } from './add';
import { avgPool2d, type AvgPool2dAttrs } from './avg-pool2d';
import { batchNorm, type BatchNormAttrs } from './batch-norm';
import { concat, type ConcatAttrs } from './concat';
import { conv2d, type Conv2dAttrs } from './conv2d';
import { dense, type DenseAttrs } from './dense';
import { dropout, type DropoutAttrs } from './dropout';
import { flatten, type FlattenAttrs } from './flatten';
import { globalAvgPool, type GlobalAvgPoolAttrs } from './global-avg-pool';
import { identity, type IdentityAttrs } from './identity';
import { input, type InputAttrs } from './input';
import { AttrReader, type LayerCategory, type LayerDefinition, type LayerPalette, type LayerProblem } from './layer';
import { leakyRelu, type LeakyReLUAttrs } from './leaky-relu';
import { lrn, type LRNAttrs } from './lrn';
import { maxPool2d, type MaxPool2dAttrs } from './max-pool2d';
import { relu, type ReLUAttrs } from './relu';
import { sigmoid, type SigmoidAttrs } from './sigmoid';
import { softmax, type SoftmaxAttrs } from './softmax';
import { tanh, type TanhAttrs } from './tanh';

export type * from './layer';

/** Attributes after checking: defaults filled in, shorthands (square pairs, padding forms) expanded. */
export interface NormalisedAttrsByKind {
  Input: InputAttrs;
  Conv2d: Conv2dAttrs;
  MaxPool2d: MaxPool2dAttrs;
  AvgPool2d: AvgPool2dAttrs;
  AdaptiveAvgPool2d: AdaptiveAvgPool2dAttrs;
  GlobalAvgPool: GlobalAvgPoolAttrs;
  Flatten: FlattenAttrs;
  Dense: DenseAttrs;
  ReLU: ReLUAttrs;
  LeakyReLU: LeakyReLUAttrs;
  Sigmoid: SigmoidAttrs;
  Tanh: TanhAttrs;
  Softmax: SoftmaxAttrs;
  BatchNorm: BatchNormAttrs;
  LRN: LRNAttrs;
  Dropout: DropoutAttrs;
  Add: AddAttrs;
  Concat: ConcatAttrs;
  Identity: IdentityAttrs;
}

export type LayerCatalogue = { readonly [K in LayerKind]: LayerDefinition<K, NormalisedAttrsByKind[K]> };

export const catalogue: LayerCatalogue = {
  Input: input,
  Conv2d: conv2d,
  MaxPool2d: maxPool2d,
  AvgPool2d: avgPool2d,
  AdaptiveAvgPool2d: adaptiveAvgPool2d,
  GlobalAvgPool: globalAvgPool,
  Flatten: flatten,
  Dense: dense,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  Sigmoid: sigmoid,
  Tanh: tanh,
  Softmax: softmax,
  BatchNorm: batchNorm,
  LRN: lrn,
  Dropout: dropout,
  Add: add,
  Concat: concat,
  Identity: identity,
};

export function isLayerKind(kind: unknown): kind is LayerKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(catalogue, kind);
}

export function layerDefinition<K extends LayerKind>(kind: K): LayerDefinition<K, NormalisedAttrsByKind[K]> {
  return catalogue[kind] as LayerDefinition<K, NormalisedAttrsByKind[K]>;
}

/** The order the palette lists categories in. */
export const LAYER_CATEGORIES: readonly LayerCategory[] = [
  'input',
  'convolution',
  'pooling',
  'dense',
  'activation',
  'normalisation',
  'regularisation',
  'merge',
  'reshape',
];

/** Palette entries, grouped by category in palette order. */
export function paletteEntries(): { kind: LayerKind; palette: LayerPalette<LayerKind> }[] {
  const entries = (Object.keys(catalogue) as LayerKind[]).map((kind) => ({ kind, palette: catalogue[kind].palette as LayerPalette<LayerKind> }));
  return LAYER_CATEGORIES.flatMap((category) => entries.filter((entry) => entry.palette.category === category));
}

/** Checks one node's untrusted attributes: normalised attributes when valid, otherwise every problem found. */
export function normaliseAttrs<K extends LayerKind>(
  kind: K,
  nodeId: string,
  raw: unknown,
): { ok: true; attrs: NormalisedAttrsByKind[K] } | { ok: false; problems: LayerProblem[] } {
  const read = new AttrReader(nodeId, kind, raw);
  const attrs = layerDefinition(kind).normalise(read);
  return read.problems.length ? { ok: false, problems: read.problems } : { ok: true, attrs };
}
