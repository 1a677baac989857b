import { AppError } from '../../../preload/result';
import { analyse, type Analysis, type LayerReport, type SquareOrPair } from '../../../renderer/core/analysis';
import type { ReceptiveField } from '../../../renderer/core/receptive-field';
import { formatShape } from '../../../renderer/core/shape';
import { intOption, shapeOption, UsageError, type Command } from '../command';
import { describeIssues, loadModel, type LoadedModel } from '../model-source';

/** A model or graph file that cannot be summarised; the message says why and what to do. */
export class SummaryError extends AppError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'SummaryError';
  }
}

const number = new Intl.NumberFormat('en-US');

function pair(value: SquareOrPair): string {
  return typeof value === 'number' ? String(value) : value.join('×');
}

function square(value: readonly [number, number]): SquareOrPair {
  return value[0] === value[1] ? value[0] : [value[0], value[1]];
}

function fieldCell(field: ReceptiveField | null): string {
  if (!field) return '—';
  const max = pair(square(field.size));
  const min = pair(square(field.minSize));
  const size = min === max ? max : `${min}–${max}`;
  return `${size} s${pair(square(field.stride))} p${pair(square(field.padding))}${field.alignedCentres ? '' : ' unaligned'}`;
}

function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value / 1024;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return `${scaled.toFixed(1)} ${units[unit]}`;
}

function table(rows: string[][], rightAligned: boolean[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) => row.map((cell, column) => (rightAligned[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd())
    .join('\n');
}

function textReport(loaded: LoadedModel, analysis: Analysis): string {
  const rows = [['Layer', 'Kind', 'Output shape', 'Params', 'MACs', 'Receptive field']];
  for (const layer of analysis.layers) {
    rows.push([
      layer.name,
      layer.kind,
      layer.outputShape ? formatShape(layer.outputShape) : '?',
      number.format(layer.params),
      number.format(layer.macs),
      fieldCell(layer.receptiveField),
    ]);
  }
  const { totals } = analysis;
  const lines = [
    `Model: ${loaded.title}`,
    `Input: ${analysis.input ? formatShape(analysis.input) : '?'}   Output: ${analysis.output ? formatShape(analysis.output) : '?'}`,
    '',
    table(rows, [false, false, false, true, true, false]),
    '',
    `Total params:         ${number.format(totals.params)}`,
    `Trainable params:     ${number.format(totals.trainableParams)}`,
    `Non-trainable params: ${number.format(totals.nonTrainableParams)} (BatchNorm running statistics)`,
    `MACs:                 ${number.format(totals.macs)} (FLOPs ${number.format(totals.flops)}); one multiply-add = one MAC, counting convolutions and dense layers`,
  ];
  const field = analysis.receptiveField;
  if (field) {
    const size = pair(field.minSize) === pair(field.size) ? pair(field.size) : `${pair(field.size)} (smallest path ${pair(field.minSize)})`;
    lines.push(
      `Receptive field:      ${size}, stride ${pair(field.stride)}, padding ${pair(field.padding)} at '${field.layer}'` +
        (field.alignedCentres ? '' : '; the paths\u2019 centres are not aligned'),
    );
  }
  const memory = totals.memory;
  if (memory) {
    lines.push(
      `Memory at batch ${memory.batch} (float32): inference ${bytes(memory.inference)} (parameters ${bytes(memory.parameters)}, peak activations ${bytes(memory.inferenceActivations)}); ` +
        `training ${bytes(memory.training)} with ${memory.optimizer} (activations ${bytes(memory.trainingActivations)}, gradients ${bytes(memory.gradients)}, optimiser state ${bytes(memory.optimizerState)})`,
    );
  }
  lines.push('Receptive fields in input pixels: size (smallest–largest over branches), s effective stride, p effective padding.');
  return lines.join('\n') + '\n';
}

function jsonField(field: ReceptiveField | null) {
  if (!field) return null;
  return {
    size: square(field.size),
    stride: square(field.stride),
    padding: square(field.padding),
    minSize: square(field.minSize),
    alignedCentres: field.alignedCentres,
  };
}

function jsonLayer(layer: LayerReport) {
  return {
    name: layer.name,
    kind: layer.kind,
    outputShape: layer.outputShape,
    params: layer.params,
    macs: layer.macs,
    receptiveField: jsonField(layer.receptiveField),
  };
}

function jsonReport(loaded: LoadedModel, analysis: Analysis) {
  const field = analysis.receptiveField;
  return {
    model: loaded.model,
    input: analysis.input,
    totals: {
      params: analysis.totals.params,
      trainableParams: analysis.totals.trainableParams,
      nonTrainableParams: analysis.totals.nonTrainableParams,
      macs: analysis.totals.macs,
      flops: analysis.totals.flops,
      memory: analysis.totals.memory,
    },
    receptiveField: field ? { size: field.size, stride: field.stride, padding: field.padding } : null,
    layers: analysis.layers.map(jsonLayer),
  };
}

export const summaryCommand: Command = {
  name: 'summary',
  summary: 'Print a model’s layers, shapes, parameters, MACs, memory and receptive field',
  help: `Usage: model-lab summary <zoo-id | graph.json | project.json | model.onnx> [--input CxHxW] [--classes N] [--batch B] [--json]

Analyses a model from the zoo (e.g. alexnet, resnet18), a graph or project file, or an ONNX file, and prints a table of its layers
(output shape, parameters, MACs, receptive field) with totals. One multiply-add counts as one MAC;
FLOPs = 2 × MACs. Receptive fields follow Araujo et al. (Distill 2019): size, effective stride and
effective padding in input pixels ("3–7" gives the smallest and largest over branches).

Options:
  --input CxHxW  build the model for this input size (for a graph file: resize its Input layer)
  --classes N    build the model for N classes (for a graph file: resize its final Dense layer)
  --batch B      batch size for the memory estimates (default 1)
  --json         print one JSON object instead of the table`,
  options: {
    input: { type: 'string' },
    classes: { type: 'string' },
    batch: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, context) {
    if (args.positionals.length !== 1) {
      throw new UsageError(
        `summary takes one zoo model id or model file${args.positionals.length ? `, got ${args.positionals.map((p) => `'${p}'`).join(' ')}` : ''} (see 'model-lab summary --help').`,
      );
    }
    const target = args.positionals[0]!;
    const input = shapeOption(args, 'input');
    const classes = args.values.classes === undefined ? undefined : intOption(args, 'classes', 1, 1, 1_000_000);
    const batch = intOption(args, 'batch', 1, 1, 1_000_000);
    const loaded = await loadModel(target, { ...(input ? { input } : {}), ...(classes !== undefined ? { classes } : {}) });
    const analysis = analyse(loaded.graph, { batch });
    if (analysis.issues.length > 0) {
      throw new SummaryError('invalid-graph', describeIssues(`'${loaded.model}' cannot be analysed`, analysis.issues.map((issue) => issue.message)));
    }
    context.stdout(args.values.json ? JSON.stringify(jsonReport(loaded, analysis)) + '\n' : textReport(loaded, analysis));
  },
};
