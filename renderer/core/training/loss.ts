// Softmax cross-entropy, emitted with ops that all run on onnxruntime-web's WebGPU EP (no LogSoftmax, OneHot,
// ArgMax or int64 arithmetic, which fall to the CPU): log-softmax from ReduceMax/Sub/Exp/ReduceSum/Log, the one-hot
// from Equal against a class-index constant, and "correct" as "the true class's logit equals the row maximum".
import { floatTensor, GraphBuilder, int64Tensor } from '../onnx/builder';
import { DataType } from '../onnx/model';

export interface CrossEntropyOptions {
  /** Logits [B, K]. */
  logits: string;
  /** Labels [B], int32. */
  labels: string;
  batch: number;
  classes: number;
  /** Label smoothing ε: the target is (1 − ε)·one-hot + ε/K (as PyTorch's label_smoothing). */
  labelSmoothing?: number;
  /** Name prefix for the emitted values. */
  prefix?: string;
}

export interface CrossEntropyValues {
  /** Mean loss over the batch, a scalar. */
  loss: string;
  /** Per-sample loss [B] (for evaluation sums). */
  perSample: string;
  /** Number of samples whose true class has the largest logit, a float scalar. */
  correct: string;
  /** One-hot targets [B, K] (float). */
  oneHot: string;
  /** Values the gradient must not flow through (the row maxima subtracted for stability). */
  stopGradient: string[];
}

export function emitCrossEntropy(b: GraphBuilder, options: CrossEntropyOptions): CrossEntropyValues {
  const { logits, labels, batch, classes } = options;
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing < 1)) throw new Error(`Label smoothing must be in [0, 1); got ${smoothing}.`);
  const prefix = options.prefix ?? 'loss';
  const constant = (name: string, dims: number[], values: number[]) => {
    const tensorName = b.fresh(`${prefix}/${name}`);
    b.initializers.push(floatTensor(tensorName, dims, values));
    return tensorName;
  };
  const ints = (name: string, values: number[]) => {
    const tensorName = b.fresh(`${prefix}/${name}`);
    b.initializers.push(int64Tensor(tensorName, [values.length], values));
    return tensorName;
  };
  const op = (...args: Parameters<GraphBuilder['add']>) => b.add(args[0], args[1], args[2], { name: b.fresh(`${prefix}/${args[0]}`), ...args[3] })[0]!;

  const classAxis = ints('class_axis', [1]);
  const rowMax = op('ReduceMax', [logits, classAxis], { keepdims: 1 });
  const shifted = op('Sub', [logits, rowMax]);
  const logSumExp = op('Log', [op('ReduceSum', [op('Exp', [shifted]), classAxis], { keepdims: 1 })]);
  const logProbabilities = op('Sub', [shifted, logSumExp]);

  const classIndex = b.fresh(`${prefix}/class_index`);
  b.initializers.push({ name: classIndex, dataType: DataType.INT32, dims: [1, classes], values: Int32Array.from({ length: classes }, (_, i) => i), storage: 'raw' });
  const labelColumn = op('Reshape', [labels, ints('label_shape', [batch, 1])]);
  const oneHot = op('Cast', [op('Equal', [labelColumn, classIndex])], { to: DataType.FLOAT });
  const target = smoothing > 0 ? op('Add', [op('Mul', [oneHot, constant('keep', [], [1 - smoothing])]), constant('spread', [], [smoothing / classes])]) : oneHot;

  const perSample = op('Neg', [op('ReduceSum', [op('Mul', [target, logProbabilities]), classAxis], { keepdims: 0 })]);
  const loss = op('ReduceMean', [perSample, ints('batch_axis', [0])], { keepdims: 0 });

  const isMax = op('Cast', [op('Equal', [logits, rowMax])], { to: DataType.FLOAT });
  const trueIsMax = op('ReduceMax', [op('Mul', [isMax, oneHot]), classAxis], { keepdims: 0 });
  const correct = op('ReduceSum', [trueIsMax, ints('batch_axis_correct', [0])], { keepdims: 0 });

  return { loss, perSample, correct, oneHot, stopGradient: [rowMax] };
}
