// The inspector's logic: which fields each layer kind and block type shows, how field text is read and checked
// (by the layer catalogue itself, so the inspector never accepts what the core would reject), and the formulas
// for output size, parameters and MACs written out with the node's own numbers.
import type { LayerReport } from '../core/analysis';
import type { AnyParamSpec } from '../core/blocks/block';
import { blockDefinition } from '../core/blocks/index';
import type { BlockParamValue, LayerKind } from '../core/ir';
import { normaliseAttrs, type NormalisedAttrsByKind } from '../core/layers/index';
import { resolveConvPadding } from '../core/layers/conv2d';
import { formatCount } from './format';

export type FieldType = 'int' | 'number' | 'pair' | 'padding' | 'boolean';

export interface FieldSpec {
  name: string;
  type: FieldType;
  label: string;
  /** Shown when the field is empty (the default it then takes). */
  placeholder?: string;
}

const f = (name: string, type: FieldType, label: string, placeholder?: string): FieldSpec => (placeholder === undefined ? { name, type, label } : { name, type, label, placeholder });

/** The attribute fields of each layer kind, in the order PyTorch's constructors take them. */
export const LAYER_FIELDS: { readonly [K in LayerKind]: readonly FieldSpec[] } = {
  Input: [f('channels', 'int', 'Channels'), f('height', 'int', 'Height'), f('width', 'int', 'Width')],
  Conv2d: [
    f('outChannels', 'int', 'Output channels'),
    f('kernel', 'pair', 'Kernel'),
    f('stride', 'pair', 'Stride', '1'),
    f('padding', 'padding', 'Padding', '0'),
    f('dilation', 'pair', 'Dilation', '1'),
    f('groups', 'int', 'Groups', '1'),
    f('bias', 'boolean', 'Bias'),
  ],
  MaxPool2d: [f('kernel', 'pair', 'Kernel'), f('stride', 'pair', 'Stride', 'kernel'), f('padding', 'pair', 'Padding', '0'), f('dilation', 'pair', 'Dilation', '1'), f('ceilMode', 'boolean', 'Ceil mode')],
  AvgPool2d: [f('kernel', 'pair', 'Kernel'), f('stride', 'pair', 'Stride', 'kernel'), f('padding', 'pair', 'Padding', '0'), f('ceilMode', 'boolean', 'Ceil mode'), f('countIncludePad', 'boolean', 'Count padding')],
  AdaptiveAvgPool2d: [f('outputSize', 'pair', 'Output size')],
  GlobalAvgPool: [],
  Flatten: [],
  Dense: [f('outFeatures', 'int', 'Output features'), f('bias', 'boolean', 'Bias')],
  ReLU: [],
  LeakyReLU: [f('negativeSlope', 'number', 'Negative slope', '0.01')],
  Sigmoid: [],
  Tanh: [],
  Softmax: [],
  BatchNorm: [f('eps', 'number', 'Epsilon', '1e-5'), f('momentum', 'number', 'Momentum', '0.1'), f('affine', 'boolean', 'Affine')],
  LRN: [f('size', 'int', 'Size'), f('alpha', 'number', 'Alpha', '1e-4'), f('beta', 'number', 'Beta', '0.75'), f('k', 'number', 'k', '1')],
  Dropout: [f('p', 'number', 'Drop probability', '0.5')],
  Add: [],
  Concat: [],
  Identity: [],
};

/** Booleans that default to true (the rest default to false). */
const TRUE_BY_DEFAULT = new Set(['bias', 'countIncludePad', 'affine']);

export function booleanValue(name: string, value: unknown): boolean {
  return typeof value === 'boolean' ? value : TRUE_BY_DEFAULT.has(name);
}

/** An attribute as the field shows it: 3, 3×5, 1,1,2,2, same. */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.length === 2 ? value.join('×') : value.join(',');
  return String(value);
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

const NUMBER_LIST = /^\s*\d+(\s*[×x*,\s]\s*\d+)*\s*$/i;

/** Reads a field's text; an empty optional field means "use the default" (value undefined). */
export function parseField(spec: FieldSpec, text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') {
    if (spec.placeholder !== undefined) return { ok: true, value: undefined };
    return { ok: false, message: `${spec.label} needs a value.` };
  }
  switch (spec.type) {
    case 'int':
    case 'number': {
      const value = Number(trimmed);
      if (!Number.isFinite(value)) return { ok: false, message: `${spec.label}: “${trimmed}” is not a number.` };
      return { ok: true, value };
    }
    case 'pair':
    case 'padding': {
      if (spec.type === 'padding' && (trimmed === 'same' || trimmed === 'valid')) return { ok: true, value: trimmed };
      if (!NUMBER_LIST.test(trimmed)) {
        const forms = spec.type === 'padding' ? "a number, h×w, top,left,bottom,right, 'same' or 'valid'" : 'a number or h×w';
        return { ok: false, message: `${spec.label}: “${trimmed}” is not ${forms}.` };
      }
      const numbers = trimmed.split(/\s*[×x*,\s]\s*/i).map(Number);
      if (numbers.length === 1) return { ok: true, value: numbers[0] };
      if (numbers.length === 2 && numbers[0] === numbers[1]) return { ok: true, value: numbers[0] };
      return { ok: true, value: numbers };
    }
    case 'boolean':
      return { ok: true, value: trimmed === 'true' };
  }
}

/**
 * The node's attributes with one field changed, checked by the layer catalogue. On a problem with this field
 * (or one it causes, such as groups not dividing the channels) the message says what is wrong.
 */
export function updateAttrs(
  kind: LayerKind,
  id: string,
  attrs: Record<string, unknown>,
  spec: FieldSpec,
  input: string | boolean,
): { ok: true; attrs: Record<string, unknown> } | { ok: false; message: string } {
  const parsed = typeof input === 'boolean' ? ({ ok: true, value: input } as const) : parseField(spec, input);
  if (!parsed.ok) return parsed;
  const next = { ...attrs };
  if (parsed.value === undefined) delete next[spec.name];
  else next[spec.name] = parsed.value;
  const checked = normaliseAttrs(kind, id, next);
  if (!checked.ok) return { ok: false, message: checked.problems.map((problem) => problem.message).join(' ') };
  return { ok: true, attrs: next };
}

/** Block parameters as fields. */
export interface BlockField {
  name: string;
  spec: AnyParamSpec;
}

export function blockFields(type: string): BlockField[] {
  const definition = blockDefinition(type);
  if (!definition) return [];
  return Object.entries(definition.params as Record<string, AnyParamSpec>).map(([name, spec]) => ({ name, spec }));
}

/** Reads one block parameter from its field; the block catalogue's own limits apply. */
export function parseBlockParam(field: BlockField, input: string | boolean): { ok: true; value: BlockParamValue } | { ok: false; message: string } {
  const { spec, name } = field;
  if (spec.type === 'boolean') return { ok: true, value: input === true || input === 'true' };
  const text = String(input).trim();
  if (spec.type === 'choice') {
    return (spec.choices as readonly string[]).includes(text) ? { ok: true, value: text } : { ok: false, message: `${name} must be one of ${spec.choices.join(', ')}.` };
  }
  if (spec.type === 'int[]') {
    const numbers = text.split(/\s*[,×x\s]\s*/).filter(Boolean).map(Number);
    if (numbers.length !== spec.length || numbers.some((n) => !Number.isInteger(n) || n < spec.min)) {
      return { ok: false, message: `${name} must be ${spec.length} whole numbers ≥ ${spec.min}, separated by commas; got “${text}”.` };
    }
    return { ok: true, value: numbers };
  }
  const value = Number(text);
  const integer = spec.type === 'int';
  if (text === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < spec.min || (spec.max !== undefined && value > spec.max)) {
    const range = spec.max === undefined ? `≥ ${spec.min}` : `from ${spec.min} to ${spec.max}`;
    return { ok: false, message: `${name} must be ${integer ? 'a whole number' : 'a number'} ${range}; got “${text}”.` };
  }
  return { ok: true, value };
}

export function parseRepeat(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < 1 || value > 1000) return { ok: false, message: `Repeat must be a whole number from 1 to 1000; got “${text}”.` };
  return { ok: true, value };
}

export interface Formula {
  what: string;
  /** The rule in symbols. */
  rule: string;
  /** The rule with this node's numbers, ending in the core's result. */
  worked: string;
}

function windowFormula(axis: string, input: number, kernel: number, stride: number, before: number, after: number, dilation: number, ceil: boolean, output: number): Formula {
  const [open, close] = ceil ? ['⌈', '⌉'] : ['⌊', '⌋'];
  const span = dilation === 1 ? `${kernel}` : `${dilation}·(${kernel}−1)+1`;
  const pads = before === after ? `2·${before}` : `${before}+${after}`;
  return {
    what: `Output ${axis}`,
    rule: `${axis}′ = ${open}(${axis} + padding − (d·(k−1)+1)) / s${close} + 1`,
    worked: `${open}(${input} + ${pads} − ${span}) / ${stride}${close} + 1 = ${output}`,
  };
}

/**
 * The formulas of a layer, worked with its numbers. `report` is the analysis row (input and output shapes and
 * the core's counts); the right-hand sides are the core's figures, so the inspector and the totals agree.
 */
export function layerFormulas(kind: LayerKind, id: string, rawAttrs: unknown, report: LayerReport | undefined): Formula[] {
  if (!report || !report.outputShape) return [];
  const checked = normaliseAttrs(kind, id, rawAttrs);
  if (!checked.ok) return [];
  const input = report.inputShapes[0];
  const output = report.outputShape;
  const formulas: Formula[] = [];
  switch (kind) {
    case 'Conv2d': {
      const attrs = checked.attrs as NormalisedAttrsByKind['Conv2d'];
      if (!input || input.length !== 3) break;
      const [top, left, bottom, right] = resolveConvPadding(attrs.padding, [input[1]!, input[2]!], attrs.kernel, attrs.stride, attrs.dilation);
      formulas.push(windowFormula('H', input[1]!, attrs.kernel[0], attrs.stride[0], top, bottom, attrs.dilation[0], false, output[1]!));
      formulas.push(windowFormula('W', input[2]!, attrs.kernel[1], attrs.stride[1], left, right, attrs.dilation[1], false, output[2]!));
      const cin = input[0]!;
      const perGroup = attrs.groups === 1 ? `${cin}` : `(${cin}/${attrs.groups})`;
      formulas.push({
        what: 'Parameters',
        rule: `C_out · (C_in/g) · k_h · k_w${attrs.bias ? ' + C_out' : ''}`,
        worked: `${attrs.outChannels} · ${perGroup} · ${attrs.kernel[0]} · ${attrs.kernel[1]}${attrs.bias ? ` + ${attrs.outChannels}` : ''} = ${formatCount(report.params)}`,
      });
      formulas.push({
        what: 'MACs',
        rule: 'C_out · H′ · W′ · (C_in/g) · k_h · k_w',
        worked: `${output[0]} · ${output[1]} · ${output[2]} · ${perGroup} · ${attrs.kernel[0]} · ${attrs.kernel[1]} = ${formatCount(report.macs)}`,
      });
      break;
    }
    case 'MaxPool2d':
    case 'AvgPool2d': {
      const attrs = checked.attrs as NormalisedAttrsByKind['MaxPool2d'];
      if (!input || input.length !== 3) break;
      formulas.push(windowFormula('H', input[1]!, attrs.kernel[0], attrs.stride[0], attrs.padding[0], attrs.padding[0], attrs.dilation?.[0] ?? 1, attrs.ceilMode, output[1]!));
      formulas.push(windowFormula('W', input[2]!, attrs.kernel[1], attrs.stride[1], attrs.padding[1], attrs.padding[1], attrs.dilation?.[1] ?? 1, attrs.ceilMode, output[2]!));
      break;
    }
    case 'Dense': {
      const attrs = checked.attrs as NormalisedAttrsByKind['Dense'];
      if (!input || input.length !== 1) break;
      formulas.push({
        what: 'Parameters',
        rule: `in · out${attrs.bias ? ' + out' : ''}`,
        worked: `${input[0]} · ${attrs.outFeatures}${attrs.bias ? ` + ${attrs.outFeatures}` : ''} = ${formatCount(report.params)}`,
      });
      formulas.push({ what: 'MACs', rule: 'in · out', worked: `${input[0]} · ${attrs.outFeatures} = ${formatCount(report.macs)}` });
      break;
    }
    case 'BatchNorm': {
      const channels = input?.[0] ?? 0;
      formulas.push({
        what: 'Parameters',
        rule: '2·C trainable (γ, β) + 2·C running statistics (μ, σ²)',
        worked: `2·${channels} + 2·${channels} = ${formatCount(report.params)} (${formatCount(report.trainableParams)} trainable)`,
      });
      break;
    }
    case 'Flatten':
      if (input) formulas.push({ what: 'Output', rule: 'C · H · W', worked: `${input.join(' · ')} = ${output[0]}` });
      break;
    case 'Concat':
      formulas.push({ what: 'Output channels', rule: 'C = Σ Cᵢ', worked: `${report.inputShapes.map((shape) => shape[0]).join(' + ')} = ${output[0]}` });
      break;
    default:
      break;
  }
  return formulas;
}
