// Runs one layer kind's rules on given attributes and input shapes, as shape inference would.
import type { LayerKind } from '../../../renderer/core/ir';
import { layerDefinition, normaliseAttrs } from '../../../renderer/core/layers/index';
import type { LayerProblem, ParamCount, ReceptiveFieldRule } from '../../../renderer/core/layers/layer';

export type LayerRun =
  | { ok: true; shape: number[]; params: ParamCount; macs: number; allMacs: number; rf: ReceptiveFieldRule }
  | { ok: false; problems: LayerProblem[] };

export function runLayer(kind: LayerKind, attrs: unknown, inputShapes: number[][], id = 'layer'): LayerRun {
  const normalised = normaliseAttrs(kind, id, attrs);
  if (!normalised.ok) return { ok: false, problems: normalised.problems };
  const definition = layerDefinition(kind);
  const site = { id, attrs: normalised.attrs, inputs: inputShapes.map((shape, index) => ({ id: `in${index}`, shape })) };
  const result = definition.outputShape(site);
  if (!result.ok) return { ok: false, problems: result.problems };
  const output = result.shape;
  return {
    ok: true,
    shape: [...output],
    params: definition.params(site, output),
    macs: definition.macs(site, output),
    allMacs: definition.allMacs(site, output),
    rf: definition.receptiveField(site, output),
  };
}

/** The run's success, or a test failure that shows the problems. */
export function expectOk(run: LayerRun): Extract<LayerRun, { ok: true }> {
  if (!run.ok) throw new Error(`expected the layer to be valid, got: ${run.problems.map((p) => p.message).join(' | ')}`);
  return run;
}

export function expectProblems(run: LayerRun): LayerProblem[] {
  if (run.ok) throw new Error(`expected problems, got output ${run.shape.join('×')}`);
  return run.problems;
}
