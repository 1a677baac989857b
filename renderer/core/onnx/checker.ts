// The ONNX checker's rules that matter for the models we write and read, plus static shape inference so declared
// shapes are checked too. Every issue names the rule, the node (op and name) and quotes the value at fault.
//
// Supported: IR versions MIN_IR_VERSION–MAX_IR_VERSION; default-domain opsets MIN_OPSET–MAX_OPSET (we export at
// EXPORT_OPSET, import from 11); the ops of schema.ts. Nodes of other domains are reported as unsupported.

import { describeNode, OnnxError } from './errors';
import { dataTypeName, elementCount, isSupportedDataType, type Dim, type Graph, type Model, type Node, type ValueInfo } from './model';
import { MAX_IR_VERSION, MAX_OPSET, MIN_IR_VERSION, MIN_OPSET, OPS, opVersion, isKnownOp, type OpVersion } from './schema';
import { inferGraph, type InferenceResult } from './shape-inference';

export type CheckRule =
  | 'ir-version'
  | 'opset'
  | 'value-type'
  | 'unique-name'
  | 'topological-order'
  | 'graph-output'
  | 'op-known'
  | 'arity'
  | 'attribute'
  | 'initializer'
  | 'shape';

export interface CheckIssue {
  rule: CheckRule;
  /** The node at fault, as `Conv node 'conv1'`, when there is one. */
  node?: string;
  message: string;
}

export interface CheckResult {
  issues: CheckIssue[];
  /** Inferred types and shapes, when inference got through the graph. */
  inference?: InferenceResult;
}

/** Checks a model against the rules; returns every issue found (empty when valid). */
export function checkModel(model: Model): CheckResult {
  const issues: CheckIssue[] = [];
  const add = (rule: CheckRule, message: string, node?: string) => issues.push(node ? { rule, node, message } : { rule, message });

  if (!Number.isInteger(model.irVersion) || model.irVersion < MIN_IR_VERSION || model.irVersion > MAX_IR_VERSION) {
    add('ir-version', `IR version ${model.irVersion} is not supported (supported: ${MIN_IR_VERSION} to ${MAX_IR_VERSION}).`);
  }
  const domains = new Map<string, number>();
  for (const o of model.opsetImports) {
    const domain = o.domain === 'ai.onnx' ? '' : o.domain;
    if (domains.has(domain)) add('opset', `The opset of domain '${o.domain || 'ai.onnx'}' is imported twice (versions ${domains.get(domain)} and ${o.version}).`);
    domains.set(domain, o.version);
  }
  const opset = domains.get('');
  if (opset === undefined) {
    add('opset', 'The model imports no opset for the default domain (ai.onnx); it must declare one, e.g. version 18.');
  } else if (opset < MIN_OPSET || opset > MAX_OPSET) {
    add('opset', `Opset ${opset} of the default domain is not supported (supported: ${MIN_OPSET} to ${MAX_OPSET}).`);
  }

  checkGraph(model.graph, opset ?? MAX_OPSET, domains, add);

  const result: CheckResult = { issues };
  if (issues.length === 0) {
    try {
      result.inference = inferGraph(model.graph, opset!);
      checkDeclaredShapes(model.graph, result.inference, add);
    } catch (error) {
      if (!(error instanceof OnnxError)) throw error;
      add('shape', error.message);
    }
  }
  return result;
}

/** Throws one OnnxError listing every issue, or returns the inference result for a valid model. */
export function assertValidModel(model: Model): InferenceResult {
  const { issues, inference } = checkModel(model);
  if (issues.length > 0) {
    const lines = issues.map((i) => `- ${i.message}`);
    throw new OnnxError('onnx-invalid', `The ONNX model is not valid (${issues.length} issue${issues.length > 1 ? 's' : ''}):\n${lines.join('\n')}`);
  }
  return inference!;
}

type Add = (rule: CheckRule, message: string, node?: string) => void;

function checkValueType(info: ValueInfo, what: string, add: Add): void {
  const type = info.type;
  if (!type) return add('value-type', `The ${what} '${info.name}' has no type; graph inputs and outputs must declare a tensor type.`);
  if (type.kind !== 'tensor') return add('value-type', `The ${what} '${info.name}' is a ${type.kind}, not a tensor.`);
  if (!isSupportedDataType(type.elemType) || type.elemType === 0) {
    add('value-type', `The ${what} '${info.name}' has element type ${dataTypeName(type.elemType)}, which is not a supported tensor type.`);
  }
  for (const d of type.shape ?? []) {
    if (typeof d === 'number' && (d < 0 || !Number.isInteger(d))) add('value-type', `The ${what} '${info.name}' has dimension ${d}.`);
  }
}

function checkGraph(graph: Graph, opset: number, domains: Map<string, number>, add: Add): void {
  const defined = new Set<string>();
  const define = (name: string, what: string, node?: string) => {
    if (name === '') return add('unique-name', `A ${what} has an empty name.`, node);
    if (defined.has(name)) add('unique-name', `The value '${name}' is defined more than once (again as ${what}); every value must have one producer.`, node);
    defined.add(name);
  };

  for (const input of graph.inputs) {
    define(input.name, 'a graph input');
    checkValueType(input, 'graph input', add);
  }
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  const initNames = new Set<string>();
  for (const init of graph.initializers) {
    if (initNames.has(init.name)) add('unique-name', `The initializer '${init.name}' appears twice.`);
    initNames.add(init.name);
    if (!inputNames.has(init.name)) defined.add(init.name);
    if (!isSupportedDataType(init.dataType) || init.dataType === 0) {
      add('initializer', `The initializer '${init.name}' has data type ${dataTypeName(init.dataType)}.`);
    }
    if (init.storage !== 'external') {
      const expected = elementCount(init.dims);
      if (init.values.length !== expected) {
        add(
          'initializer',
          `The initializer '${init.name}' has dims [${init.dims.join(', ')}] (${expected} values) but holds ${init.values.length} values.`,
        );
      }
    }
  }
  for (const sparse of graph.sparseInitializers) {
    if (!inputNames.has(sparse.values.name)) defined.add(sparse.values.name);
  }
  for (const output of graph.outputs) checkValueType(output, 'graph output', add);

  graph.nodes.forEach((node, index) => {
    const label = describeNode(node, index);
    node.inputs.forEach((name, i) => {
      if (name !== '' && !defined.has(name)) {
        const later = graph.nodes.findIndex((n, j) => j > index && n.outputs.includes(name));
        add(
          'topological-order',
          later >= 0
            ? `${label}: input #${i} '${name}' is produced later, by ${describeNode(graph.nodes[later]!, later)}; nodes must be in topological order.`
            : `${label}: input #${i} '${name}' is not a graph input, an initializer or an earlier node's output.`,
          label,
        );
      }
    });
    checkNode(node, label, opset, domains, add);
    for (const name of node.outputs) if (name !== '') define(name, `an output of ${label}`, label);
  });

  for (const output of graph.outputs) {
    if (!defined.has(output.name) && !inputNames.has(output.name)) {
      add('graph-output', `The graph output '${output.name}' is not produced by any node, input or initializer.`);
    }
  }
}

function checkNode(node: Node, label: string, opset: number, domains: Map<string, number>, add: Add): void {
  const domain = node.domain === 'ai.onnx' ? '' : node.domain;
  if (domain !== '') {
    if (!domains.has(domain)) add('opset', `${label} uses domain '${node.domain}', which the model does not import.`, label);
    return add('op-known', `${label}: ops of domain '${node.domain}' are not supported; only the default ONNX domain is.`, label);
  }
  if (!isKnownOp(node.opType)) {
    return add('op-known', `${label}: op '${node.opType}' is not one Model Lab supports (${Object.keys(OPS).length} ops are).`, label);
  }
  const version: OpVersion | undefined = opVersion(node.opType, opset);
  if (!version) {
    const first = OPS[node.opType].versions[0]!.since;
    return add('op-known', `${label}: op '${node.opType}' does not exist in opset ${opset} (it starts at opset ${first}).`, label);
  }
  const count = (names: string[]) => {
    let n = names.length;
    while (n > 0 && names[n - 1] === '') n--;
    return n;
  };
  const inputs = count(node.inputs);
  const outputs = count(node.outputs);
  const range = ([min, max]: readonly [number, number]) => (min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`);
  if (inputs < version.inputs[0] || inputs > version.inputs[1]) {
    add('arity', `${label} has ${inputs} input(s); ${node.opType} at opset ${opset} takes ${range(version.inputs)}.`, label);
  }
  if (outputs < version.outputs[0] || outputs > version.outputs[1]) {
    add('arity', `${label} has ${outputs} output(s); ${node.opType} at opset ${opset} gives ${range(version.outputs)}.`, label);
  }
  const seen = new Set<string>();
  for (const a of node.attributes) {
    if (seen.has(a.name)) add('attribute', `${label}: attribute '${a.name}' appears twice.`, label);
    seen.add(a.name);
    const spec = version.attrs[a.name];
    if (!spec) {
      add('attribute', `${label}: attribute '${a.name}' is not defined for ${node.opType} at opset ${opset}.`, label);
    } else if (spec.type !== a.type) {
      add(
        'attribute',
        `${label}: attribute '${a.name}' must be ${spec.type.toUpperCase()}, but it is ${a.type.toUpperCase()} ${JSON.stringify(summarise(a.value))}.`,
        label,
      );
    }
  }
  for (const [name, spec] of Object.entries(version.attrs)) {
    if (spec.required && !seen.has(name)) add('attribute', `${label}: the required attribute '${name}' is missing.`, label);
  }
  if (node.opType === 'Constant') {
    const values = node.attributes.filter((a) => a.name === 'value' || a.name.startsWith('value_') || a.name === 'sparse_value');
    if (values.length !== 1) {
      add('attribute', `${label}: a Constant needs exactly one value attribute, but has ${values.length} (${values.map((a) => a.name).join(', ') || 'none'}).`, label);
    }
  }
}

function summarise(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return '(object)';
  return value;
}

function checkDeclaredShapes(graph: Graph, inference: InferenceResult, add: Add): void {
  const declared = [...graph.outputs.map((o) => ['graph output', o] as const), ...graph.valueInfo.map((v) => ['value_info', v] as const)];
  for (const [what, info] of declared) {
    const inferred = inference.types.get(info.name);
    if (!inferred || info.type?.kind !== 'tensor') continue;
    if (inferred.elemType !== 0 && info.type.elemType !== inferred.elemType) {
      add('shape', `The ${what} '${info.name}' is declared ${dataTypeName(info.type.elemType)} but computed as ${dataTypeName(inferred.elemType)}.`);
    }
    const want = info.type.shape;
    const got = inferred.shape;
    if (!want || !got) continue;
    const fmt = (s: Dim[]) => `[${s.map((d) => (d === null ? '?' : d)).join(', ')}]`;
    if (want.length !== got.length) {
      add('shape', `The ${what} '${info.name}' is declared with shape ${fmt(want)} but computed as ${fmt(got)}.`);
      continue;
    }
    const differs = want.some((d, i) => typeof d === 'number' && typeof got[i] === 'number' && d !== got[i]);
    if (differs) add('shape', `The ${what} '${info.name}' is declared with shape ${fmt(want)} but computed as ${fmt(got)}.`);
  }
}
