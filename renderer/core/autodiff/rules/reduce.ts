// Reductions: the gradient is spread back over the reduced axes.
import { AutodiffError, onlyDy, type RuleContext, type RuleEntry } from '../emitter';

/** The reduced axes (from the axes input of opset 13/18, or the attribute of older opsets), normalised. */
function reducedAxes(c: RuleContext): number[] {
  const rank = c.shape(c.node.inputs[0]!).length;
  const axesInput = c.node.inputs[1];
  let axes: readonly number[] | undefined = axesInput ? c.constant(axesInput) : (c.attr('axes', [] as readonly number[]) as readonly number[]);
  if (axesInput && axes === undefined) throw new AutodiffError(`${c.node.opType} node '${c.node.name}': its axes must be constant to be differentiated.`);
  if (!axes || axes.length === 0) axes = c.attr('noop_with_empty_axes', 0) ? [] : Array.from({ length: rank }, (_, i) => i);
  return axes.map((a) => (a < 0 ? a + rank : a));
}

/** dY with the reduced axes kept as size 1, ready to broadcast against X. */
function keptDy(c: RuleContext, axes: readonly number[]): string {
  const dy = onlyDy(c);
  if (c.attr('keepdims', 1)) return dy;
  const keptShape = c.shape(c.node.inputs[0]!).map((size, i) => (axes.includes(i) ? 1 : size));
  return c.emit.reshape(dy, keptShape);
}

export const reduceRules = {
  // dX = broadcast(dY)
  ReduceSum: {
    rule: (c) => {
      const axes = reducedAxes(c);
      return [c.emit.expand(keptDy(c, axes), c.shape(c.node.inputs[0]!)), null];
    },
  },
  // dX = broadcast(dY) / count
  ReduceMean: {
    rule: (c) => {
      const axes = reducedAxes(c);
      const shape = c.shape(c.node.inputs[0]!);
      const count = axes.reduce((n, a) => n * shape[a]!, 1);
      return [c.emit.expand(c.emit.mul(keptDy(c, axes), c.emit.float(1 / count)), shape), null];
    },
  },
  // dX = dY shared equally among the maxima: mask·dY / Σ mask
  ReduceMax: {
    rule: (c) => {
      const axes = reducedAxes(c);
      const x = c.node.inputs[0]!;
      const y = c.attr('keepdims', 1) ? c.node.outputs[0]! : c.emit.reshape(c.node.outputs[0]!, c.shape(x).map((s, i) => (axes.includes(i) ? 1 : s)));
      const mask = c.emit.mask(c.emit.op1('Equal', [x, y]));
      const count = c.emit.reduceSum(mask, axes, true);
      return [c.emit.div(c.emit.mul(mask, keptDy(c, axes)), count), null];
    },
  },
} satisfies Record<string, RuleEntry>;
