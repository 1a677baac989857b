// torch.nn.LocalResponseNorm is Python code (F.local_response_norm), so torch.onnx.export traces it into primitives
// rather than an ONNX LRN node: for N×C×H×W input x,
//   div = Unsqueeze(x·x, 1) → Reshape to N×1×C×H×(W) → Pad the channel axis by size//2 before, (size−1)//2 after
//         → AveragePool 3-D with kernel [size, 1, 1] → Squeeze(1) (an If on the squeezed axis's size) → Reshape back
//   y   = x / (div·α + k)^β
// plus the Shape/Gather/Concat arithmetic for the reshapes. This module finds such a region (everything feeding the
// divisor of a Div whose dividend is x, computed from x and constants only), reads size, α, k and β from its
// AveragePool, Mul, Add and Pow, and then proves the reading: it runs the region on random input (the If included) and
// compares with PyTorch's formula. Only a region that passes becomes one LRN layer.
import { AttributeReader } from '../onnx/attributes';
import { DataType, elementCount, type Graph, type Node, type Tensor } from '../onnx/model';
import { fromTensor, refTensor, runNode, type RefTensor } from '../onnx/reference';

export interface LrnParams {
  size: number;
  alpha: number;
  beta: number;
  k: number;
}

export interface TorchLrn {
  /** The Div computing x / divisor; its output is the LRN's output. */
  div: Node;
  /** The LRN's input x. */
  input: string;
  /** Every node that computes the divisor (Constant nodes excluded: they may be shared, and cost nothing). */
  region: Set<Node>;
  params: LrnParams;
}

/** Scalar float value of a constant (initializer or Constant node output), if it is one. */
function scalarOf(name: string, initializers: Map<string, Tensor>, constants: Map<string, Tensor>): number | undefined {
  const t = initializers.get(name) ?? constants.get(name);
  if (!t || Array.isArray(t.values) || elementCount(t.dims) !== 1) return undefined;
  return Number((t.values as ArrayLike<number | bigint>)[0]);
}

/** Values a subgraph reads from the enclosing scope. */
function outerNames(graph: Graph): string[] {
  const produced = new Set(graph.nodes.flatMap((n) => n.outputs));
  const names: string[] = [];
  for (const node of graph.nodes) {
    for (const name of node.inputs) if (name !== '' && !produced.has(name)) names.push(name);
    for (const attribute of node.attributes) if (attribute.type === 'graph') names.push(...outerNames(attribute.value));
  }
  return names;
}

/** Every region in the graph that reads as torch's LocalResponseNorm decomposition (unverified). */
export function findTorchLrn(graph: Graph, opset: number): TorchLrn[] {
  const producers = new Map<string, Node>();
  for (const node of graph.nodes) for (const out of node.outputs) if (out) producers.set(out, node);
  const initializers = new Map(graph.initializers.map((t) => [t.name, t]));
  const constants = new Map<string, Tensor>();
  for (const node of graph.nodes) {
    if (node.opType !== 'Constant') continue;
    const value = new AttributeReader(node, opset).tensor('value');
    if (value) constants.set(node.outputs[0]!, value);
  }
  const consumers = new Map<string, Node[]>();
  for (const node of graph.nodes) {
    const reads = [...node.inputs, ...node.attributes.flatMap((a) => (a.type === 'graph' ? outerNames(a.value) : []))];
    for (const name of reads) if (name) consumers.set(name, [...(consumers.get(name) ?? []), node]);
  }
  const found: TorchLrn[] = [];
  for (const div of graph.nodes) {
    if (div.opType !== 'Div' || div.inputs.length !== 2) continue;
    const [x, divisor] = div.inputs as [string, string];
    const region = new Set<Node>();
    const pending = [divisor];
    let closed = true;
    while (pending.length > 0 && closed) {
      const name = pending.pop()!;
      if (name === x || name === '' || initializers.has(name) || constants.has(name)) continue;
      const producer = producers.get(name);
      if (!producer) closed = false;
      else if (!region.has(producer)) {
        region.add(producer);
        pending.push(...producer.inputs);
        for (const attribute of producer.attributes) if (attribute.type === 'graph') pending.push(...outerNames(attribute.value));
      }
    }
    if (!closed || region.size === 0) continue;
    // Nothing outside may read the region's intermediate values.
    const escapes = [...region].some((node) => node.outputs.some((out) => (consumers.get(out) ?? []).some((user) => user !== div && !region.has(user))));
    if (escapes) continue;
    const ops = [...region];
    const pools = ops.filter((n) => n.opType === 'AveragePool');
    const kernel = pools.length === 1 ? new AttributeReader(pools[0]!, opset).ints('kernel_shape') : undefined;
    if (!kernel || kernel.length !== 3 || kernel[1] !== 1 || kernel[2] !== 1) continue;
    const scalarOperand = (op: string) => {
      const values = ops
        .filter((n) => n.opType === op && n.inputs.length === 2)
        .map((n) => scalarOf(n.inputs[1]!, initializers, constants) ?? scalarOf(n.inputs[0]!, initializers, constants))
        .filter((v): v is number => v !== undefined);
      return values.length === 1 ? values[0] : undefined;
    };
    const alpha = scalarOperand('Mul');
    const k = scalarOperand('Add');
    const beta = scalarOperand('Pow');
    if (alpha === undefined || k === undefined || beta === undefined) continue;
    found.push({ div, input: x, region, params: { size: kernel[0]!, alpha, beta, k } });
  }
  return found;
}

/** torch.nn.LocalResponseNorm in float64: b_c = a_c / (k + α/n Σ_{c'=c−⌊n/2⌋}^{c+⌊(n−1)/2⌋} a_c'²)^β. */
export function torchLrnReference(x: RefTensor, { size, alpha, beta, k }: LrnParams): Float64Array {
  const [n, c, h, w] = x.dims as [number, number, number, number];
  const plane = h * w;
  const out = new Float64Array(x.data.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < plane; p++) {
        let sum = 0;
        for (let j = Math.max(0, ch - Math.floor(size / 2)); j <= Math.min(c - 1, ch + Math.floor((size - 1) / 2)); j++) {
          const v = x.data[(b * c + j) * plane + p]!;
          sum += v * v;
        }
        const i = (b * c + ch) * plane + p;
        out[i] = x.data[i]! / (k + (alpha * sum) / size) ** beta;
      }
    }
  }
  return out;
}

/**
 * Runs the region on `x` (If nodes by running the branch their condition picks) and returns x / divisor, or a
 * sentence saying why it could not be run.
 */
export function runTorchLrnRegion(graph: Graph, opset: number, lrn: TorchLrn, x: RefTensor): Float64Array | string {
  const values = new Map<string, RefTensor>();
  for (const t of graph.initializers) if (!Array.isArray(t.values) && t.storage !== 'external' && elementCount(t.dims) <= 4096) values.set(t.name, fromTensor(t));
  values.set(lrn.input, x);
  const run = (nodes: Node[]): string | undefined => {
    for (const node of nodes) {
      if (node.opType === 'If') {
        const cond = values.get(node.inputs[0]!);
        if (!cond || cond.data.length !== 1) return `the condition of If node '${node.name}' is not known`;
        const branch = node.attributes.find((a) => a.name === (cond.data[0] ? 'then_branch' : 'else_branch'));
        if (!branch || branch.type !== 'graph') return `If node '${node.name}' has no branch to take`;
        const failed = run(branch.value.nodes);
        if (failed) return failed;
        branch.value.outputs.forEach((o, i) => {
          const v = values.get(o.name);
          if (v && node.outputs[i]) values.set(node.outputs[i]!, v);
        });
        continue;
      }
      const inputs = node.inputs.map((name) => (name === '' ? undefined : values.get(name)));
      if (node.inputs.some((name, i) => name !== '' && inputs[i] === undefined)) return `an input of ${node.opType} node '${node.name}' is not known`;
      if (node.opType === 'AveragePool' && inputs[0]!.dims.length === 5) {
        // The reference interpreter pools 1-D and 2-D only; this one window runs down one axis.
        const pooled = channelWindowMean(node, opset, inputs[0]!);
        if (typeof pooled === 'string') return pooled;
        values.set(node.outputs[0]!, pooled);
        continue;
      }
      try {
        runNode(node, inputs, opset).forEach((out, i) => {
          if (out && node.outputs[i]) values.set(node.outputs[i]!, out);
        });
      } catch (error) {
        return `${node.opType} node '${node.name}' failed: ${(error as Error).message}`;
      }
    }
    return undefined;
  };
  const order = graph.nodes.filter((node) => lrn.region.has(node) || (node.opType === 'Constant' && node.inputs.length === 0));
  const failed = run(order);
  if (failed) return failed;
  const divisor = values.get(lrn.div.inputs[1]!);
  if (!divisor) return 'the divisor was not computed';
  if (divisor.dims.length !== x.dims.length || divisor.dims.some((d, i) => d !== x.dims[i])) {
    return `the divisor has shape [${divisor.dims.join(', ')}], not the input's [${x.dims.join(', ')}]`;
  }
  return Float64Array.from(x.data, (v, i) => v / divisor.data[i]!);
}

/** AveragePool over N×1×D×H×W with kernel [n, 1, 1], stride 1, no padding: the mean of n consecutive D slices. */
function channelWindowMean(node: Node, opset: number, x: RefTensor): RefTensor | string {
  const attrs = new AttributeReader(node, opset);
  const kernel = attrs.ints('kernel_shape') ?? [];
  const strides = attrs.ints('strides') ?? [1, 1, 1];
  const pads = attrs.ints('pads') ?? [];
  if (kernel.length !== 3 || kernel[1] !== 1 || kernel[2] !== 1 || strides.some((v) => v !== 1) || pads.some((v) => v !== 0) || attrs.string('auto_pad', 'NOTSET') !== 'NOTSET') {
    return `AveragePool node '${node.name}' is not a plain window down one axis`;
  }
  const [n, c, d, h, w] = x.dims as [number, number, number, number, number];
  const size = kernel[0]!;
  const outD = d - size + 1;
  if (outD < 1) return `AveragePool node '${node.name}' has a window larger than its input`;
  const plane = h * w;
  const data = new Float64Array(n * c * outD * plane);
  for (let nc = 0; nc < n * c; nc++) {
    for (let o = 0; o < outD; o++) {
      for (let p = 0; p < plane; p++) {
        let sum = 0;
        for (let j = 0; j < size; j++) sum += x.data[(nc * d + o + j) * plane + p]!;
        data[(nc * outD + o) * plane + p] = sum / size;
      }
    }
  }
  return { dataType: x.dataType, dims: [n, c, outD, h, w], data };
}

/** A random N×C×H×W input in [−2, 2), deterministic. */
export function probeInput(dims: number[]): RefTensor {
  let state = 12345;
  const data = Array.from({ length: elementCount(dims) }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state / 2 ** 32) * 4 - 2;
  });
  return refTensor(dims, data, DataType.FLOAT);
}
