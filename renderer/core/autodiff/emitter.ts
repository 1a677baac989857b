// What a gradient rule sees and uses: the forward node, static shapes, constant values, and an emitter that appends
// backward nodes with standard ONNX ops (opset 18) to the graph being built. Rules never touch the builder directly.
import { floatTensor, int64Tensor, type GraphBuilder } from '../onnx/builder';
import { DataType, type Attribute, type Node, type Tensor } from '../onnx/model';
import type { OpAttrs, OpType } from '../onnx/schema';

export class AutodiffError extends Error {
  readonly code = 'autodiff';
  constructor(message: string) {
    super(message);
    this.name = 'AutodiffError';
  }
}

export type Shape = readonly number[];

/** Appends backward nodes; names them under a per-forward-node prefix (`conv1_grad/…`). */
export class Emitter {
  private readonly floatConstants = new Map<string, string>();
  private readonly intConstants = new Map<string, string>();

  constructor(
    private readonly builder: GraphBuilder,
    private prefix = 'grad',
  ) {}

  /** Sets the prefix for names of the nodes that follow. */
  scope(prefix: string): void {
    this.prefix = prefix;
  }

  op<Op extends OpType>(opType: Op, inputs: readonly string[], attrs: OpAttrs<Op> = {} as OpAttrs<Op>, outputCount = 1): string[] {
    const name = this.builder.fresh(`${this.prefix}/${opType}`);
    return this.builder.add(opType, inputs, attrs, { name, outputCount });
  }

  /** One-output op. */
  op1<Op extends OpType>(opType: Op, inputs: readonly string[], attrs: OpAttrs<Op> = {} as OpAttrs<Op>): string {
    return this.op(opType, inputs, attrs)[0]!;
  }

  /** A float32 constant (an initializer), shared between rules when equal. */
  float(values: readonly number[] | number, dims: Shape = typeof values === 'number' ? [] : [values.length]): string {
    const list = typeof values === 'number' ? [values] : values;
    const key = `${dims.join('x')}:${list.join(',')}`;
    const known = this.floatConstants.get(key);
    if (known !== undefined && list.length <= 16) return known;
    const name = this.constant(floatTensor(this.builder.fresh('grad_const'), [...dims], list));
    if (list.length <= 16) this.floatConstants.set(key, name);
    return name;
  }

  /** A float32 constant from a typed array (kernels, divisor maps); never shared. */
  floatArray(values: Float32Array, dims: Shape): string {
    return this.constant(floatTensor(this.builder.fresh('grad_const'), [...dims], values));
  }

  /** An int64 1-D constant (shapes, axes, pads, starts…). */
  ints(values: readonly number[]): string {
    const key = values.join(',');
    const known = this.intConstants.get(key);
    if (known !== undefined) return known;
    const name = this.constant(int64Tensor(this.builder.fresh('grad_ints'), [values.length], values));
    this.intConstants.set(key, name);
    return name;
  }

  /** An int64 scalar constant. */
  intScalar(value: number): string {
    const key = `scalar:${value}`;
    const known = this.intConstants.get(key);
    if (known !== undefined) return known;
    const name = this.constant(int64Tensor(this.builder.fresh('grad_int'), [], [value]));
    this.intConstants.set(key, name);
    return name;
  }

  /** Adds an initializer whose name `fresh` already reserved. */
  private constant(t: Tensor): string {
    this.builder.initializers.push(t);
    return t.name;
  }

  // Shorthands for the ops rules use most.
  add = (a: string, b: string) => this.op1('Add', [a, b]);
  sub = (a: string, b: string) => this.op1('Sub', [a, b]);
  mul = (a: string, b: string) => this.op1('Mul', [a, b]);
  div = (a: string, b: string) => this.op1('Div', [a, b]);
  neg = (a: string) => this.op1('Neg', [a]);
  reshape = (x: string, shape: Shape) => this.op1('Reshape', [x, this.ints([...shape])]);
  transpose = (x: string, perm: readonly number[]) => this.op1('Transpose', [x], { perm: [...perm] });
  reduceSum = (x: string, axes: readonly number[], keepdims: boolean) =>
    this.op1('ReduceSum', [x, this.ints([...axes])], { keepdims: keepdims ? 1 : 0 });
  expand = (x: string, shape: Shape) => this.op1('Expand', [x, this.ints([...shape])]);
  slice = (x: string, starts: readonly number[], ends: readonly number[], axes: readonly number[], steps?: readonly number[]) =>
    this.op1('Slice', [x, this.ints([...starts]), this.ints([...ends]), this.ints([...axes]), ...(steps ? [this.ints([...steps])] : [])]);
  cast = (x: string, to: number) => this.op1('Cast', [x], { to });
  /** 1 where `condition` (a bool tensor) holds, else 0, as float32. */
  mask = (condition: string) => this.cast(condition, DataType.FLOAT);
}

/** Everything a rule needs about one forward node. */
export interface RuleContext {
  node: Node;
  /** Gradients of the node's outputs (null where an output gets none); at least one is set. */
  dy: readonly (string | null)[];
  /** Which inputs need a gradient; rules emit only those. */
  needs: readonly boolean[];
  shape(value: string): Shape;
  /** The values of a constant input (initializer or Constant node), or undefined when not constant. */
  constant(value: string): readonly number[] | undefined;
  attr(name: string, fallback: number): number;
  attr(name: string, fallback: string): string;
  attr(name: string, fallback: readonly number[]): readonly number[];
  emit: Emitter;
}

/**
 * A gradient rule: returns one gradient per input (null where not needed or not defined). For ops marked
 * `broadcasting` in the rule table, a returned gradient may have the OUTPUT's shape; the walker sums it down to
 * the input's shape.
 */
export type GradRule = (context: RuleContext) => (string | null)[];

export interface RuleEntry {
  rule: GradRule;
  broadcasting?: boolean;
}

/** Reads an attribute's value, or the fallback. */
export function attributeValue<T extends number | string | readonly number[]>(node: Node, name: string, fallback: T): T {
  const found: Attribute | undefined = node.attributes.find((a) => a.name === name);
  if (!found) return fallback;
  return found.value as unknown as T;
}

/** The first output gradient, which single-output rules require. */
export function onlyDy(context: RuleContext): string {
  const dy = context.dy[0];
  if (!dy) throw new AutodiffError(`Node '${context.node.name}' (${context.node.opType}) has no gradient for its output.`);
  return dy;
}

export function tensorNumbers(t: Tensor): number[] {
  return Array.from(t.values as ArrayLike<number | bigint>, (v) => Number(v));
}
