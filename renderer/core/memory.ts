// Memory estimates at batch B, in bytes of float32 values (4 bytes each).
//
// Inference: the parameters (trainable and not) plus the peak of live activations while running the layers in
// topological order. A layer's output lives from when it is computed until its last consumer has run (the model's
// output until the end); the peak is taken right after each layer's output is allocated, while its inputs are
// still alive. In-place execution (e.g. an in-place ReLU) would lower this; the estimate assumes none.
//
// Training (one step): the parameters, every layer output kept for the backward pass (the input image included:
// autograd saves what each layer needs, and we count each activation once), one gradient per trainable parameter,
// and the optimiser state per trainable parameter: none for SGD, one momentum buffer for SGD with momentum, two
// moment buffers for Adam. Frozen layers (lrMultiplier 0) get no gradient and no optimiser state. Transient
// activation gradients during the backward pass and the workspace of convolution algorithms are not counted.
import { elementCount, type Shape } from './shape';

export type Optimizer = 'sgd' | 'sgd-momentum' | 'adam';

export const BYTES_PER_VALUE = 4;

const OPTIMIZER_STATE_PER_PARAM: Record<Optimizer, number> = { sgd: 0, 'sgd-momentum': 1, adam: 2 };

export interface MemoryEstimate {
  batch: number;
  optimizer: Optimizer;
  bytesPerValue: number;
  /** All parameters, trainable and not. */
  parameters: number;
  /** Peak live activations during one forward pass. */
  inferenceActivations: number;
  /** parameters + inferenceActivations. */
  inference: number;
  /** Every layer output kept for the backward pass. */
  trainingActivations: number;
  /** One gradient per parameter that trains. */
  gradients: number;
  optimizerState: number;
  /** parameters + trainingActivations + gradients + optimizerState. */
  training: number;
}

export interface MemoryLayer {
  id: string;
  inputs: readonly string[];
  output: Shape;
  params: number;
  /** Parameters that receive gradients (trainable and not frozen). */
  trainingParams: number;
}

/** Estimates memory for layers given in topological order, every output shape known. */
export function estimateMemory(layers: readonly MemoryLayer[], outputId: string, batch: number, optimizer: Optimizer): MemoryEstimate {
  const index = new Map(layers.map((layer, position) => [layer.id, position]));
  const lastUse = layers.map((_, position) => position);
  layers.forEach((layer, position) => {
    for (const source of layer.inputs) {
      const producer = index.get(source);
      if (producer !== undefined) lastUse[producer] = Math.max(lastUse[producer]!, position);
    }
  });
  const outputPosition = index.get(outputId);
  if (outputPosition !== undefined) lastUse[outputPosition] = layers.length;

  const sizes = layers.map((layer) => elementCount(layer.output) * batch * BYTES_PER_VALUE);
  const freedAfter = new Map<number, number[]>();
  lastUse.forEach((step, position) => freedAfter.set(step, [...(freedAfter.get(step) ?? []), position]));
  let live = 0;
  let peak = 0;
  let kept = 0;
  layers.forEach((_, position) => {
    live += sizes[position]!;
    kept += sizes[position]!;
    peak = Math.max(peak, live);
    for (const freed of freedAfter.get(position) ?? []) live -= sizes[freed]!;
  });

  const parameters = layers.reduce((total, layer) => total + layer.params, 0) * BYTES_PER_VALUE;
  const trainingParams = layers.reduce((total, layer) => total + layer.trainingParams, 0);
  const gradients = trainingParams * BYTES_PER_VALUE;
  const optimizerState = trainingParams * OPTIMIZER_STATE_PER_PARAM[optimizer] * BYTES_PER_VALUE;
  return {
    batch,
    optimizer,
    bytesPerValue: BYTES_PER_VALUE,
    parameters,
    inferenceActivations: peak,
    inference: parameters + peak,
    trainingActivations: kept,
    gradients,
    optimizerState,
    training: parameters + kept + gradients + optimizerState,
  };
}
