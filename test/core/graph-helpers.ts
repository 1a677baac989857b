// Terse builders for graphs in tests: node('c1', 'Conv2d', { … }, ['x']).
import type { GraphNode, LayerGraph } from '../../renderer/core/ir';

export function node(id: string, kind: string, attrs: Record<string, unknown>, inputs: string[] = []): GraphNode {
  return { id, kind, attrs, inputs } as unknown as GraphNode;
}

export function graph(nodes: GraphNode[], extra: Partial<LayerGraph> = {}): LayerGraph {
  return { format: 'model-lab/graph', version: 1, name: 'test', nodes, ...extra };
}

/** A sequential chain: each node reads the previous one; the first must be the Input. */
export function chain(...steps: [id: string, kind: string, attrs?: Record<string, unknown>][]): LayerGraph {
  return graph(steps.map(([id, kind, attrs = {}], index) => node(id, kind, attrs, index === 0 ? [] : [steps[index - 1]![0]])));
}

/** torchvision's AlexNet `features` (Krizhevsky 2014 variant) on 3×224×224, ending at pool5. */
export function alexnetFeatures(): LayerGraph {
  return chain(
    ['x', 'Input', { channels: 3, height: 224, width: 224 }],
    ['conv1', 'Conv2d', { outChannels: 64, kernel: 11, stride: 4, padding: 2 }],
    ['relu1', 'ReLU'],
    ['pool1', 'MaxPool2d', { kernel: 3, stride: 2 }],
    ['conv2', 'Conv2d', { outChannels: 192, kernel: 5, padding: 2 }],
    ['relu2', 'ReLU'],
    ['pool2', 'MaxPool2d', { kernel: 3, stride: 2 }],
    ['conv3', 'Conv2d', { outChannels: 384, kernel: 3, padding: 1 }],
    ['relu3', 'ReLU'],
    ['conv4', 'Conv2d', { outChannels: 256, kernel: 3, padding: 1 }],
    ['relu4', 'ReLU'],
    ['conv5', 'Conv2d', { outChannels: 256, kernel: 3, padding: 1 }],
    ['relu5', 'ReLU'],
    ['pool5', 'MaxPool2d', { kernel: 3, stride: 2 }],
  );
}
