import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../renderer/core/onnx/checker';
import { compileTrainingStep } from '../../../renderer/core/training/step';
import { tinyProgram } from './tiny-program';

const options = { optimizer: { kind: 'sgd' as const, momentum: 0.9 }, normalisation: { mean: [0.5], std: [0.25] } };

describe('the training-step compiler', () => {
  it('produces a valid ONNX model with standard ops only and the documented inputs and outputs', () => {
    const step = compileTrainingStep(tinyProgram(), options);
    const check = checkModel(step.model);
    expect(check.issues).toEqual([]);
    expect(step.model.graph.nodes.every((n) => n.domain === '')).toBe(true);
    const inputs = step.model.graph.inputs.map((i) => i.name);
    expect(inputs).toEqual(expect.arrayContaining(['batch', 'labels', 'optimizer.lr', 'conv.weight', 'conv.weight.momentum', 'fc.bias.momentum']));
    expect(step.model.graph.inputs.find((i) => i.name === 'batch')!.type).toMatchObject({ elemType: 2, shape: [8, 1, 8, 8] });
    const outputs = step.model.graph.outputs.map((o) => o.name);
    expect(outputs).toEqual(['loss', 'correct', 'conv.weight.next', 'conv.bias.next', 'fc.weight.next', 'fc.bias.next', 'conv.weight.momentum.next', 'conv.bias.momentum.next', 'fc.weight.momentum.next', 'fc.bias.momentum.next']);
  });

  it('leaves frozen parameters (multiplier 0) out of the update and the optimiser state', () => {
    const step = compileTrainingStep(tinyProgram({ 'conv.weight': 0, 'conv.bias': 0 }), options);
    expect(step.frozen).toEqual(['conv.weight', 'conv.bias']);
    expect([...step.outputs.params.keys()]).toEqual(['fc.weight', 'fc.bias']);
    expect(step.inputs.state.map((s) => s.input)).toEqual(['fc.weight.momentum', 'fc.bias.momentum']);
    // No gradient is computed for the frozen convolution's weights (only the input gradient stops there).
    expect(step.model.graph.nodes.some((n) => n.name.startsWith('conv_grad'))).toBe(false);
  });

  it('refuses a normalisation of the wrong size, an all-frozen model and a negative multiplier', () => {
    expect(() => compileTrainingStep(tinyProgram(), { ...options, normalisation: { mean: [0.5, 0.5, 0.5], std: [1, 1, 1] } })).toThrow(
      'Normalisation needs 1 means and 1 positive standard deviations; got mean [0.5, 0.5, 0.5], std [1, 1, 1].',
    );
    expect(() => compileTrainingStep(tinyProgram({ 'conv.weight': 0, 'conv.bias': 0, 'fc.weight': 0, 'fc.bias': 0 }), options)).toThrow(/Every layer is frozen/);
    expect(() => compileTrainingStep(tinyProgram({ 'fc.bias': -1 }), options)).toThrow("Parameter 'fc.bias' has learning-rate multiplier -1; it must be 0 (frozen) or positive.");
  });
});
