// The layer graph: Model Lab's intermediate representation. Everything else (analysis, the editor, the ONNX
// lowering, the training compiler) is a view or a compilation of a LayerGraph. This file holds types only.
//
// Conventions:
// - Tensor shapes exclude the batch dimension: [C, H, W] for images, [F] after Flatten/Dense.
// - A node's `id` is its user-visible, unique name; ONNX names are derived from it.
// - `inputs` lists the ids of the nodes feeding this one, in order (order matters for Concat).
// - Attributes accept PyTorch-like shorthands (a number for a square pair); layer files normalise them.

/** A square value or [height, width]. */
export type Pair = number | [number, number];

/**
 * Convolution padding: symmetric per axis (number or [h, w]), explicit [top, left, bottom, right],
 * or 'same' (output = ceil(input / stride), extra padding at the bottom/right, as ONNX SAME_UPPER) or 'valid' (0).
 */
export type Padding = number | [number, number] | [number, number, number, number] | 'same' | 'valid';

export interface LayerAttrsByKind {
  Input: { channels: number; height: number; width: number };
  Conv2d: {
    outChannels: number;
    kernel: Pair;
    stride?: Pair; // default 1
    padding?: Padding; // default 0
    dilation?: Pair; // default 1
    groups?: number; // default 1
    bias?: boolean; // default true
  };
  MaxPool2d: { kernel: Pair; stride?: Pair; padding?: Pair; dilation?: Pair; ceilMode?: boolean }; // stride defaults to kernel
  AvgPool2d: { kernel: Pair; stride?: Pair; padding?: Pair; ceilMode?: boolean; countIncludePad?: boolean };
  AdaptiveAvgPool2d: { outputSize: Pair };
  GlobalAvgPool: Record<string, never>;
  Flatten: Record<string, never>;
  Dense: { outFeatures: number; bias?: boolean }; // default bias true
  ReLU: Record<string, never>;
  LeakyReLU: { negativeSlope?: number }; // default 0.01
  Sigmoid: Record<string, never>;
  Tanh: Record<string, never>;
  Softmax: Record<string, never>; // over the feature/channel axis
  BatchNorm: { eps?: number; momentum?: number; affine?: boolean }; // 1e-5, 0.1, true (PyTorch)
  LRN: { size: number; alpha?: number; beta?: number; k?: number }; // PyTorch LocalResponseNorm defaults 1e-4, 0.75, 1
  Dropout: { p?: number }; // default 0.5
  Add: Record<string, never>;
  Concat: Record<string, never>; // along channels
  Identity: Record<string, never>;
}

export type LayerKind = keyof LayerAttrsByKind;

export const LAYER_KINDS = [
  'Input',
  'Conv2d',
  'MaxPool2d',
  'AvgPool2d',
  'AdaptiveAvgPool2d',
  'GlobalAvgPool',
  'Flatten',
  'Dense',
  'ReLU',
  'LeakyReLU',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'BatchNorm',
  'LRN',
  'Dropout',
  'Add',
  'Concat',
  'Identity',
] as const satisfies readonly LayerKind[];

/** Per-node training settings; absent means defaults (trainable, multiplier 1). */
export interface TrainSettings {
  /** Learning-rate multiplier for this node's parameters; 0 freezes them. */
  lrMultiplier?: number;
}

export interface LayerNodeOf<K extends LayerKind> {
  id: string;
  kind: K;
  attrs: LayerAttrsByKind[K];
  inputs: string[];
  train?: TrainSettings;
  /** Editor position; ignored by analysis and compilation. */
  position?: { x: number; y: number };
}

/** A discriminated union over every layer kind: `node.kind === 'Conv2d'` narrows `node.attrs`. */
export type LayerNode = { [K in LayerKind]: LayerNodeOf<K> }[LayerKind];

/**
 * A block: a parametric composite (VGG block, Inception, Residual, …) or a user-made group ('Custom', whose
 * layers are in `body`). It expands to plain layers; `repeat` chains N copies, each fed by the previous one.
 * Inside `body`, the block's inputs are referred to as '$in0', '$in1', …; `output` names the body node whose
 * result is the block's output.
 */
export interface BlockNode {
  id: string;
  kind: 'Block';
  block: string;
  params: Record<string, BlockParamValue>;
  repeat?: number; // default 1
  inputs: string[];
  /** Editor state: shown as one node when true. */
  collapsed?: boolean;
  body?: GraphNode[];
  output?: string;
  train?: TrainSettings;
  position?: { x: number; y: number };
}

export type BlockParamValue = number | boolean | string | number[];

export type GraphNode = LayerNode | BlockNode;

export interface LayerGraph {
  /** Format version of this JSON shape. */
  format: 'model-lab/graph';
  version: 1;
  name: string;
  nodes: GraphNode[];
  /** The id of the node whose output is the model's output; defaults to the last node. */
  output?: string;
  /** Class names, when known (from a dataset or an imported model). */
  classes?: string[];
  /** How fresh weights are drawn (default 'auto': Kaiming before ReLU, Xavier otherwise). */
  initialisation?: InitScheme;
}

/**
 * 'auto': Kaiming normal (fan-in) for convolutions and dense layers that feed a ReLU, Xavier uniform otherwise;
 * 'xavier' / 'kaiming' everywhere; 'alexnet-paper': N(0, 0.01) weights, biases 1 in conv2, conv4, conv5 and the
 * hidden dense layers, 0 elsewhere (Krizhevsky et al. 2012, section 5). BatchNorm: γ 1, β 0, statistics 0 and 1.
 */
export type InitScheme = 'auto' | 'kaiming' | 'xavier' | 'alexnet-paper';

/**
 * A graph after block expansion: layers only. Each layer remembers which blocks it came from (outermost
 * first), so errors and analysis rows can be attributed to what the user sees.
 */
export interface FlatLayer<K extends LayerKind = LayerKind> extends LayerNodeOf<K> {
  /** Ids of the enclosing blocks, outermost first; empty for top-level layers. */
  blockPath: string[];
}

export type FlatNode = { [K in LayerKind]: FlatLayer<K> }[LayerKind];

export interface FlatGraph {
  name: string;
  nodes: FlatNode[];
  output: string;
  classes?: string[];
}

/**
 * A problem found in a graph, located at the node the user sees (a block id when the problem is inside a block's
 * expansion; `layer` then names the expanded layer). `field` names the attribute or JSON field at fault.
 * `message` is a sentence in the user's words that quotes the bad value and, where it can, says what to do.
 */
export interface GraphIssue {
  nodeId: string;
  layer?: string;
  field?: string;
  message: string;
}
