// What every zoo family file shares: turning a node-list builder into a ZooModel with its defaults applied.
import type { GraphNode } from '../renderer/core/ir';
import type { ZooModel } from './index';

/** A zoo model from a builder that receives the build options with the model's defaults filled in. */
export function zooEntry(
  entry: Omit<ZooModel, 'build'>,
  build: (input: [number, number, number], classes: number) => GraphNode[],
): ZooModel {
  return {
    ...entry,
    build(options = {}) {
      const input = options.input ?? entry.defaultInput;
      const classes = options.classes ?? entry.defaultClasses;
      return { format: 'model-lab/graph', version: 1, name: entry.id, nodes: build([...input], classes) };
    },
  };
}
