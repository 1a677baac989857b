// `model-lab eval`: accuracy, loss and the confusion matrix of an exported model (DIR/model.onnx from `train`, or
// any classifier ONNX file taking float N×C×H×W) on a dataset split, with onnxruntime-web on wasm. A model the
// importer maps to a layer graph runs as the evaluation graph (loss sum, correct and confusion counts computed in the
// graph); any other runs as it is and its logits are scored on the CPU.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ImportError, importOnnx } from '../../../renderer/core/import/index';
import { LoweringError, lowerEvaluation } from '../../../renderer/core/lowering/index';
import { decodeModel, encodeModel } from '../../../renderer/core/onnx/codec';
import type { Model } from '../../../renderer/core/onnx/model';
import { compileEvaluationStep, type EvaluationStep } from '../../../renderer/core/training/eval';
import { createNodeSession } from '../../../renderer/runtime/ort-node';
import { loadSplit } from '../../../renderer/runtime/trainer/data';
import { evaluateSplit, evaluateWithGraph, outputIsProbabilities, type EvalResult, type Normalisation } from '../../../renderer/runtime/trainer/evaluate';
import { StoreDataSource } from '../../../renderer/runtime/trainer/store-source';
import type { DatasetSplit } from '../../../preload/types/datasets';
import { DATASET_SPLITS } from '../../../preload/types/datasets';
import { intOption, stringOption, UsageError, type Command } from '../command';
import { asUserError, nodeDatasetApi, resolveDataset, TrainError } from './train';

async function modelPath(target: string): Promise<string> {
  let info;
  try {
    info = await stat(target);
  } catch {
    throw new TrainError('not-found', `'${target}' does not exist; give a folder written by 'model-lab train' or an .onnx file.`);
  }
  return info.isDirectory() ? join(target, 'model.onnx') : target;
}

/** The model's single image input [N, C, H, W] and its output [N, K]. */
function describeModel(model: Model, path: string) {
  const inputs = model.graph.inputs.filter((i) => !model.graph.initializers.some((t) => t.name === i.name));
  if (inputs.length !== 1) throw new TrainError('invalid-model', `'${path}' has ${inputs.length} inputs; eval needs a classifier with one image input.`);
  const input = inputs[0]!;
  const output = model.graph.outputs[0];
  const shape = input.type?.kind === 'tensor' ? input.type.shape : undefined;
  const outShape = output?.type?.kind === 'tensor' ? output.type.shape : undefined;
  if (!output || !shape || shape.length !== 4 || shape.slice(1).some((d) => typeof d !== 'number')) {
    throw new TrainError('invalid-model', `'${path}' takes ${JSON.stringify(shape ?? null)}; eval needs a model whose input is N×C×H×W with fixed C, H, W.`);
  }
  const classes = outShape && typeof outShape[1] === 'number' ? outShape[1] : undefined;
  return {
    input: input.name,
    output: output.name,
    image: shape.slice(1) as [number, number, number],
    fixedBatch: typeof shape[0] === 'number' ? shape[0] : undefined,
    classes,
  };
}

function metadata(model: Model, key: string): string | undefined {
  return model.metadataProps.find(([k]) => k === key)?.[1];
}

/**
 * The evaluation graph for a model, its weights baked in; undefined (with the reason) when the model cannot be
 * imported or lowered, so it is evaluated from its logits instead.
 */
function evaluationGraph(bytes: Uint8Array, batch: number, normalisation: Normalisation): { step: EvaluationStep } | { reason: string } {
  try {
    const imported = importOnnx(bytes);
    return { step: compileEvaluationStep(lowerEvaluation(imported.graph, { batch }), { normalisation, weights: imported.weights }) };
  } catch (error) {
    if (error instanceof ImportError || error instanceof LoweringError) return { reason: error.message };
    throw error;
  }
}

function confusionTable(confusion: number[][], classes: string[]): string {
  const labels = classes.map((c, i) => `${i}:${c}`);
  const width = Math.max(6, ...confusion.flat().map((n) => String(n).length));
  const nameWidth = Math.max(16, ...labels.map((l) => l.length));
  const header = `${'true \\ predicted'.padEnd(nameWidth)}  ${classes.map((_, i) => String(i).padStart(width)).join(' ')}`;
  const rows = confusion.map((row, i) => `${labels[i]!.padEnd(nameWidth)}  ${row.map((n) => String(n).padStart(width)).join(' ')}`);
  return [header, ...rows].join('\n');
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Evaluate an exported model on a dataset: accuracy, loss, confusion matrix',
  help: `Usage: model-lab eval <DIR | model.onnx> --data <dataset | folder> [--split test|val|train] [--batch B] [--json]

Runs the model (DIR/model.onnx as written by 'model-lab train', or an .onnx classifier taking float N×C×H×W and
returning one score per class) over a split of a dataset with onnxruntime-web on wasm, and reports accuracy, mean
cross-entropy loss and the confusion matrix (rows: true class, columns: predicted class). Pixels are normalised with
the mean and std in the model's metadata (model_lab.normalisation); without it, pixels are scaled to [0, 1].

  --data D     a dataset in the data folder, or a folder to import first (as 'model-lab train' does)
  --split S    test (default), val or train
  --batch B    images per run (default 256); the last partial batch is included
  --json       print one JSON object: { "split", "count", "accuracy", "loss", "correct", "classes", "confusion",
               "evaluation" }, where evaluation is "graph" (the evaluation graph ran) or "logits" (a model the
               importer cannot map: its outputs were scored on the CPU)`,
  options: {
    data: { type: 'string' },
    split: { type: 'string' },
    batch: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, context) {
    try {
      if (args.positionals.length !== 1) throw new UsageError(`eval takes one model folder or .onnx file (see 'model-lab eval --help').`);
      const split = (stringOption(args, 'split') ?? 'test') as DatasetSplit;
      if (!DATASET_SPLITS.includes(split)) throw new UsageError(`--split must be test, val or train; got '${split}'.`);
      const batch = intOption(args, 'batch', 256, 1, 1_000_000);
      const path = await modelPath(args.positionals[0]!);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(path));
      } catch (error) {
        throw new TrainError('not-found', `Cannot read the model '${path}': ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
      }
      const model = decodeModel(bytes);
      const io = describeModel(model, path);
      const manifest = await resolveDataset(context, stringOption(args, 'data', true));
      if (io.image.join('x') !== manifest.shape.join('x')) {
        throw new TrainError('shape-mismatch', `The model '${path}' takes ${io.image.join('×')} images, but dataset '${manifest.name}' holds ${manifest.shape.join('×')}.`);
      }
      if (io.classes !== undefined && io.classes !== manifest.classes.length) {
        throw new TrainError('shape-mismatch', `The model '${path}' scores ${io.classes} classes, but dataset '${manifest.name}' has ${manifest.classes.length}.`);
      }
      if (manifest.counts[split] === 0) throw new TrainError('empty-split', `Dataset '${manifest.name}' has no ${split} samples; choose another --split.`);
      const stored = metadata(model, 'model_lab.normalisation');
      let normalisation: Normalisation = { mean: new Array<number>(manifest.shape[0]).fill(0), std: new Array<number>(manifest.shape[0]).fill(1) };
      if (stored) normalisation = JSON.parse(stored) as Normalisation;
      else context.stderr(`The model has no model_lab.normalisation metadata; feeding pixels scaled to [0, 1].\n`);

      const source = new StoreDataSource(nodeDatasetApi(context.data.path), manifest.name);
      const data = await loadSplit(source, await source.describe(), split);
      // The graph's batch is fixed: no larger than the split, so a small split is not padded up to --batch.
      const graph = evaluationGraph(bytes, Math.min(batch, data.count), normalisation);
      if ('step' in graph && graph.step.classes !== manifest.classes.length) {
        throw new TrainError('shape-mismatch', `The model '${path}' scores ${graph.step.classes} classes, but dataset '${manifest.name}' has ${manifest.classes.length}.`);
      }
      if ('reason' in graph) context.stderr(`Scoring the model's outputs on the CPU (it cannot run as an evaluation graph: ${graph.reason})\n`);
      const session = await createNodeSession('step' in graph ? encodeModel(graph.step.model) : bytes, { backend: 'wasm' });
      let result: EvalResult;
      try {
        result =
          'step' in graph
            ? await evaluateWithGraph(session, graph.step, data)
            : await evaluateSplit(session, data, {
                input: io.input,
                output: io.output,
                classes: manifest.classes.length,
                batch,
                ...(io.fixedBatch !== undefined ? { fixedBatch: io.fixedBatch } : {}),
                normalisation,
                outputKind: outputIsProbabilities(model, io.output) ? 'probabilities' : 'logits',
              });
      } finally {
        await session.release();
      }
      const evaluation = 'step' in graph ? 'graph' : 'logits';
      if (args.values.json) {
        const { split: s, count, accuracy, loss, correct, confusion } = result;
        context.stdout(JSON.stringify({ split: s, count, accuracy, loss, correct, classes: manifest.classes, confusion, evaluation }) + '\n');
      } else {
        context.stdout(
          `${path} on '${manifest.name}' ${split} (${result.count} images): accuracy ${result.accuracy.toFixed(4)} (${result.correct}/${result.count}), loss ${result.loss.toFixed(4)}\n` +
            `Confusion matrix (rows: true class, columns: predicted):\n${confusionTable(result.confusion, manifest.classes)}\n`,
        );
      }
      return 0;
    } catch (error) {
      throw asUserError(error);
    }
  },
};
