// Checkpoints on disk: a training run's state, enough to resume at the same step with the same data order.
import type { LayerGraph } from '../../renderer/core/ir';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Where training stood when the checkpoint was taken. */
export interface CheckpointRunState {
  /** Optimiser steps taken so far (the next step is step + 1). */
  step: number;
  /** Epochs finished so far (0-based index of the epoch in progress). */
  epoch: number;
  /** The epoch's data order: the shuffle seed and how many samples of the epoch were already consumed. */
  dataOrder: { seed: number; position: number };
  /** Anything else the trainer needs back (dataset name, optimiser settings, learning-rate schedule, batch size...). */
  settings?: { [key: string]: JsonValue };
}

export interface CheckpointSaveRequest {
  /** A plain name (a folder name): saving again under the same name replaces the checkpoint atomically. */
  name: string;
  graph: LayerGraph;
  /** The model's weights as ONNX bytes (produced by the renderer). */
  weights: Uint8Array;
  /** The optimiser's state tensors, as the trainer packs them. */
  optimizerState: Uint8Array;
  run: CheckpointRunState;
  /** Metrics so far (loss and accuracy curves...), as JSON. */
  metrics: JsonValue;
}

export interface CheckpointInfo {
  formatVersion: 1;
  name: string;
  savedAt: string;
  run: CheckpointRunState;
  /** Files of this checkpoint inside its folder. */
  files: { graph: string; weights: string; optimizer: string; metrics: string };
  bytes: { weights: number; optimizer: number };
  /** sha256 (hex) of the weights and optimiser files, checked on load. */
  sha256: { weights: string; optimizer: string };
}

export interface Checkpoint {
  info: CheckpointInfo;
  graph: LayerGraph;
  weights: Uint8Array;
  optimizerState: Uint8Array;
  metrics: JsonValue;
}
