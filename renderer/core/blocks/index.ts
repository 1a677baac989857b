// The block catalogue: every parametric block type in one typed map, so a block type missing its definition,
// or a definition whose params disagree with its type, fails to compile. 'Custom' (a user-made group with a
// `body`) is not a parametric type and is handled by expand.ts.
import type { BlockNode, BlockParamValue } from '../ir';
import { readParams, type BlockDefinition, type BlockExpansion, type BlockProblem } from './block';
import { denseBlock, type DenseBlockParams } from './dense-block';
import { inceptionV1Block, type InceptionV1Params } from './inception-v1';
import { inceptionV2Block, type InceptionV2Params } from './inception-v2';
import { inceptionV3Block, type InceptionV3Params } from './inception-v3';
import { ninBlock, type NinBlockParams } from './nin';
import { residualBasicBlock, type ResidualBasicParams } from './residual-basic';
import { residualBottleneckBlock, type ResidualBottleneckParams } from './residual-bottleneck';
import { transitionBlock, type TransitionParams } from './transition';
import { vggBlock, type VggBlockParams } from './vgg';

export interface BlockParamsByType {
  VGG: VggBlockParams;
  NiN: NinBlockParams;
  InceptionV1: InceptionV1Params;
  InceptionV2: InceptionV2Params;
  InceptionV3: InceptionV3Params;
  ResidualBasic: ResidualBasicParams;
  ResidualBottleneck: ResidualBottleneckParams;
  DenseBlock: DenseBlockParams;
  Transition: TransitionParams;
}

export type BlockType = keyof BlockParamsByType;

export type AnyBlockDefinition = { [T in BlockType]: BlockDefinition<T, BlockParamsByType[T]> }[BlockType];

export const BLOCKS: { readonly [T in BlockType]: BlockDefinition<T, BlockParamsByType[T]> } = {
  VGG: vggBlock,
  NiN: ninBlock,
  InceptionV1: inceptionV1Block,
  InceptionV2: inceptionV2Block,
  InceptionV3: inceptionV3Block,
  ResidualBasic: residualBasicBlock,
  ResidualBottleneck: residualBottleneckBlock,
  DenseBlock: denseBlock,
  Transition: transitionBlock,
};

export const BLOCK_TYPES = Object.keys(BLOCKS) as BlockType[];

/** The `block` value of a user-made group whose layers are in its `body`. */
export const CUSTOM_BLOCK = 'Custom';

export function isBlockType(type: string): type is BlockType {
  return Object.prototype.hasOwnProperty.call(BLOCKS, type);
}

export function blockDefinition(type: string): AnyBlockDefinition | undefined {
  return isBlockType(type) ? (BLOCKS[type] as AnyBlockDefinition) : undefined;
}

/** A parametric block node with typed params; parameters left out take the block's defaults. */
export function block<T extends BlockType>(
  type: T,
  id: string,
  inputs: string[],
  params: Partial<BlockParamsByType[T]> = {},
  options: { repeat?: number; collapsed?: boolean } = {},
): BlockNode {
  const node: BlockNode = { id, kind: 'Block', block: type, params: params as Record<string, BlockParamValue>, inputs };
  if (options.repeat !== undefined) node.repeat = options.repeat;
  if (options.collapsed !== undefined) node.collapsed = options.collapsed;
  return node;
}

/**
 * Reads a parametric block's untrusted params and expands it: every problem with the params, or the expansion.
 * The one place where a block type chosen at run time meets its typed params.
 */
export function expandParametric<T extends BlockType>(
  type: T,
  blockId: string,
  rawParams: unknown,
): { problems: BlockProblem[]; expansion: BlockExpansion | null } {
  const definition = BLOCKS[type];
  const read = readParams(definition, blockId, rawParams);
  if (read.problems.length > 0) return { problems: read.problems, expansion: null };
  return { problems: [], expansion: definition.expand(read.params) };
}
