// ONNX → LayerGraph + WeightStore: what `torch.onnx.export` writes for torchvision-style CNNs (opsets 11 to 21) becomes
// a layer graph that can be inspected, edited and fine-tuned. The mapping is all-or-nothing: a node without an exact
// layer equivalent is an ImportError naming it (name and op) and saying why, never a silently different graph.
//
// How it works:
// - Shapes come from the ONNX shape inference run with the batch dimension fixed to a number (two different numbers
//   when the file's batch is symbolic), so the Shape→Gather→Unsqueeze→Concat subgraphs older exporters emit before a
//   Reshape fold to constants. Nodes whose outputs are all constants are shape arithmetic and become no layer; a
//   Reshape is a Flatten when, for every batch tried, it turns [N, …] into [N, product(…)].
// - Each remaining node maps to one layer (MatMul followed by a constant Add maps to one Dense with bias; Identity
//   maps to nothing: its output is its input). Weights are bit-identical copies of the initializers (Gemm with
//   transB = 0 and MatMul weights are transposed to PyTorch's [out, in], bit patterns kept).
// - Afterwards every layer's attributes are checked by the layer catalogue, analyse() must find no issue, and every
//   layer's analysed output shape must equal the ONNX shape inference's — any difference is an importer bug, so it is
//   an error too.
import { analyse } from '../analysis';
import type { GraphNode, LayerGraph, LayerKind, LayerNode } from '../ir';
import { normaliseAttrs } from '../layers/index';
import { decodeModel } from '../onnx/codec';
import { OnnxError } from '../onnx/errors';
import { DataType, dataTypeName, elementCount, opsetVersion, type Graph, type Model, type Node, type Tensor } from '../onnx/model';
import { AttributeReader } from '../onnx/attributes';
import { isKnownOp, MAX_OPSET, MIN_OPSET } from '../onnx/schema';
import { inferGraph, type InferenceResult } from '../onnx/shape-inference';
import type { RefTensor } from '../onnx/reference';
import { weightName, type ParamRole, type WeightStore } from '../weights';
import { ImportError, nodeLabel } from './errors';
import { importFromMetadata, METADATA_GRAPH_KEY, readClasses } from './metadata';
import { IdAllocator, modulePathsOf, Namer } from './names';
import { findTorchLrn, probeInput, runTorchLrnRegion, torchLrnReference, type TorchLrn } from './torch-lrn';

export interface ImportOptions {
  /** The graph's name; default the ONNX graph's name, else 'imported'. */
  name?: string;
}

export interface ImportResult {
  graph: LayerGraph;
  weights: WeightStore;
  classes?: string[];
  /** The file's default-domain opset. */
  opset: number;
  /** What the import did that a user may want to know (folded shape subgraphs, fused nodes, dropped outputs). */
  notes: string[];
}

/** The largest C, H or W accepted for the input, and the largest C·H·W. */
const MAX_INPUT_DIM = 65536;
const MAX_INPUT_ELEMENTS = 2 ** 28;

/** Imports an ONNX model. Throws ImportError for anything it cannot map exactly. */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): ImportResult {
  let model: Model;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    if (error instanceof OnnxError) throw new ImportError(`Cannot import: ${error.message}`);
    throw error;
  }
  const opset = checkOpset(model);
  const input = findInput(model.graph);
  if (model.metadataProps.some(([key]) => key === METADATA_GRAPH_KEY)) {
    return { ...importFromMetadata(model, input.dims, options.name), opset };
  }
  return new Mapper(model, opset, input, options).run();
}

function checkOpset(model: Model): number {
  const opset = opsetVersion(model, '');
  if (opset === undefined) throw new ImportError('Cannot import: the model imports no ai.onnx opset, so its operators have no defined meaning.');
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ImportError(
      `Cannot import: the model uses opset ${opset}; Model Lab imports opsets ${MIN_OPSET} to ${MAX_OPSET}. ` +
        `Export it again with torch.onnx.export(..., opset_version=17).`,
    );
  }
  return opset;
}

export interface GraphInput {
  name: string;
  /** Batch: a number when fixed, a string when symbolic, null when unknown. */
  batch: number | string | null;
  /** [C, H, W] */
  dims: [number, number, number];
}

/** The first graph input that is not an initializer: an N×C×H×W float tensor with known C, H, W. */
function findInput(graph: Graph): GraphInput {
  const initializers = new Set(graph.initializers.map((t) => t.name));
  const inputs = graph.inputs.filter((i) => !initializers.has(i.name));
  const first = inputs[0];
  if (!first) throw new ImportError('Cannot import: the graph has no input (every graph input is an initializer).');
  const type = first.type;
  if (!type || type.kind !== 'tensor') throw new ImportError(`Cannot import: the graph input '${first.name}' is not a tensor.`);
  if (type.elemType !== DataType.FLOAT) {
    throw new ImportError(`Cannot import: the graph input '${first.name}' is ${dataTypeName(type.elemType)}; Model Lab imports float32 models only.`);
  }
  const shape = type.shape;
  if (!shape || shape.length !== 4) {
    const given = shape ? `[${shape.map((d) => d ?? '?').join(', ')}]` : 'of unknown rank';
    throw new ImportError(`Cannot import: the graph input '${first.name}' is ${given}; Model Lab imports image models with an N×C×H×W input.`);
  }
  const [batch, ...chw] = shape;
  if (!chw.every((d): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 1)) {
    throw new ImportError(
      `Cannot import: the graph input '${first.name}' has shape [${shape.map((d) => d ?? '?').join(', ')}]; its channels, height and width must be fixed numbers.`,
    );
  }
  if (chw.some((d) => d > MAX_INPUT_DIM) || elementCount(chw) > MAX_INPUT_ELEMENTS) {
    throw new ImportError(`Cannot import: the graph input '${first.name}' is ${chw.join('×')}, far larger than any image Model Lab handles (at most ${MAX_INPUT_DIM} per side).`);
  }
  if (typeof batch === 'number' && (batch < 1 || batch > MAX_INPUT_DIM)) {
    throw new ImportError(`Cannot import: the graph input '${first.name}' has batch size ${batch}.`);
  }
  return { name: first.name, batch: batch ?? null, dims: chw as [number, number, number] };
}

// ---- the mapper ---------------------------------------------------------------------------------------------

/** A value of the ONNX graph as the mapper sees it. */
type Value =
  | { kind: 'layer'; id: string }
  | { kind: 'const' };

interface MappedLayer {
  node: LayerNode;
  /** The ONNX node it came from, for messages. */
  source: string;
  /** The ONNX output shape without batch (from the first probe). */
  onnxShape: number[];
}

/** Float32 attribute values as the shortest decimal that is the same float32 (0.8999999761581421 → 0.9). */
export function shortestFloat32(value: number): number {
  const target = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return value;
}

/** PyTorch's BatchNorm momentum from ONNX's (1 − momentum, stored as float32): the shortest decimal d with
 *  float32(1 − d) equal to the stored value (0.949999988079071 → 0.05, where 1 − it would give 0.050000012). */
export function torchMomentum(onnxMomentum: number): number {
  const target = Math.fround(onnxMomentum);
  const exact = 1 - onnxMomentum;
  for (let digits = 1; digits <= 17; digits++) {
    const candidate = Number(exact.toPrecision(digits));
    if (Math.fround(1 - candidate) === target) return candidate;
  }
  return exact;
}

const PARAM_ROLES: readonly ParamRole[] = ['weight', 'bias', 'running_mean', 'running_var'];

const PAIR = (a: number, b: number): number | [number, number] => (a === b ? a : [a, b]);

class Mapper {
  private readonly graph: Graph;
  private readonly label: (node: Node) => string;
  private readonly probes: InferenceResult[];
  /** Exact tensors: initializers, Constant node values, and Identity of those. */
  private readonly exact = new Map<string, Tensor>();
  private readonly values = new Map<string, Value>();
  private readonly layers: MappedLayer[] = [];
  private readonly weights: WeightStore = new Map();
  private readonly ids = new IdAllocator();
  private readonly namer: Namer;
  /** Zero padding of a folded Pad node, [top, left, bottom, right], waiting for the Conv/AveragePool it feeds. */
  private readonly pendingPads = new Map<Node, number[]>();
  private readonly notes: string[] = [];
  /** Nodes already consumed by a fusion (the Add after a MatMul). */
  private readonly fused = new Set<Node>();
  private readonly consumers = new Map<string, Node[]>();
  private foldedNodes = 0;
  private probeBatches: number[];

  /** Stand-in LRN nodes for torch's LocalResponseNorm decompositions, with what they replace. */
  private readonly torchLrns = new Map<Node, TorchLrn>();

  constructor(
    private readonly model: Model,
    private readonly opset: number,
    private readonly input: GraphInput,
    private readonly options: ImportOptions,
  ) {
    this.graph = this.withTorchLrnsReplaced(model.graph);
    const index = new Map(this.graph.nodes.map((node, i) => [node, i]));
    this.label = (node) => nodeLabel(node, index.get(node) ?? -1);
    this.probeBatches = typeof input.batch === 'number' ? [input.batch] : [2, 3];
    this.checkOperators();
    this.probes = this.probeBatches.map((batch) => this.infer(batch));
    this.verifyTorchLrns();
    this.namer = new Namer(modulePathsOf(this.graph.initializers.map((t) => t.name), this.graph.nodes.map((n) => n.name)));
    for (const node of this.graph.nodes) {
      for (const name of node.inputs) {
        if (name === '') continue;
        const list = this.consumers.get(name) ?? [];
        list.push(node);
        this.consumers.set(name, list);
      }
    }
  }

  /** The graph with each region that reads as torch's LocalResponseNorm replaced by one stand-in LRN node. */
  private withTorchLrnsReplaced(graph: Graph): Graph {
    const found = findTorchLrn(graph, this.opset);
    if (found.length === 0) return graph;
    const removed = new Set(found.flatMap((lrn) => [...lrn.region]));
    const nodes = graph.nodes.flatMap((node): Node[] => {
      const lrn = found.find((candidate) => candidate.div === node);
      if (lrn) {
        const standIn: Node = { name: node.name, opType: 'LRN', domain: '', inputs: [lrn.input], outputs: [node.outputs[0]!], attributes: [] };
        this.torchLrns.set(standIn, lrn);
        return [standIn];
      }
      return removed.has(node) ? [] : [node];
    });
    return { ...graph, nodes };
  }

  /** Each stand-in must compute PyTorch's LocalResponseNorm: its region is run on random input and compared. */
  private verifyTorchLrns(): void {
    for (const lrn of this.torchLrns.values()) {
      const dims = this.dims(lrn.input);
      if (!dims || dims.length !== 4) this.fail(lrn.div, `it ends what looks like torch's LocalResponseNorm, but its input is not N×C×H×W.`);
      const x = probeInput([Math.min(dims[0]!, 2), ...dims.slice(1)]);
      const got = runTorchLrnRegion(this.model.graph, this.opset, lrn, x);
      const want = torchLrnReference(x, lrn.params);
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
      const error = typeof got === 'string' ? got : `it differs from LRN(size ${lrn.params.size}, alpha ${lrn.params.alpha}, beta ${lrn.params.beta}, k ${lrn.params.k}) by up to ${maxDiff(got, want)}`;
      if (typeof got === 'string' || maxDiff(got, want) > 1e-9 * scale) {
        this.fail(lrn.div, `it ends ${lrn.region.size} nodes that look like torch's LocalResponseNorm, but they could not be confirmed to compute it: ${error}.`);
      }
      this.notes.push(`${this.label(lrn.div)} and the ${lrn.region.size} nodes computing its divisor (torch's traced nn.LocalResponseNorm) became one LRN layer, checked against PyTorch's formula.`);
    }
  }

  /** Shape inference with the input's batch dimension fixed to `batch`. */
  private infer(batch: number): InferenceResult {
    const inputs = this.graph.inputs.map((info) =>
      info.name === this.input.name && info.type?.kind === 'tensor'
        ? { ...info, type: { ...info.type, shape: [batch, ...this.input.dims] } }
        : info,
    );
    try {
      return inferGraph({ ...this.graph, inputs }, this.opset);
    } catch (error) {
      if (error instanceof OnnxError) throw new ImportError(`Cannot import: the model's shapes do not check out: ${error.message}`);
      throw error;
    }
  }

  /** Operators nothing here can read (control flow, other domains, ops outside the schema) fail before inference. */
  private checkOperators(): void {
    for (const node of this.graph.nodes) {
      if (node.domain !== '' && node.domain !== 'ai.onnx') {
        this.fail(node, `it is an operator of the '${node.domain}' domain; Model Lab imports standard ONNX operators only.`);
      }
      if (!isKnownOp(node.opType)) {
        const scope = node.name.startsWith('/') ? node.name.slice(1).split('/').slice(0, -1).pop() : undefined;
        const inside = scope ? ` It comes from the module '${scope}', which has no layer equivalent in this form.` : '';
        this.fail(node, `Model Lab does not know the ${node.opType} operator.${inside}`);
      }
    }
  }

  run(): ImportResult {
    const inputId = this.ids.take(this.input.name, 'input');
    const [channels, height, width] = this.input.dims;
    this.addLayer({ id: inputId, kind: 'Input', attrs: { channels, height, width }, inputs: [] } as LayerNode, `graph input '${this.input.name}'`, [...this.input.dims]);
    this.values.set(this.input.name, { kind: 'layer', id: inputId });
    for (const t of this.graph.initializers) this.exact.set(t.name, t);

    this.graph.nodes.forEach((node) => this.visit(node));

    const outputs = this.graph.outputs;
    if (outputs.length !== 1) {
      throw new ImportError(`Cannot import: the graph has ${outputs.length} outputs (${outputs.map((o) => `'${o.name}'`).join(', ')}); Model Lab imports models with one output.`);
    }
    const outputValue = this.values.get(outputs[0]!.name);
    if (!outputValue || outputValue.kind !== 'layer') {
      throw new ImportError(`Cannot import: the graph output '${outputs[0]!.name}' is ${outputValue ? 'a constant' : 'not computed by any node'}, not a layer's result.`);
    }
    if (outputValue.id === inputId) throw new ImportError('Cannot import: the graph output is its input; there are no layers.');
    if (this.foldedNodes > 0) {
      this.notes.push(`${this.foldedNodes} node${this.foldedNodes === 1 ? '' : 's'} computing shapes from constants (Shape, Gather, Unsqueeze, Concat, …) were folded away.`);
    }
    const kept = this.prune(outputValue.id);
    const graph: LayerGraph = {
      format: 'model-lab/graph',
      version: 1,
      name: this.options.name ?? (this.graph.name || 'imported'),
      nodes: kept.map((layer) => layer.node as GraphNode),
      output: outputValue.id,
    };
    const classes = readClasses(this.model);
    if (classes) graph.classes = classes;
    this.verify(graph, kept);
    const result: ImportResult = { graph, weights: this.weights, opset: this.opset, notes: this.notes };
    if (classes) result.classes = classes;
    return result;
  }

  /** Drops layers that do not feed the output (and their weights). */
  private prune(outputId: string): MappedLayer[] {
    const byId = new Map(this.layers.map((layer) => [layer.node.id, layer]));
    const needed = new Set<string>();
    const pending = [outputId];
    while (pending.length > 0) {
      const id = pending.pop()!;
      if (needed.has(id)) continue;
      needed.add(id);
      pending.push(...(byId.get(id)?.node.inputs ?? []));
    }
    const dropped = this.layers.filter((layer) => !needed.has(layer.node.id) && layer.node.kind !== 'Input');
    for (const layer of dropped) {
      for (const role of PARAM_ROLES) this.weights.delete(weightName(layer.node.id, role));
    }
    if (dropped.length > 0) {
      this.notes.push(`${dropped.length} layer${dropped.length === 1 ? '' : 's'} not feeding the output ${dropped.length === 1 ? 'was' : 'were'} left out: ${dropped.map((l) => `'${l.node.id}'`).join(', ')}.`);
    }
    return this.layers.filter((layer) => needed.has(layer.node.id) || layer.node.kind === 'Input');
  }

  /** analyse() must find nothing, and every layer's shape must be the ONNX model's. */
  private verify(graph: LayerGraph, layers: MappedLayer[]): void {
    const analysis = analyse(graph);
    const bySource = new Map(layers.map((layer) => [layer.node.id, layer]));
    if (analysis.issues.length > 0) {
      const issue = analysis.issues[0]!;
      const layer = bySource.get(issue.layer ?? issue.nodeId);
      throw new ImportError(
        `Cannot import: the mapped layer graph has a problem${layer ? ` at '${layer.node.id}' (from ${layer.source})` : ''}: ${issue.message} ` +
          `This is a bug in the importer; please report it with the model.`,
      );
    }
    for (const report of analysis.layers) {
      const layer = bySource.get(report.name);
      if (!layer || !report.outputShape) continue;
      const same = report.outputShape.length === layer.onnxShape.length && report.outputShape.every((d, i) => d === layer.onnxShape[i]);
      if (!same) {
        throw new ImportError(
          `Cannot import: ${layer.source} gives ${layer.onnxShape.join('×')} in the ONNX model, but the ${report.kind} layer '${report.name}' it maps to ` +
            `gives ${report.outputShape.join('×')}. This is a bug in the importer; please report it with the model.`,
        );
      }
    }
  }

  // ---- values --------------------------------------------------------------------------------------------

  private fail(node: Node, why: string): never {
    throw new ImportError(`Cannot import ${this.label(node)}: ${why}`);
  }

  /** True when every probe knows the value as a constant (or it is an exact tensor). */
  private isConstant(name: string): boolean {
    return this.exact.has(name) || this.probes.every((probe) => probe.constants.has(name));
  }

  /** The ONNX dims of a value (batch included) under the first probe. */
  private dims(name: string): number[] | undefined {
    const shape = this.probes[0]!.types.get(name)?.shape;
    if (!shape || !shape.every((d) => typeof d === 'number')) return undefined;
    return shape as number[];
  }

  /** The value at `index` as a layer tensor; error when it is a constant or missing. */
  private layerInput(node: Node, index: number, what = 'its input'): { id: string; dims: number[] } {
    const name = node.inputs[index];
    if (!name) this.fail(node, `${what} is missing.`);
    const value = this.values.get(name);
    if (!value) {
      if (this.graph.inputs.some((i) => i.name === name)) this.fail(node, `it reads '${name}', a second graph input; Model Lab imports models with one input.`);
      if (this.exact.has(name) || this.isConstant(name)) this.fail(node, `${what} '${name}' is a constant, not a layer's result; there is no layer for that.`);
      this.fail(node, `${what} '${name}' is not computed by any earlier node.`);
    }
    if (value.kind !== 'layer') this.fail(node, `${what} '${name}' is a constant, not a layer's result; there is no layer for that.`);
    const dims = this.dims(name);
    if (!dims) this.fail(node, `the shape of ${what} '${name}' is unknown.`);
    return { id: value.id, dims };
  }

  /** An exact float32 tensor operand (weights); error otherwise. */
  private weightInput(node: Node, index: number, what: string): Tensor {
    const name = node.inputs[index];
    if (!name) this.fail(node, `${what} is missing.`);
    const tensor = this.exact.get(name);
    if (!tensor) {
      const value = this.values.get(name);
      this.fail(node, `${what} '${name}' is ${value?.kind === 'layer' ? "a layer's result" : 'not a stored tensor'}; Model Lab imports weights stored in the file (initializers or Constant nodes).`);
    }
    if (tensor.storage === 'external') this.fail(node, `${what} '${name}' is stored in an external file ('${tensor.external?.location}'); save the model as one file.`);
    if (tensor.dataType !== DataType.FLOAT) this.fail(node, `${what} '${name}' is ${dataTypeName(tensor.dataType)}; Model Lab imports float32 weights only.`);
    return tensor;
  }

  /** A small constant read as numbers (folded shape arithmetic, Dropout ratio, …) when all probes agree. */
  private constantValue(name: string): number[] | undefined {
    const exact = this.exact.get(name);
    if (exact && !Array.isArray(exact.values)) return Array.from(exact.values as ArrayLike<number | bigint>, Number);
    const values = this.probes.map((probe) => probe.constants.get(name));
    if (values.some((v) => !v)) return undefined;
    const first = Array.from((values[0] as RefTensor).data);
    return values.every((v) => v!.data.length === first.length && v!.data.every((x, i) => x === first[i])) ? first : undefined;
  }

  // ---- layers --------------------------------------------------------------------------------------------

  private addLayer(layer: LayerNode, source: string, onnxShape: number[]): void {
    const checked = normaliseAttrs(layer.kind, layer.id, layer.attrs);
    if (!checked.ok) {
      throw new ImportError(`Cannot import ${source}: it maps to ${layer.kind} '${layer.id}', but ${checked.problems.map((p) => p.message).join(' ')}`);
    }
    this.layers.push({ node: layer, source, onnxShape });
  }

  /** Adds a layer for `node` reading `inputs`, its output named after the node's first output. */
  private layer<K extends LayerKind>(
    node: Node,
    kind: K,
    attrs: Record<string, unknown>,
    inputs: string[],
    parameter?: string,
    outputName = node.outputs[0]!,
  ): string {
    const id = this.ids.take(this.namer.preferred(node, parameter), kind.toLowerCase());
    const dims = this.dims(outputName);
    if (!dims) this.fail(node, `the shape of its output '${outputName}' is unknown.`);
    this.addLayer({ id, kind, attrs, inputs } as unknown as LayerNode, this.label(node), dims.slice(1));
    this.values.set(outputName, { kind: 'layer', id });
    return id;
  }

  private setWeight(id: string, role: ParamRole, dims: number[], data: Float32Array): void {
    this.weights.set(`${id}.${role}`, { dims, data });
  }

  // ---- nodes ---------------------------------------------------------------------------------------------

  private visit(node: Node): void {
    if (this.fused.has(node)) return;
    if (node.domain !== '' && node.domain !== 'ai.onnx') {
      this.fail(node, `it is an operator of the '${node.domain}' domain; Model Lab imports standard ONNX operators only.`);
    }
    const attrs = new AttributeReader(node, this.opset);
    if (node.opType === 'Constant') {
      const value = attrs.tensor('value');
      if (value) this.exact.set(node.outputs[0]!, value);
      this.values.set(node.outputs[0]!, { kind: 'const' });
      return;
    }
    if (node.opType === 'Identity') {
      const source = node.inputs[0]!;
      const exact = this.exact.get(source);
      if (exact) this.exact.set(node.outputs[0]!, exact);
      const value = this.values.get(source);
      if (value) this.values.set(node.outputs[0]!, value);
      else if (!exact && !this.isConstant(source)) this.fail(node, `its input '${source}' is not computed by any earlier node.`);
      else this.values.set(node.outputs[0]!, { kind: 'const' });
      return;
    }
    // Shape arithmetic: every output is a constant for every batch size tried.
    if (node.opType !== 'Dropout' && node.outputs.every((name) => name === '' || this.isConstant(name))) {
      for (const name of node.outputs) if (name) this.values.set(name, { kind: 'const' });
      this.foldedNodes++;
      return;
    }
    this.checkUnusedOutputs(node);
    try {
      this.map(node, attrs);
    } catch (error) {
      if (error instanceof OnnxError) this.fail(node, error.message);
      throw error;
    }
  }

  /** Secondary outputs (MaxPool indices, BatchNorm running statistics, Dropout masks) must not be used. */
  private checkUnusedOutputs(node: Node): void {
    const usedBy = (name: string) => this.consumers.has(name) || this.graph.outputs.some((o) => o.name === name);
    node.outputs.slice(1).forEach((name) => {
      if (name !== '' && usedBy(name)) this.fail(node, `its output '${name}' (output ${node.outputs.indexOf(name) + 1}) is used, which no layer produces.`);
    });
  }

  private map(node: Node, attrs: AttributeReader): void {
    switch (node.opType) {
      case 'Conv':
        return this.conv(node, attrs);
      case 'Gemm':
        return this.gemm(node, attrs);
      case 'MatMul':
        return this.matmul(node);
      case 'MaxPool':
      case 'AveragePool':
        return this.pool(node, attrs);
      case 'GlobalAveragePool': {
        const x = this.layerInput(node, 0);
        if (x.dims.length !== 4) this.fail(node, `its input is ${x.dims.length}-D; only N×C×H×W inputs map to a GlobalAvgPool layer.`);
        this.layer(node, 'GlobalAvgPool', {}, [x.id]);
        return;
      }
      case 'BatchNormalization':
        return this.batchNorm(node, attrs);
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh': {
        const x = this.layerInput(node, 0);
        const kind = ({ Relu: 'ReLU', Sigmoid: 'Sigmoid', Tanh: 'Tanh' } as const)[node.opType];
        this.layer(node, kind, {}, [x.id]);
        return;
      }
      case 'LeakyRelu': {
        const x = this.layerInput(node, 0);
        this.layer(node, 'LeakyReLU', { negativeSlope: shortestFloat32(attrs.float('alpha', 0.01)) }, [x.id]);
        return;
      }
      case 'Softmax':
        return this.softmax(node, attrs);
      case 'Add':
        return this.add(node);
      case 'Concat': {
        const inputs = node.inputs.map((_, i) => this.layerInput(node, i, `input ${i + 1}`));
        const rank = inputs[0]!.dims.length;
        const axis = attrs.int('axis');
        if (axis === undefined) this.fail(node, "it has no 'axis' attribute.");
        if ((axis < 0 ? axis + rank : axis) !== 1) this.fail(node, `it joins along axis ${axis} of its ${rank}-D inputs; only joins along the channel axis (1) map to a Concat layer.`);
        if (inputs.length < 2) {
          this.values.set(node.outputs[0]!, { kind: 'layer', id: inputs[0]!.id });
          return;
        }
        this.layer(node, 'Concat', {}, inputs.map((x) => x.id));
        return;
      }
      case 'Flatten': {
        const x = this.layerInput(node, 0);
        const axis = attrs.int('axis', 1);
        if ((axis < 0 ? axis + x.dims.length : axis) !== 1) this.fail(node, `it flattens from axis ${axis}; only Flatten with axis 1 (keeping the batch) maps to a Flatten layer.`);
        this.layer(node, 'Flatten', {}, [x.id]);
        return;
      }
      case 'Reshape':
        return this.reshape(node);
      case 'Dropout':
        return this.dropout(node, attrs);
      case 'Pad':
        return this.pad(node, attrs);
      case 'LRN': {
        const x = this.layerInput(node, 0);
        const traced = this.torchLrns.get(node);
        if (traced) {
          const { size, alpha, beta, k } = traced.params;
          this.layer(node, 'LRN', { size, alpha: shortestFloat32(alpha), beta: shortestFloat32(beta), k: shortestFloat32(k) }, [x.id]);
          return;
        }
        const size = attrs.int('size');
        if (size === undefined) this.fail(node, "it has no 'size' attribute.");
        // ONNX sums floor((size−1)/2) channels before and ceil((size−1)/2) after; PyTorch (and the LRN layer) the
        // other way round. They agree for odd sizes only.
        if (size % 2 === 0) this.fail(node, `its size is ${size}; for even sizes ONNX's channel window is not PyTorch's, which the LRN layer follows, so it cannot be mapped exactly.`);
        this.layer(
          node,
          'LRN',
          { size, alpha: shortestFloat32(attrs.float('alpha', 1e-4)), beta: shortestFloat32(attrs.float('beta', 0.75)), k: shortestFloat32(attrs.float('bias', 1)) },
          [x.id],
        );
        return;
      }
      default:
        this.fail(node, `Model Lab has no layer for the ${node.opType} operator applied to layer results. Layers it maps: Conv, Gemm, MatMul, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, Add, Concat, Flatten, Reshape, Dropout, LRN, Identity.`);
    }
  }

  private conv(node: Node, attrs: AttributeReader): void {
    const x = this.layerInput(node, 0);
    const w = this.weightInput(node, 1, 'its weight');
    if (w.dims.length !== 4 || x.dims.length !== 4) {
      this.fail(node, `it is a ${Math.max(w.dims.length, x.dims.length) - 2}-D convolution (weight [${w.dims.join(', ')}]); only 2-D convolutions map to a Conv2d layer.`);
    }
    const [outChannels, , kh, kw] = w.dims as [number, number, number, number];
    const kernelShape = attrs.ints('kernel_shape');
    if (kernelShape && kernelShape.length > 0 && (kernelShape[0] !== kh || kernelShape[1] !== kw)) {
      this.fail(node, `its kernel_shape [${kernelShape.join(', ')}] differs from its weight's [${kh}, ${kw}].`);
    }
    const strides = listOf(attrs.ints('strides'), 2, 1);
    const dilations = listOf(attrs.ints('dilations'), 2, 1);
    const group = attrs.int('group', 1);
    const autoPad = attrs.string('auto_pad', 'NOTSET');
    let padding: unknown;
    if (autoPad === 'SAME_UPPER') padding = 'same';
    else if (autoPad === 'VALID') padding = 0;
    else if (autoPad === 'NOTSET' || autoPad === 'SAME_LOWER') {
      const pads = autoPad === 'NOTSET' ? listOf(attrs.ints('pads'), 4, 0) : this.resolvedPads(attrs, x.dims, [kh, kw]);
      const extra = this.pendingPads.get(node) ?? [0, 0, 0, 0];
      const [top, left, bottom, right] = pads.map((p, i) => p + extra[i]!) as [number, number, number, number];
      padding = top === bottom && left === right ? PAIR(top, left) : [top, left, bottom, right];
    } else this.fail(node, `its auto_pad is '${autoPad}', which is not an ONNX value.`);
    if (autoPad !== 'NOTSET' && this.pendingPads.has(node)) this.fail(node, `it has auto_pad '${autoPad}' and is fed by a Pad; Model Lab cannot combine the two.`);
    const b = node.inputs[2] ? this.weightInput(node, 2, 'its bias') : undefined;
    if (b && (elementCount(b.dims) !== outChannels || b.dims.length !== 1)) this.fail(node, `its bias has dims [${b.dims.join(', ')}], not [${outChannels}].`);
    const layerAttrs: Record<string, unknown> = { outChannels, kernel: PAIR(kh, kw), stride: PAIR(strides[0]!, strides[1]!), padding };
    if (dilations[0] !== 1 || dilations[1] !== 1) layerAttrs.dilation = PAIR(dilations[0]!, dilations[1]!);
    if (group !== 1) layerAttrs.groups = group;
    if (!b) layerAttrs.bias = false;
    const id = this.layer(node, 'Conv2d', layerAttrs, [x.id], w.name);
    this.setWeight(id, 'weight', [...w.dims], copyOf(w));
    if (b) this.setWeight(id, 'bias', [outChannels], copyOf(b));
  }

  /** Explicit [top, left, bottom, right] pads of a SAME_* window over the (static) input. */
  private resolvedPads(attrs: AttributeReader, inputDims: number[], kernel: number[]): number[] {
    const autoPad = attrs.string('auto_pad', 'NOTSET');
    const strides = listOf(attrs.ints('strides'), 2, 1);
    const dilations = listOf(attrs.ints('dilations'), 2, 1);
    const before: number[] = [];
    const after: number[] = [];
    for (let axis = 0; axis < 2; axis++) {
      const size = inputDims[axis + 2]!;
      const extent = (kernel[axis]! - 1) * dilations[axis]! + 1;
      const total = Math.max(0, (Math.ceil(size / strides[axis]!) - 1) * strides[axis]! + extent - size);
      const small = Math.floor(total / 2);
      before.push(autoPad === 'SAME_UPPER' ? small : total - small);
      after.push(autoPad === 'SAME_UPPER' ? total - small : small);
    }
    return [...before, ...after];
  }

  private gemm(node: Node, attrs: AttributeReader): void {
    const x = this.layerInput(node, 0);
    if (x.dims.length !== 2) this.fail(node, `its input is ${x.dims.length}-D; a Dense layer needs N×features.`);
    const alpha = attrs.float('alpha', 1);
    const beta = attrs.float('beta', 1);
    if (attrs.int('transA', 0) !== 0) this.fail(node, 'it has transA = 1 (transposes its input); a Dense layer cannot.');
    if (alpha !== 1) this.fail(node, `it has alpha = ${alpha}; a Dense layer computes x·Wᵀ + b with alpha 1.`);
    const w = this.weightInput(node, 1, 'its weight');
    if (w.dims.length !== 2) this.fail(node, `its weight has dims [${w.dims.join(', ')}]; a Dense weight is 2-D.`);
    const transB = attrs.int('transB', 0) === 1;
    const [outFeatures, inFeatures] = transB ? [w.dims[0]!, w.dims[1]!] : [w.dims[1]!, w.dims[0]!];
    const c = node.inputs[2] ? this.weightInput(node, 2, 'its bias C') : undefined;
    if (c) {
      if (beta !== 1) this.fail(node, `it has beta = ${beta}; a Dense layer adds its bias with beta 1.`);
      const okDims = (c.dims.length === 1 && c.dims[0] === outFeatures) || (c.dims.length === 2 && c.dims[0] === 1 && c.dims[1] === outFeatures);
      if (!okDims) this.fail(node, `its bias C has dims [${c.dims.join(', ')}]; a Dense bias is [${outFeatures}] (or [1, ${outFeatures}]).`);
    }
    const id = this.layer(node, 'Dense', c ? { outFeatures } : { outFeatures, bias: false }, [x.id], w.name);
    this.setWeight(id, 'weight', [outFeatures, inFeatures], transB ? copyOf(w) : transposed(w));
    if (c) this.setWeight(id, 'bias', [outFeatures], copyOf(c));
    if (!transB) this.notes.push(`'${id}': the weight of ${this.label(node)} (transB = 0, [in, out]) was transposed to [out, in].`);
  }

  private matmul(node: Node): void {
    const x = this.layerInput(node, 0);
    if (x.dims.length !== 2) this.fail(node, `its input is ${x.dims.length}-D; only N×features · weight maps to a Dense layer.`);
    const w = this.weightInput(node, 1, 'its weight');
    if (w.dims.length !== 2) this.fail(node, `its weight has dims [${w.dims.join(', ')}]; a Dense weight is 2-D.`);
    const [inFeatures, outFeatures] = w.dims as [number, number];
    // A bias: the one consumer is an Add of a constant [out] (or [1, out]) vector.
    const users = this.consumers.get(node.outputs[0]!) ?? [];
    const add = users.length === 1 && users[0]!.opType === 'Add' && !this.graph.outputs.some((o) => o.name === node.outputs[0]) ? users[0]! : undefined;
    let bias: Tensor | undefined;
    if (add) {
      const other = add.inputs[0] === node.outputs[0] ? add.inputs[1] : add.inputs[0];
      const t = other ? this.exact.get(other) : undefined;
      const okDims = t && ((t.dims.length === 1 && t.dims[0] === outFeatures) || (t.dims.length === 2 && t.dims[0] === 1 && t.dims[1] === outFeatures));
      if (t && okDims && t.dataType === DataType.FLOAT && t.storage !== 'external') bias = t;
    }
    const outputName = bias ? add!.outputs[0]! : node.outputs[0]!;
    const id = this.layer(node, 'Dense', bias ? { outFeatures } : { outFeatures, bias: false }, [x.id], w.name, outputName);
    this.setWeight(id, 'weight', [outFeatures, inFeatures], transposed(w));
    if (bias) {
      this.setWeight(id, 'bias', [outFeatures], copyOf(bias));
      this.fused.add(add!);
      this.notes.push(`'${id}': ${this.label(node)} and the bias ${this.label(add!)} became one Dense layer.`);
    }
  }

  private pool(node: Node, attrs: AttributeReader): void {
    const x = this.layerInput(node, 0);
    if (x.dims.length !== 4) this.fail(node, `it pools a ${x.dims.length}-D tensor; only N×C×H×W inputs map to a pooling layer.`);
    const kernel = attrs.ints('kernel_shape');
    if (!kernel || kernel.length !== 2) this.fail(node, `its kernel_shape is ${kernel ? `[${kernel.join(', ')}]` : 'missing'}; only 2-D pooling maps to a layer.`);
    const strides = listOf(attrs.ints('strides'), 2, 1);
    const dilations = listOf(attrs.ints('dilations'), 2, 1);
    const autoPad = attrs.string('auto_pad', 'NOTSET');
    let pads = autoPad === 'NOTSET' ? listOf(attrs.ints('pads'), 4, 0) : autoPad === 'VALID' ? [0, 0, 0, 0] : this.resolvedPads(attrs, x.dims, kernel);
    const extra = this.pendingPads.get(node);
    if (extra) pads = pads.map((p, i) => p + extra[i]!);
    if (pads[0] !== pads[2] || pads[1] !== pads[3]) {
      this.fail(node, `its pads [${pads.join(', ')}] differ before and after; pooling layers pad both sides equally.`);
    }
    const ceil = attrs.int('ceil_mode', 0) === 1;
    const layerAttrs: Record<string, unknown> = { kernel: PAIR(kernel[0]!, kernel[1]!), stride: PAIR(strides[0]!, strides[1]!) };
    if (pads[0] !== 0 || pads[1] !== 0) layerAttrs.padding = PAIR(pads[0]!, pads[1]!);
    if (ceil) layerAttrs.ceilMode = true;
    if (node.opType === 'MaxPool') {
      if (dilations[0] !== 1 || dilations[1] !== 1) layerAttrs.dilation = PAIR(dilations[0]!, dilations[1]!);
      this.layer(node, 'MaxPool2d', layerAttrs, [x.id]);
      return;
    }
    if (dilations[0] !== 1 || dilations[1] !== 1) this.fail(node, `it has dilations [${dilations.join(', ')}]; an AvgPool2d layer has no dilation.`);
    // Zero padding by a Pad node before the pool is counted in every window's divisor: count_include_pad.
    layerAttrs.countIncludePad = extra !== undefined || attrs.int('count_include_pad', 0) === 1;
    this.layer(node, 'AvgPool2d', layerAttrs, [x.id]);
  }

  private batchNorm(node: Node, attrs: AttributeReader): void {
    const x = this.layerInput(node, 0);
    if (x.dims.length !== 4 && x.dims.length !== 2) this.fail(node, `its input is ${x.dims.length}-D; a BatchNorm layer takes N×C×H×W or N×features.`);
    if (attrs.int('training_mode', 0) !== 0) this.fail(node, 'it has training_mode = 1 (normalises by batch statistics); export the model in eval mode.');
    const channels = x.dims[1]!;
    const roles: Array<[ParamRole, number, string]> = [
      ['weight', 1, 'its scale'],
      ['bias', 2, 'its bias B'],
      ['running_mean', 3, 'its mean'],
      ['running_var', 4, 'its variance'],
    ];
    const tensors = roles.map(([, index, what]) => {
      const t = this.weightInput(node, index, what);
      if (t.dims.length !== 1 || t.dims[0] !== channels) this.fail(node, `${what} has dims [${t.dims.join(', ')}], not [${channels}].`);
      return t;
    });
    const onnxMomentum = attrs.float('momentum', 0.9);
    const layerAttrs = { eps: shortestFloat32(attrs.float('epsilon', 1e-5)), momentum: torchMomentum(onnxMomentum) };
    const id = this.layer(node, 'BatchNorm', layerAttrs, [x.id], tensors[0]!.name);
    roles.forEach(([role], i) => this.setWeight(id, role, [channels], copyOf(tensors[i]!)));
  }

  private softmax(node: Node, attrs: AttributeReader): void {
    const x = this.layerInput(node, 0);
    const rank = x.dims.length;
    const axis = attrs.int('axis', this.opset >= 13 ? -1 : 1);
    const normalised = axis < 0 ? axis + rank : axis;
    // Before opset 13 Softmax flattens everything from `axis` on; over the channel axis that is the same only when
    // nothing follows it (N×F) or what follows is 1×1.
    const channelsOnly = this.opset >= 13 ? normalised === 1 : normalised === 1 && x.dims.slice(2).every((d) => d === 1);
    if (!channelsOnly || (rank !== 2 && rank !== 4)) {
      this.fail(node, `it takes the softmax over axis ${axis} of a ${rank}-D tensor${this.opset < 13 ? ` (opset ${this.opset} flattens from that axis on)` : ''}; a Softmax layer works over the channel/feature axis only.`);
    }
    this.layer(node, 'Softmax', {}, [x.id]);
  }

  private add(node: Node): void {
    if (node.inputs.length !== 2) this.fail(node, `it has ${node.inputs.length} inputs.`);
    const a = this.layerInput(node, 0, 'its first operand');
    const b = this.layerInput(node, 1, 'its second operand');
    if (a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) {
      this.fail(node, `it adds [${a.dims.join(', ')}] and [${b.dims.join(', ')}] by broadcasting; an Add layer adds tensors of the same shape.`);
    }
    this.layer(node, 'Add', {}, [a.id, b.id]);
  }

  /** Reshape to [N, -1] (or [N, C·H·W]) for every batch size tried: a Flatten. */
  private reshape(node: Node): void {
    const x = this.layerInput(node, 0);
    const target = node.inputs[1];
    if (!target || !this.isConstant(target)) {
      this.fail(node, 'its target shape is computed from something other than the input shape and constants, so it cannot be folded.');
    }
    const isFlatten = this.probes.every((probe, p) => {
      const inDims = probe.types.get(node.inputs[0]!)?.shape;
      const outDims = probe.types.get(node.outputs[0]!)?.shape;
      const batch = this.probeBatches[p]!;
      if (!inDims || !outDims || !inDims.every((d) => typeof d === 'number')) return false;
      const features = elementCount(inDims.slice(1) as number[]);
      return outDims.length === 2 && outDims[0] === batch && outDims[1] === features && inDims[0] === batch;
    });
    if (!isFlatten) {
      const shape = this.probes[0]!.constants.get(target);
      const shown = shape ? `[${Array.from(shape.data).join(', ')}]` : 'unknown';
      this.fail(node, `it reshapes [${x.dims.join(', ')}] to ${shown}; only a reshape to [N, -1] (keeping the batch, flattening the rest) maps to a Flatten layer.`);
    }
    this.layer(node, 'Flatten', {}, [x.id]);
  }

  /**
   * A constant zero Pad: nothing when it pads nothing (torch emits one before every AvgPool2d); otherwise folded into
   * the padding of the one Conv or AveragePool it feeds (an AveragePool then counts the padding, as
   * count_include_pad = 1 does). Any other Pad has no layer equivalent.
   */
  private pad(node: Node, attrs: AttributeReader): void {
    const x = this.layerInput(node, 0);
    const mode = attrs.string('mode', 'constant');
    const pads = node.inputs[1] ? this.constantValue(node.inputs[1]) : attrs.ints('pads');
    if (!pads) this.fail(node, 'its pads are not constants.');
    const value = node.inputs[2] ? this.constantValue(node.inputs[2]) : [0];
    if (node.inputs[3]) this.fail(node, 'it pads selected axes only (the axes input), which Model Lab does not fold.');
    const rank = x.dims.length;
    if (pads.length !== 2 * rank) this.fail(node, `its pads [${pads.join(', ')}] do not fit its ${rank}-D input.`);
    if (pads.every((p) => p === 0)) {
      this.values.set(node.outputs[0]!, { kind: 'layer', id: x.id });
      return;
    }
    const spatialOnly = rank === 4 && pads[0] === 0 && pads[1] === 0 && pads[4] === 0 && pads[5] === 0 && pads.every((p) => p >= 0);
    const users = this.consumers.get(node.outputs[0]!) ?? [];
    const user = users.length === 1 && !this.graph.outputs.some((o) => o.name === node.outputs[0]) ? users[0]! : undefined;
    const zero = mode === 'constant' && value !== undefined && value.length === 1 && value[0] === 0;
    const target = user && user.inputs[0] === node.outputs[0] && (user.opType === 'Conv' || user.opType === 'AveragePool') ? user : undefined;
    if (!zero || !spatialOnly || !target || (target.opType === 'AveragePool' && new AttributeReader(target, this.opset).int('count_include_pad', 0) !== 1 && (new AttributeReader(target, this.opset).ints('pads') ?? []).some((p) => p !== 0))) {
      this.fail(node, `it pads [${pads.join(', ')}] (mode ${mode}${value ? `, value ${value[0]}` : ''}); only zero padding of height and width that feeds one Conv or AveragePool folds into a layer.`);
    }
    this.pendingPads.set(target, [pads[2]!, pads[3]!, pads[6]!, pads[7]!]);
    this.values.set(node.outputs[0]!, { kind: 'layer', id: x.id });
    this.notes.push(`${this.label(node)} was folded into the padding of ${this.label(target)}.`);
  }

  private dropout(node: Node, attrs: AttributeReader): void {
    const x = this.layerInput(node, 0);
    let p = 0.5;
    if (this.opset >= 12) {
      if (node.inputs[1]) {
        const ratio = this.constantValue(node.inputs[1]);
        if (!ratio || ratio.length !== 1) this.fail(node, 'its ratio is not a constant.');
        p = ratio[0]!;
      }
      if (node.inputs[2]) {
        const training = this.constantValue(node.inputs[2]);
        if (!training || training[0] !== 0) this.fail(node, 'its training_mode is not the constant false; export the model in eval mode.');
      }
    } else p = attrs.float('ratio', 0.5);
    this.layer(node, 'Dropout', { p: shortestFloat32(p) }, [x.id]);
  }
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(max) ? Infinity : max;
}

function listOf(value: number[] | undefined, length: number, fill: number): number[] {
  return value && value.length === length ? value : Array<number>(length).fill(fill);
}

/** A bit-identical copy of a float32 tensor's values. */
function copyOf(t: Tensor): Float32Array {
  return (t.values as Float32Array).slice();
}

/** A 2-D float32 tensor transposed, bit patterns kept (copied as 32-bit integers). */
function transposed(t: Tensor): Float32Array {
  const [rows, cols] = t.dims as [number, number];
  const source = t.values as Float32Array;
  const from = new Uint32Array(source.buffer, source.byteOffset, source.length);
  const out = new Float32Array(rows * cols);
  const to = new Uint32Array(out.buffer);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) to[c * rows + r] = from[r * cols + c]!;
  return out;
}
