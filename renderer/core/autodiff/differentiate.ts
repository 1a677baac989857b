// Reverse-mode differentiation of an ONNX graph into more ONNX nodes (standard ops, opset 18). The walker, not the
// rules, decides what needs a gradient, sums the gradients of values used more than once, sums broadcast axes back
// down for elementwise ops, and fails on an op without a rule.
import { GraphBuilder } from '../onnx/builder';
import type { Graph, Node } from '../onnx/model';
import { attributeValue, AutodiffError, Emitter, tensorNumbers, type RuleContext, type Shape } from './emitter';
import { gradientRules, isUnsupported } from './rules/index';

export interface DifferentiateOptions {
  /** The forward graph; its nodes in topological order. */
  graph: Graph;
  /** The scalar value to differentiate. */
  loss: string;
  /** The values (parameters) whose gradients are wanted. */
  wrt: readonly string[];
  /** Static shapes of the forward graph's values. */
  shapes: ReadonlyMap<string, Shape>;
  /** Values treated as constants: no gradient flows through them (e.g. the max subtracted for a stable softmax). */
  stopGradient?: readonly string[];
  /** Where backward nodes and their constants are appended. */
  builder: GraphBuilder;
}

/** Returns, for each value in `wrt`, the name of its gradient. */
export function differentiate(options: DifferentiateOptions): Map<string, string> {
  const { graph, loss, wrt, shapes, builder } = options;
  const emit = new Emitter(builder);
  const stopped = new Set(options.stopGradient ?? []);

  const constants = new Map<string, readonly number[]>();
  for (const t of graph.initializers) constants.set(t.name, tensorNumbers(t));
  for (const n of graph.nodes) {
    const value = n.opType === 'Constant' ? n.attributes.find((a) => a.name === 'value') : undefined;
    if (value?.type === 'tensor') constants.set(n.outputs[0]!, tensorNumbers(value.value));
  }

  // Values that depend on a parameter (forward) and values the loss depends on (backward).
  const active = new Set(wrt);
  for (const n of graph.nodes) {
    const entry = gradientRules[n.opType as keyof typeof gradientRules];
    if (entry === null) continue;
    if (n.inputs.some((i) => i !== '' && active.has(i) && !stopped.has(i))) for (const o of n.outputs) if (o !== '' && !stopped.has(o)) active.add(o);
  }
  if (!active.has(loss)) throw new AutodiffError(`The loss '${loss}' does not depend on any of the values to differentiate.`);
  const relevant = new Set([loss]);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    if (n.outputs.some((o) => relevant.has(o))) for (const input of n.inputs) if (input !== '') relevant.add(input);
  }

  const shapeOf = (value: string): Shape => {
    const shape = shapes.get(value);
    if (!shape) throw new AutodiffError(`No static shape is known for '${value}'; shape inference must run before differentiation.`);
    return shape;
  };
  const lossShape = shapeOf(loss);
  if (lossShape.reduce((a, b) => a * b, 1) !== 1) throw new AutodiffError(`The loss '${loss}' must be a scalar; its shape is [${lossShape.join(', ')}].`);

  const contributions = new Map<string, string[]>();
  const contribute = (value: string, gradient: string) => {
    const list = contributions.get(value);
    if (list) list.push(gradient);
    else contributions.set(value, [gradient]);
  };
  const total = (value: string): string | null => {
    const list = contributions.get(value);
    if (!list || list.length === 0) return null;
    let sum = list[0]!;
    emit.scope(`${value}_grad`);
    for (const next of list.slice(1)) sum = emit.add(sum, next);
    contributions.set(value, [sum]);
    return sum;
  };
  emit.scope('loss_grad');
  contribute(loss, emit.float(1, lossShape));

  for (let index = graph.nodes.length - 1; index >= 0; index--) {
    const node = graph.nodes[index]!;
    if (!node.outputs.some((o) => relevant.has(o) && active.has(o))) continue;
    const dy = node.outputs.map((o) => (o === '' ? null : total(o)));
    if (dy.every((g) => g === null)) continue;
    const needs = node.inputs.map((i) => i !== '' && active.has(i) && relevant.has(i) && !stopped.has(i));
    if (!needs.some(Boolean)) continue;

    const entry = gradientRules[node.opType as keyof typeof gradientRules];
    const label = `${node.opType} node '${node.name || node.outputs[0]}'`;
    if (entry === undefined || node.domain !== '') throw new AutodiffError(`No gradient rule for ${label} (domain '${node.domain || 'ai.onnx'}').`);
    if (entry === null) continue;
    if (isUnsupported(entry)) throw new AutodiffError(`${label} cannot be differentiated: ${entry.unsupported}`);

    emit.scope(`${node.name || node.outputs[0]}_grad`);
    const context = ruleContext(node, dy, needs, shapeOf, constants, emit);
    const gradients = entry.rule(context);
    node.inputs.forEach((input, i) => {
      const gradient = gradients[i];
      if (!needs[i] || !gradient) return;
      contribute(input, entry.broadcasting ? unbroadcast(emit, gradient, shapeOf(node.outputs[0]!), shapeOf(input)) : gradient);
    });
  }

  const result = new Map<string, string>();
  for (const value of wrt) {
    const gradient = total(value);
    if (!gradient) throw new AutodiffError(`'${value}' does not affect the loss '${loss}', so it has no gradient; freeze it instead.`);
    result.set(value, gradient);
  }
  return result;
}

function ruleContext(
  node: Node,
  dy: (string | null)[],
  needs: boolean[],
  shape: (value: string) => Shape,
  constants: ReadonlyMap<string, readonly number[]>,
  emit: Emitter,
): RuleContext {
  return {
    node,
    dy,
    needs,
    shape,
    constant: (value) => constants.get(value),
    attr: ((name: string, fallback: number | string | readonly number[]) => attributeValue(node, name, fallback)) as RuleContext['attr'],
    emit,
  };
}

/** Sums a gradient of the broadcast (output) shape down to an input's shape, as numpy broadcasting spread it. */
function unbroadcast(emit: Emitter, gradient: string, outShape: Shape, inShape: Shape): string {
  if (outShape.length === inShape.length && outShape.every((s, i) => s === inShape[i])) return gradient;
  const lead = outShape.length - inShape.length;
  const axes: number[] = [];
  outShape.forEach((size, i) => {
    if (i < lead || (inShape[i - lead] === 1 && size !== 1)) axes.push(i);
  });
  const summed = axes.length > 0 ? emit.reduceSum(gradient, axes, true) : gradient;
  return emit.reshape(summed, inShape);
}

/** A builder that already holds `graph` (inputs, initializers, nodes), so new nodes can be appended to it. */
export function builderFrom(graph: Graph): GraphBuilder {
  const builder = new GraphBuilder(graph.name);
  for (const input of graph.inputs) {
    if (input.type?.kind !== 'tensor') throw new AutodiffError(`Graph input '${input.name}' is not a tensor.`);
    builder.input(input.name, input.type.elemType, input.type.shape);
  }
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  for (const t of graph.initializers) {
    if (inputNames.has(t.name)) builder.initializers.push(t);
    else builder.initializer(t);
  }
  for (const n of graph.nodes) {
    if (n.name) builder.fresh(n.name);
    for (const o of n.outputs) if (o !== '') builder.fresh(o);
    builder.nodes.push(n);
  }
  for (const o of graph.outputs) builder.outputs.push(o);
  return builder;
}
