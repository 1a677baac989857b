// What a model argument of the CLI can be: a zoo id, a graph file (graph.json), a project file (graph + weights) or
// an ONNX file (imported into a layer graph). One loader for summary, export, predict and train.
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { AppError } from '../../preload/result';
import { parseGraph } from '../../renderer/core/graph';
import { importOnnx } from '../../renderer/core/import/index';
import type { GraphNode, LayerGraph, LayerNode } from '../../renderer/core/ir';
import { parseProject, PROJECT_FORMAT } from '../../renderer/core/project';
import type { WeightStore } from '../../renderer/core/weights';
import { UsageError } from './command';

export type Input3 = [number, number, number];

export class ModelSourceError extends AppError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'ModelSourceError';
  }
}

export interface LoadedModel {
  /** The zoo id, or the graph's name for a file. */
  model: string;
  title: string;
  kind: 'zoo' | 'graph' | 'project' | 'onnx';
  graph: LayerGraph;
  /** Present for project and ONNX files. */
  weights?: WeightStore;
  classes?: string[];
  /** What an import did that a user may want to know. */
  notes: string[];
}

export interface LoadOptions {
  input?: Input3;
  classes?: number;
}

export function looksLikeFile(argument: string): boolean {
  return /\.(json|onnx)$/i.test(argument) || argument.includes('/') || argument.includes('\\');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readModelFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new ModelSourceError('not-found', `Cannot read '${path}': ${reason}.`);
  }
}

export function describeIssues(headline: string, messages: string[]): string {
  const count = messages.length === 1 ? '1 problem' : `${messages.length} problems`;
  return `${headline} (${count}):\n${messages.map((message) => `  - ${message}`).join('\n')}`;
}

/** The graph with its Input layer resized (the one Input layer at the top level). */
function withInput(graph: LayerGraph, [channels, height, width]: Input3, path: string): LayerGraph {
  const inputs = graph.nodes.filter((node) => node.kind === 'Input');
  if (inputs.length !== 1) {
    throw new ModelSourceError(
      'invalid-option',
      `--input needs a graph with exactly one Input layer at its top level, but '${path}' has ${inputs.length}; edit the graph instead.`,
    );
  }
  const target = inputs[0]!;
  const nodes = graph.nodes.map((node): GraphNode => (node === target ? ({ ...node, kind: 'Input', attrs: { channels, height, width } } as LayerNode) : node));
  return { ...graph, nodes };
}

// Layers that may sit between the classifier's Dense layer and the model output without changing the class count.
const PASS_THROUGH = new Set(['ReLU', 'LeakyReLU', 'Sigmoid', 'Tanh', 'Softmax', 'Dropout', 'Identity']);

/** The final Dense layer (the classifier): the output, looking back through activations and Dropout. */
export function classifierOf(graph: LayerGraph): LayerNode | undefined {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  let current = byId.get(graph.output ?? graph.nodes[graph.nodes.length - 1]?.id ?? '');
  while (current && current.kind !== 'Dense' && PASS_THROUGH.has(current.kind) && current.inputs.length === 1) {
    current = byId.get(current.inputs[0]!);
  }
  return current?.kind === 'Dense' ? current : undefined;
}

/** The graph with its final Dense layer (the classifier) set to `classes` outputs. */
export function withClasses(graph: LayerGraph, classes: number, path: string): LayerGraph {
  const target = classifierOf(graph);
  if (!target) {
    throw new ModelSourceError(
      'invalid-option',
      `--classes needs a graph that ends in a Dense layer (followed only by activations or Dropout), and '${path}' does not; edit the graph instead.`,
    );
  }
  const nodes = graph.nodes.map((node): GraphNode => (node === target ? ({ ...node, kind: 'Dense', attrs: { ...node.attrs, outFeatures: classes } } as LayerNode) : node));
  return { ...graph, nodes };
}

async function loadZooModel(id: string, options: LoadOptions): Promise<LoadedModel> {
  const { zoo, zooModel } = await import('../../models/index');
  const model = zooModel(id);
  if (!model) throw new UsageError(`'${id}' is neither a model file nor a zoo model. Zoo models: ${zoo.map((entry) => entry.id).join(', ')}.`);
  const build: { input?: Input3; classes?: number } = {};
  if (options.input) build.input = options.input;
  if (options.classes !== undefined) build.classes = options.classes;
  return { model: model.id, title: `${model.id}: ${model.title}`, kind: 'zoo', graph: model.build(build), notes: [] };
}

/** Trained weights fix the input channels and the classifier: a project or ONNX model cannot be resized here. */
function refuseResize(path: string, options: LoadOptions): void {
  const flags = [options.input ? '--input' : '', options.classes !== undefined ? '--classes' : ''].filter(Boolean);
  if (flags.length > 0) {
    throw new ModelSourceError('invalid-option', `${flags.join(' and ')} cannot change '${path}': its weights were made for its own input and classes.`);
  }
}

export async function loadModel(target: string, options: LoadOptions = {}): Promise<LoadedModel> {
  if (!looksLikeFile(target) && !(await isFile(target))) return loadZooModel(target, options);
  const bytes = await readModelFile(target);
  if (extname(target).toLowerCase() === '.onnx') {
    refuseResize(target, options);
    const imported = importOnnx(new Uint8Array(bytes), { name: target.replace(/^.*[/\\]/, '').replace(/\.onnx$/i, '') });
    return {
      model: imported.graph.name,
      title: `${imported.graph.name} (${target}, ONNX opset ${imported.opset})`,
      kind: 'onnx',
      graph: imported.graph,
      weights: imported.weights,
      ...(imported.classes ? { classes: imported.classes } : {}),
      notes: imported.notes,
    };
  }
  const text = bytes.toString('utf8');
  let json: unknown = text; // parseGraph explains malformed JSON in its own words
  try {
    json = JSON.parse(text);
  } catch {
    // fall through
  }
  if (typeof json === 'object' && json !== null && (json as { format?: unknown }).format === PROJECT_FORMAT) {
    refuseResize(target, options);
    const project = parseProject(json);
    return {
      model: project.graph.name,
      title: `${project.graph.name} (${target})`,
      kind: 'project',
      graph: project.graph,
      weights: project.weights,
      ...(project.classes ? { classes: project.classes } : {}),
      notes: [],
    };
  }
  const parsed = parseGraph(json);
  if (!parsed.graph) throw new ModelSourceError('invalid-graph', describeIssues(`'${target}' is not a valid Model Lab graph`, parsed.issues.map((issue) => issue.message)));
  let graph = parsed.graph;
  if (options.input) graph = withInput(graph, options.input, target);
  if (options.classes !== undefined) graph = withClasses(graph, options.classes, target);
  return { model: graph.name, title: `${graph.name} (${target})`, kind: 'graph', graph, notes: [] };
}
