// The zoo as the editor's templates, and the input/classes controls' rules.
import type { LayerGraph } from '../core/ir';
import { zoo, zooModel, type ZooModel } from '../../models/index';

export const templates: readonly ZooModel[] = zoo;

export function template(id: string): ZooModel | undefined {
  return zooModel(id);
}

/** The C×H×W of a graph's first Input layer, or null. */
export function inputOf(graph: LayerGraph): [number, number, number] | null {
  const node = graph.nodes.find((entry) => entry.kind === 'Input');
  if (!node || node.kind !== 'Input') return null;
  return [node.attrs.channels, node.attrs.height, node.attrs.width];
}

/** Reads '3×224×224', '3x224x224', '3, 224, 224' or '3 224 224' into [C, H, W]; null when it is not three positive whole numbers. */
export function parseInputShape(text: string): [number, number, number] | null {
  const parts = text.trim().split(/\s*[×x*,\s]\s*/i).filter((part) => part !== '');
  if (parts.length !== 3 || !parts.every((part) => /^\d+$/.test(part))) return null;
  const numbers = parts.map(Number) as [number, number, number];
  return numbers.every((n) => n >= 1 && n <= 100_000) ? numbers : null;
}
