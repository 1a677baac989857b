// A training run's checkpoint, as the app saves it through the host: the same content `model-lab train` writes
// (layer graph, inference ONNX with normalisation and class names in its metadata, packed optimiser state, the
// run's settings and per-epoch metrics), so `model-lab train --resume NAME` and `model-lab eval` take either.
import type { CheckpointSaveRequest, JsonValue } from '../../preload/types/checkpoints';
import type { LayerGraph } from '../core/ir';
import { lowerInference } from '../core/lowering/index';
import { encodeModel } from '../core/onnx/codec';
import type { WeightStore } from '../core/weights';
import type { Normalisation } from '../runtime/trainer/evaluate';
import { packTensors } from '../runtime/trainer/pack';
import type { EpochMetrics } from '../runtime/trainer/trainer';
import type { RunSettings } from './run-config';

export interface CheckpointContent {
  name: string;
  /** The model's id (zoo id or graph name). */
  model: string;
  graph: LayerGraph;
  dataset: { name: string; contentHash: string; classes: readonly string[] };
  settings: RunSettings;
  normalisation: Normalisation;
  weights: WeightStore;
  optimizerState: WeightStore;
  /** Epochs finished and optimiser steps applied. */
  epoch: number;
  step: number;
  history: readonly EpochMetrics[];
}

/** The inference model with the run's normalisation and class names in its metadata (as the CLI's model.onnx). */
export function inferenceBytes(graph: LayerGraph, weights: WeightStore, normalisation: Normalisation, dataset: CheckpointContent['dataset']): Uint8Array {
  return encodeModel(
    lowerInference(graph, weights, {
      batch: 'N',
      metadata: { 'model_lab.normalisation': JSON.stringify(normalisation), 'model_lab.classes': JSON.stringify(dataset.classes), 'model_lab.dataset': dataset.name },
    }).model,
  );
}

export function checkpointRequest(content: CheckpointContent): CheckpointSaveRequest {
  const { settings, normalisation, dataset } = content;
  // The CLI's run.settings, field for field: its --resume reads these.
  const saved = {
    model: content.model,
    dataset: dataset.name,
    datasetHash: dataset.contentHash,
    epochs: settings.epochs,
    batch: settings.batch,
    lr: settings.lr,
    optimizer: { ...settings.optimizer },
    schedule: { ...settings.schedule, warmupEpochs: settings.warmupEpochs },
    seed: settings.seed,
    normalisation: { mean: [...normalisation.mean], std: [...normalisation.std] },
  };
  return {
    name: content.name,
    graph: content.graph,
    weights: inferenceBytes(content.graph, content.weights, normalisation, dataset),
    optimizerState: packTensors(content.optimizerState),
    run: { step: content.step, epoch: content.epoch, dataOrder: { seed: settings.seed, position: 0 }, settings: JSON.parse(JSON.stringify(saved)) as { [key: string]: JsonValue } },
    metrics: JSON.parse(JSON.stringify(content.history)) as JsonValue,
  };
}
