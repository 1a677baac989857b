// LayerGraph → ONNX. Each layer kind's `lower` (in its layer file) emits its nodes; this driver walks the flat graph
// in topological order, hands every layer its checked attributes, shapes and input values, and collects the
// parameters. Inference graphs carry weights as initializers and a symbolic batch; training graphs take parameters,
// running statistics and dropout masks as inputs (the form compileTrainingStep expects).
import { analyse } from '../analysis';
import { expandGraph } from '../blocks/expand';
import type { LayerGraph } from '../ir';
import { layerDefinition, normaliseAttrs } from '../layers/index';
import type { LowerContext } from '../layers/layer';
import { floatTensor, GraphBuilder, int64Tensor, model as makeModel, node as makeNode, valueInfo } from '../onnx/builder';
import { DataType, type Model } from '../onnx/model';
import { EXPORT_OPSET, type OpAttrs, type OpType } from '../onnx/schema';
import { inferShapes } from '../shape-inference';
import type { EvaluationProgram } from '../training/eval';
import type { ForwardProgram } from '../training/step';
import { isTrainableRole, weightName, type ParamRole, type WeightStore } from '../weights';


export class LoweringError extends Error {
  readonly code = 'lowering';
  constructor(message: string) {
    super(message);
    this.name = 'LoweringError';
  }
}

export const INPUT_NAME = 'input';

interface LowerOptions {
  mode: 'inference' | 'training';
  batch: number | string;
  lrnAsPrimitives: boolean;
  webgpuWorkarounds: boolean;
  weights?: WeightStore;
  /** Inference-mode layers (running statistics, no dropout) with every parameter as a graph input: the eval graph. */
  paramsAsInputs?: boolean;
}

interface Lowered {
  builder: GraphBuilder;
  input: string;
  output: string;
  /** The value feeding a final Softmax, which training uses as logits. */
  logits: string;
  inputShape: [number, number, number];
  outputShape: number[];
  params: Array<{ name: string; layer: string; role: ParamRole; shape: number[] }>;
  buffers: Array<{ input: string; output: string; shape: number[] }>;
  masks: Array<{ name: string; shape: number[]; p: number }>;
}

/** Refuses graphs with issues: lowering a graph the analysis rejects would give a model that is silently wrong. */
function checkedFlatGraph(graph: LayerGraph) {
  const analysis = analyse(graph);
  if (analysis.issues.length > 0) {
    const first = analysis.issues.slice(0, 3).map((i) => `${i.nodeId}: ${i.message}`);
    throw new LoweringError(`The graph '${graph.name}' has ${analysis.issues.length} problem(s) to fix before it can be compiled: ${first.join(' ')}`);
  }
  const { flat } = expandGraph(graph);
  const inference = inferShapes(flat);
  return { flat, inference };
}

function lowerGraph(graph: LayerGraph, options: LowerOptions): Lowered {
  const { flat, inference } = checkedFlatGraph(graph);
  const inputs = inference.layers.filter((l) => l.node.kind === 'Input');
  if (inputs.length !== 1) throw new LoweringError(`The graph '${graph.name}' must have exactly one Input layer to be compiled; it has ${inputs.length}.`);
  const inputShape = inputs[0]!.output as [number, number, number];
  const b = new GraphBuilder(graph.name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'model');
  const input = b.input(INPUT_NAME, DataType.FLOAT, [options.batch, ...inputShape]);
  const lowered: Lowered = { builder: b, input, output: input, logits: input, inputShape, outputShape: [], params: [], buffers: [], masks: [] };
  const values = new Map<string, string>();
  const outputLayer = flat.output;

  for (const layer of inference.layers) {
    const { node } = layer;
    const normalised = normaliseAttrs(node.kind, node.id, node.attrs);
    if (!normalised.ok || layer.output === null) throw new LoweringError(`Layer '${node.id}' could not be checked; analyse the graph first.`);
    const valueName = node.id === outputLayer ? 'output' : node.id;
    const context: LowerContext = {
      mode: options.mode,
      batch: options.batch,
      lrnAsPrimitives: options.lrnAsPrimitives,
      webgpuWorkarounds: options.webgpuWorkarounds,
      op(opType: OpType, opInputs, attrs = {}, opOptions = {}) {
        const name = opOptions.final ? node.id : b.fresh(`${node.id}/${opOptions.suffix ?? opType}`);
        const out = b.fresh(opOptions.final ? valueName : `${name}_out`);
        b.nodes.push(makeNode(opType, opInputs, [out], attrs as OpAttrs<typeof opType>, { name }));
        return out;
      },
      param(role, dims) {
        const name = weightName(node.id, role);
        const shape = [...dims];
        if (b.fresh(name) !== name) throw new LoweringError(`The parameter name '${name}' is already taken; rename layer '${node.id}'.`);
        if (options.mode === 'inference' && !options.paramsAsInputs) {
          const stored = options.weights?.get(name);
          if (!stored) throw new LoweringError(`No weights for '${name}' (layer '${node.id}'); initialise or load them first.`);
          if (stored.dims.length !== shape.length || stored.dims.some((d, i) => d !== shape[i])) {
            throw new LoweringError(`Weights '${name}' have shape [${stored.dims.join(', ')}], but layer '${node.id}' needs [${shape.join(', ')}].`);
          }
          // The stored array itself, not a copy: VGG's classifier alone is 120 M floats.
          b.initializers.push({ name, dataType: DataType.FLOAT, dims: shape, values: stored.data, storage: 'raw' });
        } else {
          b.inputs.push(valueInfo(name, DataType.FLOAT, shape));
        }
        lowered.params.push({ name, layer: node.id, role, shape });
        return name;
      },
      updateBuffer(role, value) {
        const name = weightName(node.id, role);
        const param = lowered.params.find((p) => p.name === name);
        if (!param) throw new LoweringError(`Layer '${node.id}' updates '${name}' before declaring it.`);
        lowered.buffers.push({ input: name, output: value, shape: param.shape });
      },
      mask(dims, p) {
        const name = b.fresh(`${node.id}.mask`);
        b.inputs.push(valueInfo(name, DataType.FLOAT, [...dims]));
        lowered.masks.push({ name, shape: [...dims], p });
        return name;
      },
      float(value, dims) {
        const list = typeof value === 'number' ? [value] : [...value];
        const name = b.fresh(`${node.id}/const`);
        b.initializers.push(floatTensor(name, dims ? [...dims] : typeof value === 'number' ? [] : [list.length], list));
        return name;
      },
      ints(list) {
        const name = b.fresh(`${node.id}/shape`);
        b.initializers.push(int64Tensor(name, [list.length], [...list]));
        return name;
      },
    };
    const inputValues = node.kind === 'Input' ? [input] : node.inputs.map((id) => values.get(id)!);
    const site = { id: node.id, attrs: normalised.attrs as never, inputs: layer.inputs, output: layer.output, values: inputValues };
    const value = layerDefinition(node.kind).lower(context, site);
    values.set(node.id, value);
    if (node.id === outputLayer) {
      lowered.output = value;
      lowered.outputShape = [...layer.output];
      lowered.logits = node.kind === 'Softmax' ? inputValues[0]! : value;
    }
  }
  return lowered;
}

export interface InferenceOptions {
  /** The batch dimension: a number or a symbolic name (default 'N'). */
  batch?: number | string;
  /** Emit LRN from primitives (WebGPU has no LRN kernel). */
  lrnAsPrimitives?: boolean;
  /** For onnxruntime-web's WebGPU EP: LRN from primitives, and exact workarounds for its wrong kernels. */
  webgpu?: boolean;
  /** Extra metadata_props (class names, normalisation, …). */
  metadata?: Record<string, string>;
}

export interface InferenceModel {
  model: Model;
  input: string;
  output: string;
}

/** The forward model for export and inference: weights as initializers, the layer graph in metadata_props. */
export function lowerInference(graph: LayerGraph, weights: WeightStore, options: InferenceOptions = {}): InferenceModel {
  const lowered = lowerGraph(graph, {
    mode: 'inference',
    batch: options.batch ?? 'N',
    lrnAsPrimitives: options.lrnAsPrimitives ?? options.webgpu ?? false,
    webgpuWorkarounds: options.webgpu ?? false,
    weights,
  });
  const b = lowered.builder;
  b.output(lowered.output, DataType.FLOAT, [options.batch ?? 'N', ...lowered.outputShape]);
  const metadata: Record<string, string> = { 'model_lab.graph': JSON.stringify(graph), ...(options.metadata ?? {}) };
  if (graph.classes) metadata['model_lab.classes'] ??= JSON.stringify(graph.classes);
  const model = makeModel(b.build(), { opset: EXPORT_OPSET, producerName: 'Model Lab', docString: `${graph.name}, exported by Model Lab`, metadata });
  return { model, input: lowered.input, output: lowered.output };
}

export interface TrainingLowerOptions {
  batch: number;
  /** Per-layer learning-rate multipliers by layer id (flat ids, or a block id for all its layers); 0 freezes. */
  lrMultipliers?: Record<string, number>;
  /** For onnxruntime-web's WebGPU EP: exact workarounds for its wrong kernels (see LowerContext). */
  webgpu?: boolean;
}

/** The forward graph in training form (see ForwardProgram), for compileTrainingStep. */
export function lowerTraining(graph: LayerGraph, options: TrainingLowerOptions): ForwardProgram {
  if (!Number.isInteger(options.batch) || options.batch < 1) throw new LoweringError(`The training batch must be a whole number of at least 1; got ${options.batch}.`);
  const lowered = lowerGraph(graph, { mode: 'training', batch: options.batch, lrnAsPrimitives: true, webgpuWorkarounds: options.webgpu ?? false });
  if (lowered.outputShape.length !== 1) {
    throw new LoweringError(`The model's output has shape [${lowered.outputShape.join(', ')}] per image; training needs one score per class (end with Flatten and Dense).`);
  }
  const b = lowered.builder;
  b.output(lowered.logits, DataType.FLOAT, [options.batch, lowered.outputShape[0]!]);
  const { flat } = expandGraph(graph);
  const multiplierOf = (layer: string): number => {
    const multipliers = options.lrMultipliers ?? {};
    if (layer in multipliers) return multipliers[layer]!;
    const node = flat.nodes.find((n) => n.id === layer);
    for (const block of [...(node?.blockPath ?? [])].reverse()) if (block in multipliers) return multipliers[block]!;
    return node?.train?.lrMultiplier ?? 1;
  };
  return {
    graph: b.build(),
    input: lowered.input,
    logits: lowered.logits,
    batch: options.batch,
    classes: lowered.outputShape[0]!,
    imageShape: lowered.inputShape,
    params: lowered.params.filter((p) => isTrainableRole(p.role)).map((p) => ({ name: p.name, shape: p.shape, lrMultiplier: multiplierOf(p.layer) })),
    buffers: lowered.buffers,
    masks: lowered.masks,
    source: { graph, webgpu: options.webgpu ?? false },
  };
}

export interface EvaluationLowerOptions {
  batch: number;
  /** For onnxruntime-web's WebGPU EP: LRN from primitives and exact workarounds for its wrong kernels. */
  webgpu?: boolean;
}

/**
 * The forward graph in evaluation form, for compileEvaluationStep: the inference layers (BatchNorm with its running
 * statistics, no dropout) at a fixed batch, with every parameter and statistic as a graph input under the same name
 * the training form uses, so a trainer can feed the tensors it keeps resident.
 */
export function lowerEvaluation(graph: LayerGraph, options: EvaluationLowerOptions): EvaluationProgram {
  if (!Number.isInteger(options.batch) || options.batch < 1) throw new LoweringError(`The evaluation batch must be a whole number of at least 1; got ${options.batch}.`);
  const lowered = lowerGraph(graph, { mode: 'inference', batch: options.batch, lrnAsPrimitives: true, webgpuWorkarounds: options.webgpu ?? false, paramsAsInputs: true });
  if (lowered.outputShape.length !== 1) {
    throw new LoweringError(`The model's output has shape [${lowered.outputShape.join(', ')}] per image; evaluation needs one score per class (end with Flatten and Dense).`);
  }
  lowered.builder.output(lowered.logits, DataType.FLOAT, [options.batch, lowered.outputShape[0]!]);
  return {
    graph: lowered.builder.build(),
    input: lowered.input,
    logits: lowered.logits,
    batch: options.batch,
    classes: lowered.outputShape[0]!,
    imageShape: lowered.inputShape,
    params: lowered.params.map((p) => ({ name: p.name, shape: p.shape })),
  };
}

/** Every parameter and statistic the graph needs, with its shape, in layer order. */
export function parameterShapes(graph: LayerGraph): Array<{ name: string; layer: string; role: ParamRole; shape: number[] }> {
  return lowerGraph(graph, { mode: 'training', batch: 2, lrnAsPrimitives: true, webgpuWorkarounds: false }).params;
}
