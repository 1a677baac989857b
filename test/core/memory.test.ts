import { describe, expect, it } from 'vitest';
import { estimateMemory } from '../../renderer/core/memory';

describe('estimateMemory', () => {
  it('keeps a shortcut alive until the layer that adds it back', () => {
    const memory = estimateMemory(
      [
        { id: 'x', inputs: [], output: [10], params: 0, trainingParams: 0 },
        { id: 'a', inputs: ['x'], output: [20], params: 0, trainingParams: 0 },
        { id: 'b', inputs: ['a'], output: [20], params: 0, trainingParams: 0 },
        { id: 'sum', inputs: ['x', 'b'], output: [10], params: 0, trainingParams: 0 },
      ],
      'sum',
      1,
      'sgd',
    );
    // While b is computed: x (still needed by sum), a (b's input) and b itself.
    expect(memory.inferenceActivations).toBe((10 + 20 + 20) * 4);
    expect(memory.trainingActivations).toBe(60 * 4);
  });

  it('frees a dead-end branch right after it is computed but keeps the model output to the end', () => {
    const memory = estimateMemory(
      [
        { id: 'x', inputs: [], output: [100], params: 0, trainingParams: 0 },
        { id: 'out', inputs: ['x'], output: [50], params: 0, trainingParams: 0 },
        { id: 'probe', inputs: ['x'], output: [1000], params: 0, trainingParams: 0 },
        { id: 'later', inputs: ['out'], output: [1], params: 0, trainingParams: 0 },
      ],
      'out',
      3,
      'sgd',
    );
    // x is alive until 'probe'; at 'probe': x 100 + out 50 + probe 1000.
    expect(memory.inferenceActivations).toBe(1150 * 3 * 4);
  });
});
