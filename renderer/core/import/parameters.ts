// The parameters a layer graph has, with the dims each must have: what an imported or loaded weight store has to
// cover exactly. Dims follow PyTorch's state_dict: Conv2d weight [out, in/groups, kh, kw], Dense weight [out, in],
// biases and BatchNorm vectors [channels].
import { analyse } from '../analysis';
import { expandGraph } from '../blocks/expand';
import type { GraphIssue, LayerGraph } from '../ir';
import { normaliseAttrs } from '../layers/index';
import { rolesOf, weightName } from '../weights';

export type ExpectedParameters = { ok: true; params: Map<string, number[]>; output: number[] } | { ok: false; issues: GraphIssue[] };

/** Every parameter of the graph (after block expansion) and its dims, and the output shape per image; the graph's issues when it has any. */
export function expectedParameters(graph: LayerGraph): ExpectedParameters {
  const analysis = analyse(graph);
  if (analysis.issues.length > 0) return { ok: false, issues: analysis.issues };
  const inputShapes = new Map(analysis.layers.map((layer) => [layer.name, layer.inputShapes]));
  const params = new Map<string, number[]>();
  for (const layer of expandGraph(graph).flat.nodes) {
    const checked = normaliseAttrs(layer.kind, layer.id, layer.attrs);
    if (!checked.ok) continue; // analyse() reported it already
    const attrs = checked.attrs as { bias?: boolean; affine?: boolean; outChannels?: number; outFeatures?: number; kernel?: [number, number]; groups?: number };
    const input = inputShapes.get(layer.id)?.[0] ?? [];
    for (const role of rolesOf(layer.kind, attrs)) {
      let dims: number[];
      if (layer.kind === 'Conv2d') {
        const [kh, kw] = attrs.kernel!;
        dims = role === 'weight' ? [attrs.outChannels!, input[0]! / attrs.groups!, kh, kw] : [attrs.outChannels!];
      } else if (layer.kind === 'Dense') {
        dims = role === 'weight' ? [attrs.outFeatures!, input[0]!] : [attrs.outFeatures!];
      } else {
        dims = [input[0]!];
      }
      params.set(weightName(layer.id, role), dims);
    }
  }
  return { ok: true, params, output: analysis.output ?? [] };
}
