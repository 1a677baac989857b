// What every zoo family file shares: turning a node-list builder into a ZooModel with its defaults applied.
import type { GraphNode, InitScheme } from '../renderer/core/ir';
import type { ZooModel } from './index';

/** Zoo blocks open collapsed, so a model first reads like its paper's table (stages, modules), not 400 layers. */
function collapseBlocks(nodes: GraphNode[]): GraphNode[] {
  return nodes.map((node) =>
    node.kind === 'Block' ? { ...node, collapsed: node.collapsed ?? true, ...(node.body ? { body: collapseBlocks(node.body) } : {}) } : node,
  );
}

/** A zoo model from a builder that receives the build options with the model's defaults filled in. */
export function zooEntry(
  entry: Omit<ZooModel, 'build'> & { initialisation?: InitScheme },
  build: (input: [number, number, number], classes: number) => GraphNode[],
): ZooModel {
  const { initialisation, ...model } = entry;
  return {
    ...model,
    build(options = {}) {
      const input = options.input ?? entry.defaultInput;
      const classes = options.classes ?? entry.defaultClasses;
      const nodes = collapseBlocks(build([...input], classes));
      return { format: 'model-lab/graph', version: 1, name: entry.id, nodes, ...(initialisation ? { initialisation } : {}) };
    },
  };
}
