// Tensors whose data lives in separate files (TensorProto.data_location = EXTERNAL, used by exporters for models
// over 2 GB). The codec keeps the reference; this fills the values from bytes the caller reads, so core stays free of
// file-system code.

import { OnnxError } from './errors';
import { elementCount, numericLayout, type Model, type Tensor } from './model';
import { valuesFromRaw } from './codec';

/** Every external tensor of the model's main graph (initializers and Constant values). */
export function externalTensors(model: Model): Tensor[] {
  const found: Tensor[] = model.graph.initializers.filter((t) => t.storage === 'external');
  for (const node of model.graph.nodes) {
    for (const a of node.attributes) if (a.type === 'tensor' && a.value.storage === 'external') found.push(a.value);
  }
  return found;
}

/**
 * Returns a copy of the model with external tensors loaded: `read(location)` gives the whole file named by the
 * tensor (a path relative to the model file). The loaded tensors are stored as raw data.
 */
export async function loadExternalData(model: Model, read: (location: string) => Promise<Uint8Array>): Promise<Model> {
  const files = new Map<string, Promise<Uint8Array>>();
  const load = async (tensor: Tensor): Promise<Tensor> => {
    const ext = tensor.external!;
    if (ext.location.includes('..') || ext.location.startsWith('/') || /^[a-z]+:/i.test(ext.location)) {
      throw new OnnxError('onnx-decode', `Tensor '${tensor.name}' points outside the model's folder: "${ext.location}".`);
    }
    let file = files.get(ext.location);
    if (!file) files.set(ext.location, (file = read(ext.location)));
    const bytes = await file;
    const layout = numericLayout(tensor.dataType);
    if (!layout) throw new OnnxError('onnx-unsupported', `External tensor '${tensor.name}' has a type that cannot be stored externally.`);
    const length = ext.length ?? elementCount(tensor.dims) * layout.bytes;
    if (ext.offset + length > bytes.length) {
      throw new OnnxError(
        'onnx-decode',
        `Tensor '${tensor.name}' wants bytes ${ext.offset} to ${ext.offset + length} of "${ext.location}", which has only ${bytes.length}.`,
      );
    }
    const values = valuesFromRaw(bytes.subarray(ext.offset, ext.offset + length), tensor.dataType, `tensor '${tensor.name}'`);
    if (values.length !== elementCount(tensor.dims)) {
      throw new OnnxError('onnx-decode', `Tensor '${tensor.name}' has dims [${tensor.dims.join(', ')}] but "${ext.location}" holds ${values.length} values for it.`);
    }
    const { external: _unused, ...rest } = tensor;
    return { ...rest, values, storage: 'raw' };
  };
  const initializers = await Promise.all(model.graph.initializers.map((t) => (t.storage === 'external' ? load(t) : t)));
  const nodes = await Promise.all(
    model.graph.nodes.map(async (node) => ({
      ...node,
      attributes: await Promise.all(
        node.attributes.map(async (a) => (a.type === 'tensor' && a.value.storage === 'external' ? { ...a, value: await load(a.value) } : a)),
      ),
    })),
  );
  return { ...model, graph: { ...model.graph, initializers, nodes } };
}
