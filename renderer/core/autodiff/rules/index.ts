// The gradient rule of every ONNX op we know, in one total map: adding an op to the schema table without deciding
// its gradient fails to compile. `null`: the op's outputs are piecewise constant or not numbers (comparisons,
// shapes, indices), so no gradient flows through it. `unsupported(why)`: differentiating it is an error that says why.
import type { OpType } from '../../onnx/schema';
import type { RuleEntry } from '../emitter';
import { activationRules, elementwiseRules } from './elementwise';
import { linearRules } from './linear';
import { normRules } from './norm';
import { poolRules } from './pool';
import { reduceRules } from './reduce';
import { shapeRules } from './shape';

export interface Unsupported {
  unsupported: string;
}
const unsupported = (why: string): Unsupported => ({ unsupported: why });

export type RuleTableEntry = RuleEntry | null | Unsupported;

export const gradientRules: { [Op in OpType]: RuleTableEntry } = {
  ...elementwiseRules,
  ...activationRules,
  ...linearRules,
  ...poolRules,
  ...shapeRules,
  ...reduceRules,
  ...normRules,
  Not: null,
  Equal: null,
  Greater: null,
  Less: null,
  And: null,
  ArgMax: null,
  Shape: null,
  Constant: null,
  ConstantOfShape: null,
  LRN: unsupported('LRN is lowered to primitives (Pow, AveragePool, Div) in training graphs, because LRN runs only on the CPU in onnxruntime-web.'),
  ConvTranspose: unsupported('the forward lowering does not emit ConvTranspose.'),
  Gather: unsupported('the forward lowering does not emit Gather.'),
  GatherElements: unsupported('the forward lowering does not emit GatherElements.'),
  ScatterElements: unsupported('the forward lowering does not emit ScatterElements.'),
  Tile: unsupported('the forward lowering does not emit Tile; use Expand.'),
};

export function isUnsupported(entry: RuleTableEntry): entry is Unsupported {
  return entry !== null && 'unsupported' in entry;
}
