// The shape every block file has: typed parameters with defaults and limits, a cross-parameter check, an
// expansion into plain layers, and display metadata. Block files import only this module, ./layers and ../ir;
// the catalogue (index.ts) gathers them into one typed map and expand.ts turns BlockNodes into layers.
import type { GraphNode } from '../ir';

export interface BooleanParamSpec<V extends boolean = boolean> {
  type: 'boolean';
  default: V;
  description: string;
}
export interface NumberParamSpec<V extends number = number> {
  type: 'int' | 'number';
  default: V;
  min: number;
  max?: number;
  description: string;
}
export interface IntListParamSpec<V extends number[] = number[]> {
  type: 'int[]';
  default: V;
  length: number;
  min: number;
  description: string;
}
export interface ChoiceParamSpec<V extends string = string> {
  type: 'choice';
  default: V;
  choices: readonly V[];
  description: string;
}
export type AnyParamSpec = BooleanParamSpec | NumberParamSpec | IntListParamSpec | ChoiceParamSpec;

/**
 * How one parameter is read from a BlockNode's untrusted `params`. The spec's variant follows the parameter's
 * TypeScript type, so a block's spec table cannot disagree with its params interface.
 */
export type ParamSpec<V> = [V] extends [boolean]
  ? BooleanParamSpec<V & boolean>
  : [V] extends [number]
    ? NumberParamSpec<V & number>
    : [V] extends [number[]]
      ? IntListParamSpec<V & number[]>
      : [V] extends [string]
        ? ChoiceParamSpec<V & string>
        : never;

export type ParamSpecs<P> = { [K in keyof P]: ParamSpec<P[K]> };

/** A problem with a block's parameters; expand.ts locates it into a GraphIssue (node id, field). */
export interface BlockProblem {
  /** The parameter at fault (without the `params.` prefix). */
  param: string;
  message: string;
}

/**
 * A block's layers. Ids are local to the block (expand.ts prefixes them with the block's id); inputs name
 * local ids or the block's inputs as '$in0', '$in1', …. Nodes may themselves be blocks.
 */
export interface BlockExpansion {
  nodes: GraphNode[];
  /** The local id of the node whose result is the block's output. */
  output: string;
}

export interface BlockDefinition<T extends string, P> {
  type: T;
  title: string;
  /** One line, shown as the palette tooltip. */
  description: string;
  /** The paper the block comes from, and the reference implementation its layer names follow. */
  paper: string;
  reference: string;
  /** How many inputs the block takes. */
  inputs: number;
  params: ParamSpecs<P>;
  /** Problems spanning several parameters (each parameter on its own was already checked against its spec). */
  check?(params: P): BlockProblem[];
  expand(params: P): BlockExpansion;
}

export function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? text.slice(0, 57) + '…' : text;
}

function expectation(spec: AnyParamSpec): string {
  switch (spec.type) {
    case 'boolean':
      return 'true or false';
    case 'int':
      return spec.max === undefined ? `a whole number ≥ ${spec.min}` : `a whole number from ${spec.min} to ${spec.max}`;
    case 'number':
      return spec.max === undefined ? `a number ≥ ${spec.min}` : `a number from ${spec.min} to ${spec.max}`;
    case 'int[]':
      return `a list of ${spec.length} whole numbers ≥ ${spec.min}`;
    case 'choice':
      return `one of ${spec.choices.map((choice) => `'${choice}'`).join(', ')}`;
  }
}

function accepts(spec: AnyParamSpec, value: unknown): boolean {
  const inRange = (n: unknown, integer: boolean, min: number, max = Infinity): boolean =>
    typeof n === 'number' && Number.isFinite(n) && (!integer || Number.isInteger(n)) && n >= min && n <= max;
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
    case 'number':
      return inRange(value, spec.type === 'int', spec.min, spec.max);
    case 'int[]':
      return Array.isArray(value) && value.length === spec.length && value.every((n) => inRange(n, true, spec.min));
    case 'choice':
      return typeof value === 'string' && (spec.choices as readonly string[]).includes(value);
  }
}

/**
 * Reads a block's untrusted `params` against its spec table: absent parameters take their defaults, every bad
 * or unknown parameter becomes a problem (all of them, not only the first). The returned params are meaningful
 * only when no problem was found.
 */
export function readParams<T extends string, P>(
  definition: BlockDefinition<T, P>,
  blockId: string,
  raw: unknown,
): { params: P; problems: BlockProblem[] } {
  const where = `${definition.type} block '${blockId}'`;
  const problems: BlockProblem[] = [];
  const specs = definition.params as Record<string, AnyParamSpec>;
  const values: Record<string, unknown> = {};
  const given = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (raw !== undefined && given !== raw) {
    problems.push({ param: '', message: `${where} has params ${quote(raw)}; params must be an object such as {}.` });
  }
  for (const [name, spec] of Object.entries(specs)) {
    const value = given[name];
    if (value === undefined) {
      values[name] = spec.default;
    } else if (accepts(spec, value)) {
      values[name] = value;
    } else {
      problems.push({ param: name, message: `${where} has params.${name} = ${quote(value)}; it must be ${expectation(spec)}.` });
      values[name] = spec.default;
    }
  }
  for (const name of Object.keys(given)) {
    if (name in specs) continue;
    problems.push({
      param: name,
      message: `${where} has an unknown parameter '${name}' (= ${quote(given[name])}); its parameters are ${Object.keys(specs).join(', ')}.`,
    });
  }
  const params = values as P;
  if (problems.length === 0 && definition.check) problems.push(...definition.check(params));
  return { params, problems };
}

/** The default parameters of a block type. */
export function defaultParams<T extends string, P>(definition: BlockDefinition<T, P>): P {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.params as Record<string, AnyParamSpec>)) {
    values[name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  }
  return values as P;
}
