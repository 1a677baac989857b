// Fresh weights, drawn as the literature does and reproducibly from a seed (see InitScheme in ir.ts).
import { expandGraph } from '../blocks/expand';
import type { FlatNode, InitScheme, LayerGraph } from '../ir';
import { seededNormal, seededRandom } from '../random';
import type { WeightStore } from '../weights';
import { parameterShapes } from './lower';

/** The activation a layer's output reaches, looking through BatchNorm (conv → BN → ReLU counts as ReLU). */
function activationAfter(layer: string, consumers: Map<string, FlatNode[]>): FlatNode | undefined {
  const next = consumers.get(layer) ?? [];
  const direct = next.find((n) => n.kind === 'ReLU' || n.kind === 'LeakyReLU' || n.kind === 'Sigmoid' || n.kind === 'Tanh');
  if (direct) return direct;
  const norm = next.find((n) => n.kind === 'BatchNorm');
  return norm ? activationAfter(norm.id, consumers) : undefined;
}

export interface InitOptions {
  seed: number;
  /** Overrides the graph's own `initialisation`. */
  scheme?: InitScheme;
}

export function initialiseWeights(graph: LayerGraph, options: InitOptions): WeightStore {
  const scheme = options.scheme ?? graph.initialisation ?? 'auto';
  const { flat } = expandGraph(graph);
  const consumers = new Map<string, FlatNode[]>();
  for (const node of flat.nodes) for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  const byId = new Map(flat.nodes.map((n) => [n.id, n]));
  const convs = flat.nodes.filter((n) => n.kind === 'Conv2d').map((n) => n.id);
  const denses = flat.nodes.filter((n) => n.kind === 'Dense').map((n) => n.id);

  const next = seededRandom(options.seed);
  const gaussian = seededNormal(next);
  const weights: WeightStore = new Map();
  for (const { name, layer, role, shape } of parameterShapes(graph)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const node = byId.get(layer)!;
    if (node.kind === 'BatchNorm') {
      if (role === 'weight' || role === 'running_var') data.fill(1);
    } else if (role === 'bias') {
      // The paper's biases: 1 in conv2, conv4, conv5 and the hidden dense layers.
      const paperOne = scheme === 'alexnet-paper' && ([1, 3, 4].includes(convs.indexOf(layer)) || (denses.includes(layer) && denses.indexOf(layer) < denses.length - 1));
      if (paperOne) data.fill(1);
    } else {
      const fanIn = size / shape[0]!;
      const fanOut = shape[0]! * (shape.length === 4 ? shape[2]! * shape[3]! : 1);
      const activation = activationAfter(layer, consumers);
      const relu = activation?.kind === 'ReLU' || activation?.kind === 'LeakyReLU';
      if (scheme === 'alexnet-paper') {
        for (let i = 0; i < size; i++) data[i] = 0.01 * gaussian();
      } else if (scheme === 'kaiming' || (scheme === 'auto' && relu)) {
        const slope = activation?.kind === 'LeakyReLU' ? ((activation.attrs as { negativeSlope?: number }).negativeSlope ?? 0.01) : 0;
        const std = Math.sqrt(2 / (1 + slope * slope)) / Math.sqrt(fanIn);
        for (let i = 0; i < size; i++) data[i] = std * gaussian();
      } else {
        const bound = Math.sqrt(6 / (fanIn + fanOut));
        for (let i = 0; i < size; i++) data[i] = (2 * next() - 1) * bound;
      }
    }
    weights.set(name, { dims: [...shape], data });
  }
  return weights;
}
