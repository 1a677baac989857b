// Our own exports carry the layer graph in metadata_props ('model_lab.graph', JSON; 'model_lab.classes', a JSON array).
// When present it is preferred, so an export → import round trip gives back the same graph, blocks included; the
// weights still come from the ONNX initializers, which must cover every parameter of that graph with the right dims.
import type { LayerGraph } from '../ir';
import { parseGraph } from '../graph';
import { DataType, dataTypeName, type Model } from '../onnx/model';
import type { WeightStore } from '../weights';
import { ImportError } from './errors';
import { expectedParameters } from './parameters';

export const METADATA_GRAPH_KEY = 'model_lab.graph';
export const METADATA_CLASSES_KEY = 'model_lab.classes';

/** Class names from the file's metadata ('model_lab.classes', a JSON array of strings), if present. */
export function readClasses(model: Model): string[] | undefined {
  const entry = model.metadataProps.find(([key]) => key === METADATA_CLASSES_KEY);
  if (!entry) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(entry[1]);
  } catch {
    throw new ImportError(`Cannot import: the metadata '${METADATA_CLASSES_KEY}' is not JSON: ${JSON.stringify(entry[1].slice(0, 60))}.`);
  }
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) {
    throw new ImportError(`Cannot import: the metadata '${METADATA_CLASSES_KEY}' should be a JSON array of class names.`);
  }
  return value as string[];
}



export function importFromMetadata(
  model: Model,
  inputDims: [number, number, number],
  name: string | undefined,
): { graph: LayerGraph; weights: WeightStore; classes?: string[]; notes: string[] } {
  const text = model.metadataProps.find(([key]) => key === METADATA_GRAPH_KEY)![1];
  const parsed = parseGraph(text);
  if (!parsed.graph) {
    throw new ImportError(
      `Cannot import: the file's '${METADATA_GRAPH_KEY}' metadata is not a valid layer graph: ${parsed.issues.map((issue) => issue.message).join(' ')}`,
    );
  }
  let graph = parsed.graph;
  const expected = expectedParameters(graph);
  if (!expected.ok) {
    throw new ImportError(`Cannot import: the layer graph in the file's '${METADATA_GRAPH_KEY}' metadata has a problem: ${expected.issues[0]!.message}`);
  }
  const inputs = graph.nodes.filter((node) => node.kind === 'Input');
  const input = inputs[0];
  if (inputs.length !== 1 || input?.kind !== 'Input') {
    throw new ImportError(`Cannot import: the layer graph in the file's metadata has ${inputs.length} Input layers at its top level; it should have one.`);
  }
  const { channels, height, width } = input.attrs;
  if (channels !== inputDims[0] || height !== inputDims[1] || width !== inputDims[2]) {
    throw new ImportError(
      `Cannot import: the layer graph in the file's metadata takes ${channels}×${height}×${width}, but the ONNX graph's input is ${inputDims.join('×')}; the metadata does not describe this model.`,
    );
  }
  const declared = model.graph.outputs.length === 1 && model.graph.outputs[0]!.type?.kind === 'tensor' ? model.graph.outputs[0]!.type.shape : undefined;
  const perImage = declared?.slice(1);
  if (model.graph.outputs.length !== 1) throw new ImportError(`Cannot import: the graph has ${model.graph.outputs.length} outputs; a Model Lab export has one.`);
  if (perImage && perImage.every((d): d is number => typeof d === 'number')) {
    const analysed = expected.output;
    if (analysed.length !== perImage.length || analysed.some((d, i) => d !== perImage[i])) {
      throw new ImportError(
        `Cannot import: the layer graph in the file's metadata gives ${analysed.join('×')} per image, but the ONNX graph's output is ${perImage.join('×')}; the metadata does not describe this model.`,
      );
    }
  }
  const initializers = new Map(model.graph.initializers.map((t) => [t.name, t]));
  const weights: WeightStore = new Map();
  for (const [param, dims] of expected.params) {
    const t = initializers.get(param);
    if (!t) throw new ImportError(`Cannot import: the layer graph in the file's metadata has the parameter '${param}', but the ONNX graph has no initializer of that name.`);
    if (t.dataType !== DataType.FLOAT) throw new ImportError(`Cannot import: the initializer '${param}' is ${dataTypeName(t.dataType)}; Model Lab imports float32 weights only.`);
    if (t.storage === 'external') throw new ImportError(`Cannot import: the initializer '${param}' is stored in an external file; save the model as one file.`);
    if (t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i])) {
      throw new ImportError(`Cannot import: the initializer '${param}' has dims [${t.dims.join(', ')}], but the layer graph in the metadata needs [${dims.join(', ')}].`);
    }
    weights.set(param, { dims: [...dims], data: (t.values as Float32Array).slice() });
  }
  const classes = readClasses(model) ?? graph.classes;
  if (name !== undefined) graph = { ...graph, name };
  if (classes && !graph.classes) graph = { ...graph, classes };
  const result: { graph: LayerGraph; weights: WeightStore; classes?: string[]; notes: string[] } = {
    graph,
    weights,
    notes: [`The layer graph was taken from the file's '${METADATA_GRAPH_KEY}' metadata (a Model Lab export); its ${expected.params.size} parameters were read from the initializers.`],
  };
  if (classes) result.classes = classes;
  return result;
}
