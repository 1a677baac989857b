// Rules for ops that only move values: the gradient moves back the same way.
import { DataType } from '../../onnx/model';
import { AutodiffError, onlyDy, type RuleContext, type RuleEntry } from '../emitter';

/** dX = reshape(dY, shape(X)); the op's other inputs (shapes, axes) get none. */
const reshapeBack = (c: RuleContext) => [c.emit.reshape(onlyDy(c), c.shape(c.node.inputs[0]!)), ...c.node.inputs.slice(1).map(() => null)];

function normaliseAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

export const shapeRules = {
  // dX = dY
  Identity: { rule: (c) => [onlyDy(c)] },
  // Inference-mode Dropout is the identity (training dropout is lowered to Mul by a mask input)
  Dropout: { rule: (c) => [onlyDy(c), null, null] },
  // dX = Cast(dY) back, for float → float; casts from or to other types carry no gradient
  Cast: {
    rule: (c) => {
      const to = c.attr('to', 0);
      if (to !== DataType.FLOAT && to !== DataType.DOUBLE && to !== DataType.FLOAT16) return [null];
      return [onlyDy(c)];
    },
  },
  Flatten: { rule: reshapeBack },
  Reshape: { rule: reshapeBack },
  Squeeze: { rule: reshapeBack },
  Unsqueeze: { rule: reshapeBack },
  // dX = Transpose(dY, perm⁻¹)
  Transpose: {
    rule: (c) => {
      const rank = c.shape(c.node.inputs[0]!).length;
      const perm = c.attr('perm', Array.from({ length: rank }, (_, i) => rank - 1 - i)) as readonly number[];
      const inverse = new Array<number>(rank);
      perm.forEach((p, i) => (inverse[p] = i));
      return [c.emit.transpose(onlyDy(c), inverse)];
    },
  },
  // dXᵢ = dY[offsetᵢ : offsetᵢ + sizeᵢ] along the axis
  Concat: {
    rule: (c) => {
      const rank = c.shape(c.node.outputs[0]!).length;
      const axis = normaliseAxis(c.attr('axis', 0), rank);
      const dy = onlyDy(c);
      let offset = 0;
      return c.node.inputs.map((input, i) => {
        const size = c.shape(input)[axis]!;
        const start = offset;
        offset += size;
        return c.needs[i] ? c.emit.slice(dy, [start], [start + size], [axis]) : null;
      });
    },
  },
  // dX = Concat(dYᵢ), zeros for outputs without a gradient
  Split: {
    rule: (c) => {
      const rank = c.shape(c.node.inputs[0]!).length;
      const axis = normaliseAxis(c.attr('axis', 0), rank);
      const parts = c.node.outputs.map((output, i) => c.dy[i] ?? c.emit.expand(c.emit.float(0), c.shape(output)));
      return [c.emit.op1('Concat', parts, { axis }), null];
    },
  },
  // Step-1 slices: dX = Pad(dY) with zeros where the slice did not reach
  Slice: {
    rule: (c) => {
      const [x, startsName, endsName, axesName, stepsName] = c.node.inputs as [string, string, string, string?, string?];
      const shape = c.shape(x);
      const starts = c.constant(startsName);
      const ends = c.constant(endsName);
      const axes = axesName ? c.constant(axesName) : shape.map((_, i) => i);
      const steps = stepsName ? c.constant(stepsName) : undefined;
      if (!starts || !ends || !axes || (stepsName && !steps)) {
        throw new AutodiffError(`Slice node '${c.node.name}': only slices with constant starts, ends, axes and steps can be differentiated.`);
      }
      if (steps?.some((s) => s !== 1)) throw new AutodiffError(`Slice node '${c.node.name}': only step-1 slices can be differentiated (steps ${steps.join(', ')}).`);
      const pads = new Array<number>(shape.length * 2).fill(0);
      axes.forEach((rawAxis, i) => {
        const axis = normaliseAxis(rawAxis, shape.length);
        const size = shape[axis]!;
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
        const start = clamp(starts[i]!);
        const end = Math.max(clamp(ends[i]!), start);
        pads[axis] = start;
        pads[axis + shape.length] = size - end;
      });
      return [c.emit.op1('Pad', [onlyDy(c), c.emit.ints(pads)]), null, null, null, null];
    },
  },
  // Constant-mode Pad: dX = dY without the padding
  Pad: {
    rule: (c) => {
      const mode = c.attr('mode', 'constant');
      const [x, padsName, , axesName] = c.node.inputs as [string, string, string?, string?];
      const pads = c.constant(padsName);
      if (mode !== 'constant' || !pads || axesName) {
        throw new AutodiffError(`Pad node '${c.node.name}': only constant-mode padding with constant pads over all axes can be differentiated.`);
      }
      if (pads.some((p) => p < 0)) throw new AutodiffError(`Pad node '${c.node.name}': negative pads cannot be differentiated.`);
      const shape = c.shape(x);
      const begins = pads.slice(0, shape.length);
      return [c.emit.slice(onlyDy(c), begins, begins.map((b, i) => b + shape[i]!), shape.map((_, i) => i)), null, null, null];
    },
  },
  // dX = dY summed over the broadcast axes (done by the walker)
  Expand: { broadcasting: true, rule: (c) => [onlyDy(c), null] },
  // dX = CumSum(dY) in the opposite direction
  CumSum: {
    rule: (c) => [
      c.emit.op1('CumSum', [onlyDy(c), c.node.inputs[1]!], { exclusive: c.attr('exclusive', 0), reverse: c.attr('reverse', 0) ? 0 : 1 }),
      null,
    ],
  },
} satisfies Record<string, RuleEntry>;
