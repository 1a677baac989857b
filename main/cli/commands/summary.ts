import { readFile, stat } from 'node:fs/promises';
import { AppError } from '../../../preload/result';
import { analyse, type Analysis, type LayerReport, type SquareOrPair } from '../../../renderer/core/analysis';
import { parseGraph } from '../../../renderer/core/graph';
import type { GraphNode, LayerGraph, LayerNode } from '../../../renderer/core/ir';
import type { ReceptiveField } from '../../../renderer/core/receptive-field';
import { formatShape } from '../../../renderer/core/shape';
import { intOption, shapeOption, UsageError, type Command } from '../command';

type Input3 = [number, number, number];

/** A model or graph file that cannot be summarised; the message says why and what to do. */
export class SummaryError extends AppError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'SummaryError';
  }
}

interface LoadedModel {
  /** The zoo id, or the graph's name for a file. */
  model: string;
  title: string;
  graph: LayerGraph;
}

// The zoo is loaded only when a zoo id is asked for, so summarising a graph file never depends on it.
async function loadZoo() {
  return import('../../../models/index');
}

function looksLikeFile(argument: string): boolean {
  return argument.endsWith('.json') || argument.includes('/') || argument.includes('\\');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function loadGraphFile(path: string, input: Input3 | undefined, classes: number | undefined): Promise<LoadedModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : ((error as Error).message ?? String(error));
    throw new SummaryError('not-found', `Cannot read the graph file '${path}': ${reason}.`);
  }
  const parsed = parseGraph(text);
  if (!parsed.graph) throw new SummaryError('invalid-graph', describeIssues(`'${path}' is not a valid Model Lab graph`, parsed.issues.map((issue) => issue.message)));
  let graph = parsed.graph;
  if (input) graph = withInput(graph, input, path);
  if (classes !== undefined) graph = withClasses(graph, classes, path);
  return { model: graph.name, title: `${graph.name} (${path})`, graph };
}

/** The graph with its Input layer resized (the one Input layer at the top level). */
function withInput(graph: LayerGraph, [channels, height, width]: Input3, path: string): LayerGraph {
  const inputs = graph.nodes.filter((node) => node.kind === 'Input');
  if (inputs.length !== 1) {
    throw new SummaryError(
      'invalid-option',
      `--input needs a graph with exactly one Input layer at its top level, but '${path}' has ${inputs.length}; edit the graph instead.`,
    );
  }
  const target = inputs[0]!;
  const nodes = graph.nodes.map((node): GraphNode => (node === target ? { ...node, kind: 'Input', attrs: { channels, height, width } } as LayerNode : node));
  return { ...graph, nodes };
}

// Layers that may sit between the classifier's Dense layer and the model output without changing the class count.
const PASS_THROUGH = new Set(['ReLU', 'LeakyReLU', 'Sigmoid', 'Tanh', 'Softmax', 'Dropout', 'Identity']);

/** The graph with its final Dense layer (the classifier) set to `classes` outputs. */
function withClasses(graph: LayerGraph, classes: number, path: string): LayerGraph {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  let current = byId.get(graph.output ?? graph.nodes[graph.nodes.length - 1]?.id ?? '');
  while (current && current.kind !== 'Dense' && PASS_THROUGH.has(current.kind) && current.inputs.length === 1) {
    current = byId.get(current.inputs[0]!);
  }
  if (!current || current.kind !== 'Dense') {
    throw new SummaryError(
      'invalid-option',
      `--classes needs a graph that ends in a Dense layer (followed only by activations or Dropout), and '${path}' does not; edit the graph instead.`,
    );
  }
  const target = current;
  const nodes = graph.nodes.map((node): GraphNode => (node === target ? { ...node, kind: 'Dense', attrs: { ...node.attrs, outFeatures: classes } } as LayerNode : node));
  return { ...graph, nodes };
}

async function loadZooModel(id: string, input: Input3 | undefined, classes: number | undefined): Promise<LoadedModel> {
  const { zoo, zooModel } = await loadZoo();
  const model = zooModel(id);
  if (!model) {
    throw new UsageError(`'${id}' is neither a graph file nor a zoo model. Zoo models: ${zoo.map((entry) => entry.id).join(', ')}.`);
  }
  const options: { input?: Input3; classes?: number } = {};
  if (input) options.input = input;
  if (classes !== undefined) options.classes = classes;
  return { model: model.id, title: `${model.id}: ${model.title}`, graph: model.build(options) };
}

function describeIssues(headline: string, messages: string[]): string {
  const count = messages.length === 1 ? '1 problem' : `${messages.length} problems`;
  return `${headline} (${count}):\n${messages.map((message) => `  - ${message}`).join('\n')}`;
}

const number = new Intl.NumberFormat('en-US');

function pair(value: SquareOrPair): string {
  return typeof value === 'number' ? String(value) : value.join('×');
}

function square(value: readonly [number, number]): SquareOrPair {
  return value[0] === value[1] ? value[0] : [value[0], value[1]];
}

function fieldCell(field: ReceptiveField | null): string {
  if (!field) return '—';
  const max = pair(square(field.size));
  const min = pair(square(field.minSize));
  const size = min === max ? max : `${min}–${max}`;
  return `${size} s${pair(square(field.stride))} p${pair(square(field.padding))}${field.alignedCentres ? '' : ' unaligned'}`;
}

function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value / 1024;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return `${scaled.toFixed(1)} ${units[unit]}`;
}

function table(rows: string[][], rightAligned: boolean[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) => row.map((cell, column) => (rightAligned[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd())
    .join('\n');
}

function textReport(loaded: LoadedModel, analysis: Analysis): string {
  const rows = [['Layer', 'Kind', 'Output shape', 'Params', 'MACs', 'Receptive field']];
  for (const layer of analysis.layers) {
    rows.push([
      layer.name,
      layer.kind,
      layer.outputShape ? formatShape(layer.outputShape) : '?',
      number.format(layer.params),
      number.format(layer.macs),
      fieldCell(layer.receptiveField),
    ]);
  }
  const { totals } = analysis;
  const lines = [
    `Model: ${loaded.title}`,
    `Input: ${analysis.input ? formatShape(analysis.input) : '?'}   Output: ${analysis.output ? formatShape(analysis.output) : '?'}`,
    '',
    table(rows, [false, false, false, true, true, false]),
    '',
    `Total params:         ${number.format(totals.params)}`,
    `Trainable params:     ${number.format(totals.trainableParams)}`,
    `Non-trainable params: ${number.format(totals.nonTrainableParams)} (BatchNorm running statistics)`,
    `MACs:                 ${number.format(totals.macs)} (FLOPs ${number.format(totals.flops)}); one multiply-add = one MAC, counting convolutions and dense layers`,
  ];
  const field = analysis.receptiveField;
  if (field) {
    const size = pair(field.minSize) === pair(field.size) ? pair(field.size) : `${pair(field.size)} (smallest path ${pair(field.minSize)})`;
    lines.push(
      `Receptive field:      ${size}, stride ${pair(field.stride)}, padding ${pair(field.padding)} at '${field.layer}'` +
        (field.alignedCentres ? '' : '; the paths\u2019 centres are not aligned'),
    );
  }
  const memory = totals.memory;
  if (memory) {
    lines.push(
      `Memory at batch ${memory.batch} (float32): inference ${bytes(memory.inference)} (parameters ${bytes(memory.parameters)}, peak activations ${bytes(memory.inferenceActivations)}); ` +
        `training ${bytes(memory.training)} with ${memory.optimizer} (activations ${bytes(memory.trainingActivations)}, gradients ${bytes(memory.gradients)}, optimiser state ${bytes(memory.optimizerState)})`,
    );
  }
  lines.push('Receptive fields in input pixels: size (smallest–largest over branches), s effective stride, p effective padding.');
  return lines.join('\n') + '\n';
}

function jsonField(field: ReceptiveField | null) {
  if (!field) return null;
  return {
    size: square(field.size),
    stride: square(field.stride),
    padding: square(field.padding),
    minSize: square(field.minSize),
    alignedCentres: field.alignedCentres,
  };
}

function jsonLayer(layer: LayerReport) {
  return {
    name: layer.name,
    kind: layer.kind,
    outputShape: layer.outputShape,
    params: layer.params,
    macs: layer.macs,
    receptiveField: jsonField(layer.receptiveField),
  };
}

function jsonReport(loaded: LoadedModel, analysis: Analysis) {
  const field = analysis.receptiveField;
  return {
    model: loaded.model,
    input: analysis.input,
    totals: {
      params: analysis.totals.params,
      trainableParams: analysis.totals.trainableParams,
      nonTrainableParams: analysis.totals.nonTrainableParams,
      macs: analysis.totals.macs,
      flops: analysis.totals.flops,
      memory: analysis.totals.memory,
    },
    receptiveField: field ? { size: field.size, stride: field.stride, padding: field.padding } : null,
    layers: analysis.layers.map(jsonLayer),
  };
}

export const summaryCommand: Command = {
  name: 'summary',
  summary: 'Print a model’s layers, shapes, parameters, MACs, memory and receptive field',
  help: `Usage: model-lab summary <zoo-id | graph.json> [--input CxHxW] [--classes N] [--batch B] [--json]

Analyses a model from the zoo (e.g. alexnet, resnet18) or a graph file and prints a table of its layers
(output shape, parameters, MACs, receptive field) with totals. One multiply-add counts as one MAC;
FLOPs = 2 × MACs. Receptive fields follow Araujo et al. (Distill 2019): size, effective stride and
effective padding in input pixels ("3–7" gives the smallest and largest over branches).

Options:
  --input CxHxW  build the model for this input size (for a graph file: resize its Input layer)
  --classes N    build the model for N classes (for a graph file: resize its final Dense layer)
  --batch B      batch size for the memory estimates (default 1)
  --json         print one JSON object instead of the table`,
  options: {
    input: { type: 'string' },
    classes: { type: 'string' },
    batch: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, context) {
    if (args.positionals.length !== 1) {
      throw new UsageError(
        `summary takes one zoo model id or graph file${args.positionals.length ? `, got ${args.positionals.map((p) => `'${p}'`).join(' ')}` : ''} (see 'model-lab summary --help').`,
      );
    }
    const target = args.positionals[0]!;
    const input = shapeOption(args, 'input');
    const classes = args.values.classes === undefined ? undefined : intOption(args, 'classes', 1, 1, 1_000_000);
    const batch = intOption(args, 'batch', 1, 1, 1_000_000);
    const loaded =
      looksLikeFile(target) || (await isFile(target)) ? await loadGraphFile(target, input, classes) : await loadZooModel(target, input, classes);
    const analysis = analyse(loaded.graph, { batch });
    if (analysis.issues.length > 0) {
      throw new SummaryError('invalid-graph', describeIssues(`'${loaded.model}' cannot be analysed`, analysis.issues.map((issue) => issue.message)));
    }
    context.stdout(args.values.json ? JSON.stringify(jsonReport(loaded, analysis)) + '\n' : textReport(loaded, analysis));
  },
};
