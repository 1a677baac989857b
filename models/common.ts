// What every zoo family file shares: turning a node-list builder into a ZooModel with its defaults applied.
import type { GraphNode } from '../renderer/core/ir';
import type { ZooModel } from './index';

/** Zoo blocks open collapsed, so a model first reads like its paper's table (stages, modules), not 400 layers. */
function collapseBlocks(nodes: GraphNode[]): GraphNode[] {
  return nodes.map((node) =>
    node.kind === 'Block' ? { ...node, collapsed: node.collapsed ?? true, ...(node.body ? { body: collapseBlocks(node.body) } : {}) } : node,
  );
}

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
      return { format: 'model-lab/graph', version: 1, name: entry.id, nodes: collapseBlocks(build([...input], classes)) };
    },
  };
}
