// The shape every layer file has: attributes (checked and normalised from untrusted JSON), shape rule,
// parameter and MAC counts, receptive-field rule and palette metadata. Layer files import only this module and
// ../shape; the catalogue (index.ts) gathers them into one typed map.
import type { LayerAttrsByKind, LayerKind } from '../ir';
import type { OpType } from '../onnx/schema';
import type { ParamRole } from '../weights';
import { elementCount, type Shape } from '../shape';

export type Pair2 = [number, number];

export type LayerCategory =
  | 'input'
  | 'convolution'
  | 'pooling'
  | 'dense'
  | 'activation'
  | 'normalisation'
  | 'regularisation'
  | 'merge'
  | 'reshape';

/** What the palette shows for a layer kind. */
export interface LayerPalette<K extends LayerKind> {
  category: LayerCategory;
  /** One line, shown as the palette tooltip. */
  description: string;
  /** Attributes a freshly dropped node gets. */
  defaultAttrs: LayerAttrsByKind[K];
}

/** A problem a rule found with one node; the caller locates it (node id, block) into a GraphIssue. */
export interface LayerProblem {
  field?: string;
  message: string;
}

/** One incoming edge as a rule sees it: the producing node and the shape it carries. */
export interface LayerInput {
  id: string;
  shape: Shape;
}

/** A node with checked attributes and known input shapes: what every rule after `normalise` receives. */
export interface LayerSite<A> {
  id: string;
  attrs: A;
  inputs: readonly LayerInput[];
}

export type ShapeResult = { ok: true; shape: Shape } | { ok: false; problems: LayerProblem[] };

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

/**
 * How one layer moves the receptive field (Araujo et al., Distill 2019), per axis [height, width]:
 * - source: the input image, where each position sees itself (size 1, stride 1, padding 0);
 * - window: a sliding window with this kernel, stride, leading (top/left) padding and dilation;
 * - pointwise: each output position sees exactly its own input position (kernel 1, stride 1, padding 0);
 * - merge: the output position sees what every input path saw at the same position (Add, Concat);
 * - global: the output is no longer spatial (Flatten, Dense, global pooling) and the field ends here.
 */
export type ReceptiveFieldRule =
  | { kind: 'source' }
  | { kind: 'window'; kernel: Pair2; stride: Pair2; padding: Pair2; dilation: Pair2 }
  | { kind: 'pointwise' }
  | { kind: 'merge' }
  | { kind: 'global' };

export interface Arity {
  min: number;
  max: number;
}

/**
 * A layer kind. `A` is the normalised attribute type (defaults filled in, shorthands expanded).
 * MACs: one multiply-add = one MAC. `macs` is the conventional count (convolutions and dense layers; zero for
 * every other kind); `allMacs` is the count-every-layer rule, documented in each layer file.
 *
 * `lower` emits the layer's ONNX nodes (see LowerContext).
 */
export interface LayerDefinition<K extends LayerKind, A> {
  kind: K;
  palette: LayerPalette<K>;
  arity: Arity;
  /** Reads untrusted attributes through `read`, which records every problem; the result is meaningful only
   *  when `read.problems` stayed empty. */
  normalise(read: AttrReader): A;
  outputShape(site: LayerSite<A>): ShapeResult;
  params(site: LayerSite<A>, output: Shape): ParamCount;
  macs(site: LayerSite<A>, output: Shape): number;
  allMacs(site: LayerSite<A>, output: Shape): number;
  receptiveField(site: LayerSite<A>, output: Shape): ReceptiveFieldRule;
  /** Emits the layer's ONNX nodes and returns the name of the value holding its output. */
  lower(ctx: LowerContext, site: LowerSite<A>): string;
}

/** A layer as the lowering sees it: checked attributes, input shapes, its output shape and its input values. */
export interface LowerSite<A> extends LayerSite<A> {
  output: Shape;
  /** The ONNX value names of the inputs, in input order. */
  values: readonly string[];
}

/**
 * What a layer's `lower` uses to emit ONNX (opset 18). Inference mode writes the standard ops a viewer expects
 * (BatchNormalization, LRN, no Dropout); training mode writes BatchNorm with batch statistics, LRN and dropout
 * from ops that all run on onnxruntime-web's WebGPU EP, with parameters as graph inputs.
 */
export interface LowerContext {
  mode: 'inference' | 'training';
  /** The batch dimension: a number, or a symbolic name such as 'N'. */
  batch: number | string;
  /** Emit LRN from primitives even for inference (WebGPU has no LRN kernel). */
  lrnAsPrimitives: boolean;
  /**
   * Work around onnxruntime-web 1.30 WebGPU kernels that compute wrong results (see each layer's lowering); the
   * workarounds are exact, so a graph lowered with them gives the same results on every backend.
   */
  webgpuWorkarounds: boolean;
  /**
   * Appends a node. The layer's last op passes `final: true` so its output carries the layer's value name; other
   * ops are named `<layer>/<suffix>`.
   */
  op(opType: OpType, inputs: readonly string[], attrs?: Readonly<Record<string, unknown>>, options?: { final?: boolean; suffix?: string }): string;
  /** The layer's parameter `<layer>.<role>` (an initializer for inference, a graph input for training). */
  param(role: ParamRole, dims: readonly number[]): string;
  /** Training only: records the new value of a running statistic (`running_mean`, `running_var`). */
  updateBuffer(role: ParamRole, value: string): void;
  /** Training only: the dropout mask input `<layer>.mask` of this shape (values 0 or 1/(1 − p)). */
  mask(dims: readonly number[], p: number): string;
  float(values: number | readonly number[], dims?: readonly number[]): string;
  ints(values: readonly number[]): string;
}

export const NO_PARAMS: ParamCount = Object.freeze({ trainable: 0, nonTrainable: 0 });
export const ONE_INPUT: Arity = Object.freeze({ min: 1, max: 1 });

/** A value as it appears in messages: JSON, shortened when long. */
export function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? text.slice(0, 57) + '…' : text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a node's untrusted `attrs` object field by field. Every problem is recorded (not thrown) as a sentence
 * naming the node and the field and quoting the bad value; the reader returns a harmless placeholder so a
 * layer's `normalise` reads all its fields and reports all their problems in one pass.
 */
export class AttrReader {
  readonly problems: LayerProblem[] = [];
  private readonly raw: Record<string, unknown>;
  private readonly seen = new Set<string>();

  constructor(
    private readonly nodeId: string,
    private readonly kind: string,
    raw: unknown,
  ) {
    if (raw === undefined) {
      this.raw = {};
    } else if (isRecord(raw)) {
      this.raw = raw;
    } else {
      this.raw = {};
      this.problems.push({ field: 'attrs', message: `${this.where()} has attrs ${quote(raw)}; attrs must be an object such as {}.` });
    }
  }

  private where(): string {
    return `${this.kind} '${this.nodeId}'`;
  }

  private fail(field: string, value: unknown, expected: string): void {
    const message =
      value === undefined
        ? `${this.where()} is missing attrs.${field}; give ${expected}.`
        : `${this.where()} has attrs.${field} = ${quote(value)}; it must be ${expected}.`;
    this.problems.push({ field, message });
  }

  private take(field: string): unknown {
    this.seen.add(field);
    return this.raw[field];
  }

  /** A whole number ≥ min; `fallback` makes the field optional. */
  int(field: string, options: { min: number; fallback?: number; what?: string }): number {
    const value = this.take(field);
    if (value === undefined && options.fallback !== undefined) return options.fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= options.min) return value;
    this.fail(field, value, options.what ?? wholeNumberFrom(options.min));
    return Math.max(options.min, 1);
  }

  /** A finite number within [min, max] (or (min, max] when minExclusive). */
  number(field: string, options: { min: number; max: number; minExclusive?: boolean; fallback: number }): number {
    const value = this.take(field);
    if (value === undefined) return options.fallback;
    const aboveMin = typeof value === 'number' && (options.minExclusive ? value > options.min : value >= options.min);
    if (typeof value === 'number' && Number.isFinite(value) && aboveMin && value <= options.max) return value;
    const low = options.minExclusive ? `greater than ${options.min}` : `at least ${options.min}`;
    const range = options.max === Infinity ? `a number ${low}` : `a number ${low} and at most ${options.max}`;
    this.fail(field, value, range);
    return options.fallback;
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.take(field);
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    this.fail(field, value, 'true or false');
    return fallback;
  }

  /** A number (square) or [height, width] of whole numbers ≥ min. */
  pair(field: string, options: { min: number; fallback?: Pair2; what?: string }): Pair2 {
    const value = this.take(field);
    if (value === undefined && options.fallback !== undefined) return options.fallback;
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= options.min;
    if (ok(value)) return [value, value];
    if (Array.isArray(value) && value.length === 2 && ok(value[0]) && ok(value[1])) return [value[0], value[1]];
    this.fail(field, value, options.what ?? `${wholeNumberFrom(options.min)}, or [height, width] of such numbers`);
    return [Math.max(options.min, 1), Math.max(options.min, 1)];
  }

  /** Reads a field with a custom parser that returns undefined for bad values. */
  custom<T>(field: string, parse: (value: unknown) => T | undefined, expected: string, placeholder: T): T {
    const value = this.take(field);
    const parsed = parse(value);
    if (parsed !== undefined) return parsed;
    this.fail(field, value, expected);
    return placeholder;
  }

  /** Records a problem spanning fields (e.g. padding larger than half the kernel). */
  problem(field: string, message: string): void {
    this.problems.push({ field, message: `${this.where()} ${message}` });
  }

  /** Reports every attribute this layer kind does not have; call after reading all known fields. */
  rejectUnknown(): void {
    for (const field of Object.keys(this.raw)) {
      if (this.seen.has(field)) continue;
      const known = [...this.seen];
      const hint = known.length ? `its attributes are ${known.join(', ')}` : `it takes no attributes`;
      this.problems.push({
        field,
        message: `${this.where()} has an unknown attribute '${field}' (= ${quote(this.raw[field])}); ${hint}.`,
      });
    }
  }
}

function wholeNumberFrom(min: number): string {
  return min === 1 ? 'a positive whole number' : `a whole number ≥ ${min}`;
}

/** Reads no fields: for kinds without attributes. */
export function noAttrs(read: AttrReader): Record<string, never> {
  read.rejectUnknown();
  return {};
}

/** The span a dilated kernel covers: dilation·(k − 1) + 1. */
export function effectiveKernel(kernel: number, dilation: number): number {
  return dilation * (kernel - 1) + 1;
}

/**
 * Output length of a sliding window along one axis (PyTorch's formula); null when the window does not fit
 * the padded input. With ceil mode, a last window that would start in the right padding is dropped, as PyTorch does.
 */
export function windowOutputSize(
  input: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation: number,
  ceilMode: boolean,
): number | null {
  const span = input + padBefore + padAfter - effectiveKernel(kernel, dilation);
  if (span < 0) return null;
  let output = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (output - 1) * stride >= input + padBefore) output -= 1;
  return output;
}

/** A message sentence for a window (kernel) that does not fit its padded input along some axis. */
export function windowTooLarge(
  where: string,
  input: Shape,
  kernel: Pair2,
  dilation: Pair2,
  padTotal: Pair2,
): string {
  const effective: Pair2 = [effectiveKernel(kernel[0], dilation[0]), effectiveKernel(kernel[1], dilation[1])];
  const dilated = effective[0] !== kernel[0] || effective[1] !== kernel[1] ? ` (${effective.join('×')} dilated)` : '';
  const padded = [input[1]! + padTotal[0], input[2]! + padTotal[1]];
  const padding = padTotal[0] || padTotal[1] ? ` (${input[1]}×${input[2]} plus padding)` : '';
  return (
    `${where} has a ${kernel.join('×')} kernel${dilated} but its padded input is only ${padded.join('×')}${padding}; ` +
    `use a smaller kernel, more padding or a larger input.`
  );
}

/** The problem for a spatial layer fed something that is not C×H×W. */
export function needsImage(kind: string, site: { id: string; inputs: readonly LayerInput[] }): LayerProblem {
  const input = site.inputs[0]!;
  const fed = input.shape.length === 1 ? `${input.shape[0]} features` : `a tensor of shape ${input.shape.join('×')}`;
  return {
    field: 'inputs',
    message: `${kind} '${site.id}' needs a C×H×W image input, but '${input.id}' gives ${fed}; move it before the Flatten/Dense layers.`,
  };
}

export function ok(shape: Shape): ShapeResult {
  return { ok: true, shape };
}

export function fail(...problems: LayerProblem[]): ShapeResult {
  return { ok: false, problems };
}

/** Normalised attributes shared by MaxPool2d and AvgPool2d. */
export interface PoolWindow {
  kernel: Pair2;
  stride: Pair2;
  padding: Pair2;
  dilation: Pair2;
  ceilMode: boolean;
}

/** Reads kernel/stride/padding (and dilation where the kind has it), with PyTorch's defaults and limits. */
export function readPoolWindow(read: AttrReader, withDilation: boolean): PoolWindow {
  const kernel = read.pair('kernel', { min: 1 });
  const window: PoolWindow = {
    kernel,
    stride: read.pair('stride', { min: 1, fallback: kernel }),
    padding: read.pair('padding', { min: 0, fallback: [0, 0], what: 'a whole number ≥ 0, or [height, width] of such numbers' }),
    dilation: withDilation ? read.pair('dilation', { min: 1, fallback: [1, 1] }) : [1, 1],
    ceilMode: read.boolean('ceilMode', false),
  };
  // PyTorch refuses padding beyond half the (dilated) window: such a window could see only padding.
  for (const axis of [0, 1] as const) {
    const half = Math.floor(effectiveKernel(window.kernel[axis], window.dilation[axis]) / 2);
    if (window.padding[axis] > half) {
      read.problem(
        'padding',
        `has padding ${window.padding[axis]} along its ${axis === 0 ? 'height' : 'width'}, more than half its ${window.kernel[axis]}-wide window (at most ${half}); reduce the padding.`,
      );
      break;
    }
  }
  return window;
}

/** The output shape of a pooling window over C×H×W. */
export function poolOutputShape(kind: string, site: LayerSite<PoolWindow>): ShapeResult {
  const input = site.inputs[0]!;
  if (input.shape.length !== 3) return fail(needsImage(kind, site));
  const { kernel, stride, padding, dilation, ceilMode } = site.attrs;
  const height = windowOutputSize(input.shape[1]!, kernel[0], stride[0], padding[0], padding[0], dilation[0], ceilMode);
  const width = windowOutputSize(input.shape[2]!, kernel[1], stride[1], padding[1], padding[1], dilation[1], ceilMode);
  if (height === null || width === null) {
    return fail({ field: 'kernel', message: windowTooLarge(`${kind} '${site.id}'`, input.shape, kernel, dilation, [2 * padding[0], 2 * padding[1]]) });
  }
  return ok([input.shape[0]!, height, width]);
}

/** A pooling window as ONNX MaxPool/AveragePool attributes (symmetric pads: [top, left, bottom, right]). */
export function poolWindowOnnx({ kernel, stride, padding, ceilMode }: PoolWindow) {
  return { kernel_shape: kernel, strides: stride, pads: [padding[0], padding[1], padding[0], padding[1]], ceil_mode: ceilMode ? 1 : 0 };
}

export function poolReceptiveField(site: LayerSite<PoolWindow>): ReceptiveFieldRule {
  const { kernel, stride, padding, dilation } = site.attrs;
  return { kind: 'window', kernel, stride, padding, dilation };
}


/**
 * The rules shared by layers that act on each value on its own (activations, Dropout, Identity): the output
 * has the input's shape, there are no parameters, and each output position sees only its own input position.
 * `opsPerValue` is the count-every-layer MAC rule for the kind.
 */
export function pointwiseRules<A>(opsPerValue: number) {
  return {
    arity: ONE_INPUT,
    outputShape: (site: LayerSite<A>): ShapeResult => ok(site.inputs[0]!.shape),
    params: (): ParamCount => NO_PARAMS,
    macs: (): number => 0,
    allMacs: (_site: LayerSite<A>, output: Shape): number => opsPerValue * elementCount(output),
    receptiveField: (): ReceptiveFieldRule => ({ kind: 'pointwise' }),
  };
}
