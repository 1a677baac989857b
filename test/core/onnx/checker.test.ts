import { describe, expect, it } from 'vitest';
import { attribute, floatTensor, graph, GraphBuilder, int64Vector, model, node, valueInfo } from '../../../renderer/core/onnx/builder';
import { assertValidModel, checkModel, type CheckRule } from '../../../renderer/core/onnx/checker';
import { DataType, type Model } from '../../../renderer/core/onnx/model';
import { inferShapes } from '../../../renderer/core/onnx/shape-inference';

const F = DataType.FLOAT;

/** conv → relu → maxpool → flatten → gemm → softmax with a symbolic batch. */
function smallCnn(): GraphBuilder {
  const b = new GraphBuilder('cnn');
  const x = b.input('x', F, ['batch', 1, 28, 28]);
  const w = b.initializer(floatTensor('conv.weight', [6, 1, 5, 5], new Float32Array(150)));
  const [c] = b.add('Conv', [x, w], { kernel_shape: [5, 5], pads: [2, 2, 2, 2] }, { name: 'conv' });
  const [r] = b.add('Relu', [c!], {}, { name: 'relu' });
  const [p] = b.add('MaxPool', [r!], { kernel_shape: [2, 2], strides: [2, 2] }, { name: 'pool' });
  const [f] = b.add('Reshape', [p!, b.initializer(int64Vector('flat_shape', [-1, 6 * 14 * 14]))], {}, { name: 'flatten' });
  const fc = b.initializer(floatTensor('fc.weight', [10, 6 * 14 * 14], new Float32Array(10 * 6 * 14 * 14)));
  const [g] = b.add('Gemm', [f!, fc], { transB: 1 }, { name: 'fc' });
  b.add('Softmax', [g!], { axis: -1 }, { name: 'softmax', outputs: ['probs'] });
  b.output('probs', F, ['batch', 10]);
  return b;
}

function rulesOf(m: Model): CheckRule[] {
  return checkModel(m).issues.map((i) => i.rule);
}

function expectIssue(m: Model, rule: CheckRule, pattern: RegExp): void {
  const { issues } = checkModel(m);
  const found = issues.find((i) => i.rule === rule && pattern.test(i.message));
  expect(found, `expected a '${rule}' issue matching ${pattern}, got ${JSON.stringify(issues)}`).toBeDefined();
}

const simple = (nodes: ReturnType<typeof node>[], opset = 18, outputs = [valueInfo('y', F, [2])]) =>
  model(graph({ nodes, inputs: [valueInfo('x', F, [2])], outputs }), { opset });

describe('ONNX checker', () => {
  it('accepts a valid model and infers the symbolic batch through Reshape(-1)', () => {
    const m = model(smallCnn().build());
    expect(checkModel(m).issues).toEqual([]);
    const inference = assertValidModel(m);
    expect(inference.types.get('conv_out')?.shape).toEqual(['batch', 6, 28, 28]);
    expect(inference.types.get('pool_out')?.shape).toEqual(['batch', 6, 14, 14]);
    expect(inference.types.get('flatten_out')?.shape).toEqual(['batch', 1176]);
    expect(inference.types.get('probs')?.shape).toEqual(['batch', 10]);
  });

  it('rule ir-version: unsupported IR versions', () => {
    const m = simple([node('Relu', ['x'], ['y'])]);
    expectIssue({ ...m, irVersion: 2 }, 'ir-version', /IR version 2 is not supported \(supported: 3 to 10\)/);
    expectIssue({ ...m, irVersion: 99 }, 'ir-version', /IR version 99/);
  });

  it('rule opset: missing, out of range, duplicated, or an unimported domain', () => {
    const m = simple([node('Relu', ['x'], ['y'])]);
    expectIssue({ ...m, opsetImports: [] }, 'opset', /imports no opset for the default domain/);
    expectIssue({ ...m, opsetImports: [{ domain: '', version: 9 }] }, 'opset', /Opset 9 of the default domain is not supported \(supported: 11 to 21\)/);
    expectIssue({ ...m, opsetImports: [{ domain: '', version: 18 }, { domain: 'ai.onnx', version: 17 }] }, 'opset', /imported twice \(versions 18 and 17\)/);
    const custom = simple([node('Relu', ['x'], ['y'], {}, { domain: 'com.example', name: 'mine' })]);
    expectIssue(custom, 'opset', /Relu node 'mine' uses domain 'com.example', which the model does not import/);
  });

  it('rule value-type: graph inputs and outputs need tensor types', () => {
    const m = model(graph({ nodes: [node('Relu', ['x'], ['y'])], inputs: [{ name: 'x' }], outputs: [valueInfo('y', 0)] }));
    expectIssue(m, 'value-type', /graph input 'x' has no type/);
    expectIssue(m, 'value-type', /graph output 'y' has element type UNDEFINED/);
  });

  it('rule unique-name: each value has one producer', () => {
    const m = simple([node('Relu', ['x'], ['y'], {}, { name: 'a' }), node('Neg', ['x'], ['y'], {}, { name: 'b' })]);
    expectIssue(m, 'unique-name', /The value 'y' is defined more than once \(again as an output of Neg node 'b'\)/);
    expectIssue(simple([node('Relu', ['x'], ['x'], {}, { name: 'c' }), node('Neg', ['x'], ['y'])]), 'unique-name', /'x' is defined more than once/);
  });

  it('rule topological-order: inputs come from inputs, initializers or earlier nodes', () => {
    const m = simple([node('Neg', ['t'], ['y'], {}, { name: 'second' }), node('Relu', ['x'], ['t'], {}, { name: 'first' })]);
    expectIssue(m, 'topological-order', /Neg node 'second': input #0 't' is produced later, by Relu node 'first'/);
    expectIssue(simple([node('Add', ['x', 'nowhere'], ['y'], {}, { name: 'add' })]), 'topological-order', /Add node 'add': input #1 'nowhere' is not a graph input/);
  });

  it('rule graph-output: every output is produced', () => {
    expectIssue(simple([node('Relu', ['x'], ['z'])]), 'graph-output', /graph output 'y' is not produced/);
  });

  it('rule op-known: unknown ops and other domains', () => {
    const unknown = simple([{ name: 'odd', opType: 'Frobnicate', domain: '', inputs: ['x'], outputs: ['y'], attributes: [] }]);
    expectIssue(unknown, 'op-known', /Frobnicate node 'odd': op 'Frobnicate' is not one Model Lab supports/);
    const other = { ...simple([node('Relu', ['x'], ['y'], {}, { domain: 'com.microsoft', name: 'ms' })]) };
    other.opsetImports = [...other.opsetImports, { domain: 'com.microsoft', version: 1 }];
    expect(rulesOf(other)).toEqual(['op-known']);
  });

  it('rule arity: input and output counts per the op version', () => {
    expectIssue(simple([node('Add', ['x'], ['y'], {}, { name: 'half_add' })]), 'arity', /Add node 'half_add' has 1 input\(s\); Add at opset 18 takes 2/);
    expectIssue(simple([node('Relu', ['x'], ['y', 'z'], {}, { name: 'twice' })]), 'arity', /has 2 output\(s\); Relu at opset 18 gives 1/);
    // Unsqueeze takes axes as an input from opset 13.
    expectIssue(simple([node('Unsqueeze', ['x'], ['y'], { axes: [0] }, { name: 'u' })], 13), 'arity', /takes 2/);
  });

  it('rule attribute: types, required, unknown, Constant values', () => {
    const intAlpha = simple([node('LeakyRelu', ['x'], ['y'], {}, { name: 'leaky', attributes: [attribute('alpha', 'int', 0)] })]);
    expectIssue(intAlpha, 'attribute', /LeakyRelu node 'leaky': attribute 'alpha' must be FLOAT, but it is INT 0/);
    expectIssue(simple([node('MaxPool', ['x'], ['y'], {}, { name: 'pool' })]), 'attribute', /MaxPool node 'pool': the required attribute 'kernel_shape' is missing/);
    const stray = simple([node('Relu', ['x'], ['y'], {}, { name: 'r', attributes: [attribute('alpha', 'float', 1)] })]);
    expectIssue(stray, 'attribute', /attribute 'alpha' is not defined for Relu at opset 18/);
    const twoValues = simple([node('Constant', [], ['y'], { value_float: 1, value_int: 2 }, { name: 'k' })]);
    expectIssue(twoValues, 'attribute', /Constant needs exactly one value attribute, but has 2 \(value_float, value_int\)/);
  });

  it('rule initializer: data length must match dims', () => {
    const bad = { ...floatTensor('w', [3], [1, 2, 3]), dims: [2, 2] };
    const m = model(graph({ nodes: [node('Add', ['x', 'w'], ['y'])], inputs: [valueInfo('x', F, [2, 2])], outputs: [valueInfo('y', F)], initializers: [bad] }));
    expectIssue(m, 'initializer', /The initializer 'w' has dims \[2, 2\] \(4 values\) but holds 3 values/);
  });

  it('rule shape: declared shapes, channel counts and broadcasting are checked', () => {
    const b = smallCnn();
    b.outputs[0] = valueInfo('probs', F, ['batch', 11]);
    expectIssue(model(b.build()), 'shape', /graph output 'probs' is declared with shape \[batch, 11\] but computed as \[batch, 10\]/);

    const c = new GraphBuilder('wrong_channels');
    const x = c.input('x', F, [1, 3, 8, 8]);
    c.add('Conv', [x, c.initializer(floatTensor('w', [4, 2, 3, 3], new Float32Array(72)))], { kernel_shape: [3, 3] }, { name: 'conv1', outputs: ['y'] });
    c.output('y', F);
    expectIssue(model(c.build()), 'shape', /Conv node 'conv1': the input has 3 channels, but the weights \[4, 2, 3, 3\] with group 1 expect 2/);

    const add = model(graph({ nodes: [node('Add', ['x', 'z'], ['y'], {}, { name: 'sum' })], inputs: [valueInfo('x', F, [2, 3]), valueInfo('z', F, [4])], outputs: [valueInfo('y', F)] }));
    expectIssue(add, 'shape', /Add node 'sum': shapes \[2, 3\] and \[4\] do not broadcast/);

    const tooSmall = model(graph({ nodes: [node('MaxPool', ['x'], ['y'], { kernel_shape: [5, 5] }, { name: 'p' })], inputs: [valueInfo('x', F, [1, 1, 3, 3])], outputs: [valueInfo('y', F)] }));
    expectIssue(tooSmall, 'shape', /MaxPool node 'p': the input's spatial size \[3, 3\] is too small for kernel \[5, 5\]/);
  });
});

describe('shape inference', () => {
  it('folds a PyTorch-style flatten (Shape → Gather → Unsqueeze → Concat → Reshape) for a static batch', () => {
    const b = new GraphBuilder('torch_flatten');
    const x = b.input('x', F, [4, 8, 2, 2]);
    const [s] = b.add('Shape', [x]);
    const [n] = b.add('Gather', [s!, b.initializer({ ...int64Vector('zero', [0]), dims: [] })], { axis: 0 });
    const [u] = b.add('Unsqueeze', [n!, b.initializer(int64Vector('axes0', [0]))]);
    const [cat] = b.add('Concat', [u!, b.initializer(int64Vector('minus_one', [-1]))], { axis: 0 });
    b.add('Reshape', [x, cat!], {}, { outputs: ['y'] });
    b.output('y', F, [4, 32]);
    const m = model(b.build(), { opset: 13 });
    expect(checkModel(m).issues).toEqual([]);
    const { types, constants } = inferShapes(m);
    expect(types.get('y')?.shape).toEqual([4, 32]);
    expect(Array.from(constants.get(cat!)!.data)).toEqual([4, -1]);
  });

  it('infers Split, Slice, Pad, Transpose, reductions, Concat and ConvTranspose', () => {
    const b = new GraphBuilder('mixed');
    const x = b.input('x', F, ['n', 4, 6, 6]);
    const [a, c] = b.add('Split', [x, b.initializer(int64Vector('sizes', [1, 3]))], { axis: 1 }, { outputCount: 2 });
    const [sl] = b.add('Slice', [c!, b.initializer(int64Vector('st', [-1])), b.initializer(int64Vector('en', [-100])), b.initializer(int64Vector('ax', [3])), b.initializer(int64Vector('sp', [-2]))]);
    const [pd] = b.add('Pad', [sl!, b.initializer(int64Vector('pads', [0, 0, 1, 0, 0, 0, 2, 1]))]);
    const [tr] = b.add('Transpose', [pd!], { perm: [0, 2, 3, 1] });
    const [rm] = b.add('ReduceMean', [tr!, b.initializer(int64Vector('rax', [1, 2]))], { keepdims: 0 });
    const [cc] = b.add('Concat', [a!, a!], { axis: 1 });
    const [ct] = b.add('ConvTranspose', [cc!, b.initializer(floatTensor('wt', [2, 5, 3, 3], new Float32Array(90)))], { strides: [2, 2], output_padding: [1, 1] });
    const { types } = inferShapes(model(b.build()));
    expect(types.get(a!)?.shape).toEqual(['n', 1, 6, 6]);
    expect(types.get(sl!)?.shape).toEqual(['n', 3, 6, 3]);
    expect(types.get(pd!)?.shape).toEqual(['n', 3, 9, 4]);
    expect(types.get(tr!)?.shape).toEqual(['n', 9, 4, 3]);
    expect(types.get(rm!)?.shape).toEqual(['n', 3]);
    expect(types.get(cc!)?.shape).toEqual(['n', 2, 6, 6]);
    expect(types.get(ct!)?.shape).toEqual(['n', 5, 14, 14]);
  });
});
