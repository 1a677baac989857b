// The evaluation-graph compiler: one ONNX model that takes a uint8 batch, int32 labels, a 0/1 mask of valid rows and
// the parameters (running statistics included), and returns the batch's loss sum, number correct and confusion
// counts. Only ops that run on onnxruntime-web's WebGPU EP (no ArgMax, OneHot or int64 arithmetic), so a trainer can
// evaluate with the parameters it keeps on the GPU and read back K² + 2 numbers per batch instead of the logits.
import { floatTensor, GraphBuilder, int64Tensor, model as makeModel } from '../onnx/builder';
import { DataType, type Graph, type Model } from '../onnx/model';
import { EXPORT_OPSET } from '../onnx/schema';
import type { WeightStore } from '../weights';
import { emitCrossEntropy } from './loss';
import { emitNormalisedForward, type Normalisation } from './step';

export class EvaluationCompileError extends Error {
  readonly code = 'evaluation-compile';
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationCompileError';
  }
}

/**
 * A forward graph in evaluation form, as lowerEvaluation produces it: inference layers (BatchNorm with running
 * statistics, no dropout) at a fixed batch, every parameter a graph input; `input` is the normalised float image
 * batch [B, C, H, W]; `logits` is [B, K].
 */
export interface EvaluationProgram {
  graph: Graph;
  input: string;
  logits: string;
  batch: number;
  classes: number;
  /** [C, H, W] of one image. */
  imageShape: readonly [number, number, number];
  /** Parameters and running statistics, by the names the training form uses. */
  params: ReadonlyArray<{ name: string; shape: readonly number[] }>;
}

export interface EvaluationStepOptions {
  normalisation: Normalisation;
  /** Bake these parameters in as initializers (a model run once, as the CLI does); without, they are inputs. */
  weights?: WeightStore;
}

export interface EvaluationStep {
  model: Model;
  batch: number;
  classes: number;
  inputs: {
    /** uint8 [B, C, H, W]. */
    batch: string;
    /** int32 [B]; rows past the valid ones may hold any class index. */
    labels: string;
    /** float [B]: 1 for a real image, 0 for padding. */
    valid: string;
    /** Parameter inputs (empty when the weights were baked in). */
    params: string[];
  };
  outputs: {
    /** Sum over valid rows of the cross-entropy (natural log), a float scalar. */
    lossSum: string;
    /** Valid rows whose first maximum logit is the true class, a float scalar (the trace of the confusion). */
    correct: string;
    /** [K, K] float counts, confusion[true][predicted]. */
    confusion: string;
  };
}

export function compileEvaluationStep(program: EvaluationProgram, options: EvaluationStepOptions): EvaluationStep {
  const { batch: rows, classes } = program;
  if (!Number.isInteger(classes) || classes < 1) throw new EvaluationCompileError(`The model must score at least one class; it scores ${classes}.`);
  const b = new GraphBuilder('evaluation_step');
  const { batch, labels } = emitNormalisedForward(b, program, options.normalisation, (message) => new EvaluationCompileError(message));
  const valid = b.input('valid', DataType.FLOAT, [rows]);

  const paramNames = new Set(program.params.map((p) => p.name));
  if (options.weights) {
    for (const p of program.params) {
      const stored = options.weights.get(p.name);
      if (!stored) throw new EvaluationCompileError(`No weights for '${p.name}'; the model needs [${p.shape.join(', ')}].`);
      if (stored.dims.join('x') !== p.shape.join('x')) {
        throw new EvaluationCompileError(`Weights '${p.name}' have shape [${stored.dims.join(', ')}], but the model needs [${p.shape.join(', ')}].`);
      }
      b.initializers.push({ name: p.name, dataType: DataType.FLOAT, dims: [...p.shape], values: stored.data, storage: 'raw' });
    }
    const kept = b.inputs.filter((i) => !paramNames.has(i.name));
    b.inputs.splice(0, b.inputs.length, ...kept);
  }

  const ce = emitCrossEntropy(b, { logits: program.logits, labels, batch: rows, classes, prefix: 'eval' });
  const op = (opType: Parameters<GraphBuilder['add']>[0], inputs: string[], attrs: Record<string, unknown> = {}) =>
    b.add(opType, inputs, attrs as never, { name: b.fresh(`eval/${opType}`) })[0]!;
  const ints = (name: string, dims: number[], values: number[]) => {
    const tensorName = b.fresh(`eval/${name}`);
    b.initializers.push(int64Tensor(tensorName, dims, values));
    return tensorName;
  };
  const classAxis = ints('class_axis', [1], [1]);
  const rowAxis = ints('row_axis', [1], [0]);

  const lossSum = op('ReduceSum', [op('Mul', [ce.perSample, valid]), rowAxis], { keepdims: 0 });

  // The predicted class is the FIRST maximum, as the JS scorer and PyTorch's argmax pick it: among the logits equal
  // to the row maximum keep the one whose running count of maxima (CumSum along the classes) is still 1.
  const rowMax = op('ReduceMax', [program.logits, classAxis], { keepdims: 1 });
  const isMax = op('Cast', [op('Equal', [program.logits, rowMax])], { to: DataType.FLOAT });
  const seen = op('CumSum', [isMax, ints('cumsum_axis', [], [1])]);
  const half = b.fresh('eval/one_and_a_half');
  b.initializers.push(floatTensor(half, [], [1.5]));
  const predicted = op('Mul', [isMax, op('Cast', [op('Less', [seen, half])], { to: DataType.FLOAT })]);

  // confusion[t][p] = Σ_rows valid·onehot(label)[t]·onehot(pred)[p] = (valid·onehot(label))ᵀ · onehot(pred).
  const validColumn = op('Reshape', [valid, ints('valid_shape', [2], [rows, 1])]);
  const trueRows = op('Mul', [ce.oneHot, validColumn]);
  const confusion = op('MatMul', [op('Transpose', [trueRows], { perm: [1, 0] }), predicted]);
  const correct = op('ReduceSum', [op('ReduceSum', [op('Mul', [trueRows, predicted]), classAxis], { keepdims: 0 }), rowAxis], { keepdims: 0 });

  const named = (value: string, name: string) => b.add('Identity', [value], {}, { name: b.fresh(`out/${name}`), outputs: [name] })[0]!;
  const outputs = { lossSum: named(lossSum, 'loss_sum'), correct: named(correct, 'correct'), confusion: named(confusion, 'confusion') };
  b.output(outputs.lossSum, DataType.FLOAT, []);
  b.output(outputs.correct, DataType.FLOAT, []);
  b.output(outputs.confusion, DataType.FLOAT, [classes, classes]);

  return {
    model: makeModel(b.build(), { opset: EXPORT_OPSET, docString: 'Model Lab evaluation step' }),
    batch: rows,
    classes,
    inputs: { batch, labels, valid, params: options.weights ? [] : program.params.map((p) => p.name) },
    outputs,
  };
}
