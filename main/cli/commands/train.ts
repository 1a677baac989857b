// `model-lab train`: trains a zoo model or a graph file on a dataset, headless (Node, onnxruntime-web on wasm), with
// the same trainer the app runs in its worker. Writes checkpoints (into the data folder, through the checkpoint
// service), DIR/model.onnx and DIR/metrics.json.
import { readFileSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { AppError } from '../../../preload/result';
import type { DatasetManifest } from '../../../preload/types/datasets';
import { expandGraph } from '../../../renderer/core/blocks/expand';
import { parseGraph } from '../../../renderer/core/graph';
import type { LayerGraph, LayerNode } from '../../../renderer/core/ir';
import { initialiseWeights, lowerInference, lowerTraining } from '../../../renderer/core/lowering/index';
import { decodeModel, encodeModel } from '../../../renderer/core/onnx/codec';
import type { OptimizerConfig, OptimizerKind } from '../../../renderer/core/training/optimizers';
import type { WeightStore } from '../../../renderer/core/weights';
import { nodeLoader } from '../../../renderer/runtime/ort-node';
import { packTensors, unpackTensors } from '../../../renderer/runtime/trainer/pack';
import type { LrSchedule } from '../../../renderer/runtime/trainer/schedule';
import { StoreDataSource, type DatasetApi } from '../../../renderer/runtime/trainer/store-source';
import { Trainer, type EpochMetrics, type StepMetrics, type TrainingResult } from '../../../renderer/runtime/trainer/trainer';
import type { EvalResult, Normalisation } from '../../../renderer/runtime/trainer/evaluate';
import { loadCheckpoint, saveCheckpoint } from '../../services/checkpoints/index';
import { importDataset, readLabels, readManifest, readShard } from '../../services/datasets/index';
import { FASHION_MNIST_CLASSES } from '../../services/datasets/source';
import { intOption, numberOption, shapeOption, stringOption, UsageError, type CliContext, type Command, type ParsedCommand } from '../command';
import { classifierOf, loadModel as loadModelSource, withClasses } from '../model-source';

/** A training run that cannot start or went wrong; the message says why and what to do. */
export class TrainError extends AppError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'TrainError';
  }
}

// Errors of the core and the trainer carry user-facing messages; they become AppErrors here, where the CLI prints them.
const USER_ERRORS = new Set(['TrainerError', 'DataError', 'LoweringError', 'OptimizerError', 'TrainingCompileError', 'ScheduleError', 'OrtSessionError']);

export function asUserError(error: unknown): unknown {
  if (error instanceof Error && !(error instanceof AppError) && USER_ERRORS.has(error.name)) return new TrainError('train', error.message);
  return error;
}

/** The dataset store's calls over the data folder, in the shape of the IPC contract the trainer's source takes. */
export function nodeDatasetApi(root: string): DatasetApi {
  const manifests = new Map<string, Promise<DatasetManifest>>();
  const manifest = (name: string) => {
    let m = manifests.get(name);
    if (!m) manifests.set(name, (m = readManifest(root, name)));
    return m;
  };
  return {
    datasetShow: (name) => manifest(name),
    datasetShard: async (name, split, index) => readShard(root, name, split, index, await manifest(name)),
    datasetLabels: async (name, split) => readLabels(root, name, split, await manifest(name)),
  };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A dataset name, or a folder of source files (IDX, CIFAR binary, class folders): a folder is imported into the data
 * folder once, under its folder name, and reused by later runs (the CLI and the app then see the same dataset).
 */
export async function resolveDataset(context: CliContext, argument: string, options: { val?: number } = {}): Promise<DatasetManifest> {
  const root = context.data.path;
  if (!(await isDirectory(argument))) return readManifest(root, argument);
  const path = resolve(argument);
  const name = basename(path).replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '') || 'dataset';
  try {
    const existing = await readManifest(root, name);
    if (resolve(existing.source.path) === path) return existing;
    throw new TrainError(
      'dataset-exists',
      `The data folder already has a dataset named '${name}', imported from '${existing.source.path}', not '${path}'; import this folder under another name with 'model-lab data import ${argument} --name NAME' and pass --data NAME.`,
    );
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'dataset-not-found') throw error;
  }
  context.stderr(`Importing '${path}' into the data folder as dataset '${name}'…\n`);
  const result = await importDataset(root, {
    path,
    name,
    ...(/fashion/i.test(name) ? { classNames: FASHION_MNIST_CLASSES } : {}),
    ...(options.val !== undefined ? { val: options.val } : {}),
  });
  context.stderr(`Imported '${name}': ${result.manifest.counts.train} train, ${result.manifest.counts.val} val, ${result.manifest.counts.test} test samples of ${result.manifest.shape.join('×')}.\n`);
  return result.manifest;
}

function looksLikeFile(argument: string): boolean {
  return argument.endsWith('.json') || argument.includes('/') || argument.includes('\\');
}

const shapeText = (shape: readonly number[]) => shape.join('×');

function inputShapeOf(graph: LayerGraph): [number, number, number] {
  const inputs = graph.nodes.filter((n): n is Extract<LayerNode, { kind: 'Input' }> => n.kind === 'Input');
  if (inputs.length !== 1) throw new TrainError('invalid-graph', `The graph '${graph.name}' has ${inputs.length} Input layers at its top level; training needs exactly one.`);
  const { channels, height, width } = inputs[0]!.attrs;
  return [channels, height, width];
}

async function loadModel(target: string, data: DatasetManifest, input: [number, number, number] | undefined): Promise<{ id: string; graph: LayerGraph }> {
  const shape = data.shape;
  if (input && shapeText(input) !== shapeText(shape)) {
    throw new TrainError('shape-mismatch', `--input ${input.join('x')} does not match dataset '${data.name}', whose images are ${shapeText(shape)}; drop --input or import the dataset at that size.`);
  }
  if (looksLikeFile(target) || (await stat(target).then((s) => s.isFile()).catch(() => false))) {
    let text: string;
    try {
      text = await readFile(target, 'utf8');
    } catch (error) {
      throw new TrainError('not-found', `Cannot read the graph file '${target}': ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
    }
    const parsed = parseGraph(text);
    if (!parsed.graph) throw new TrainError('invalid-graph', `'${target}' is not a valid Model Lab graph: ${parsed.issues.map((i) => i.message).join(' ')}`);
    const graphShape = inputShapeOf(parsed.graph);
    if (shapeText(graphShape) !== shapeText(shape)) {
      throw new TrainError('shape-mismatch', `The graph '${target}' takes ${shapeText(graphShape)} images, but dataset '${data.name}' holds ${shapeText(shape)}; resize the graph's Input layer or use another dataset.`);
    }
    return { id: parsed.graph.name, graph: { ...parsed.graph, classes: data.classes } };
  }
  const { zoo, zooModel } = await import('../../../models/index');
  const entry = zooModel(target);
  if (!entry) throw new UsageError(`'${target}' is neither a graph file nor a zoo model. Zoo models: ${zoo.map((m) => m.id).join(', ')}.`);
  return { id: entry.id, graph: { ...entry.build({ input: [...shape], classes: data.classes.length }), classes: data.classes } };
}

function scheduleFrom(args: ParsedCommand, epochs: number): LrSchedule {
  const kind = stringOption(args, 'schedule') ?? 'constant';
  switch (kind) {
    case 'constant':
      return { kind };
    case 'cosine':
      return { kind };
    case 'step': {
      const raw = stringOption(args, 'milestones');
      if (!raw) throw new UsageError(`--schedule step needs --milestones, the epochs at which the rate is divided by 10, such as 3,6.`);
      const milestones = raw.split(',').map((s) => Number(s.trim()));
      if (milestones.some((m) => !Number.isInteger(m) || m < 1 || m >= epochs)) {
        throw new UsageError(`--milestones must be whole epochs from 1 to ${epochs - 1}, separated by commas; got '${raw}'.`);
      }
      return { kind, milestones };
    }
    case 'plateau':
      return { kind, patience: intOption(args, 'patience', 2, 1, 1000) };
    default:
      throw new UsageError(`--schedule must be constant, step, plateau or cosine; got '${kind}'.`);
  }
}

function optimizerFrom(args: ParsedCommand): OptimizerConfig {
  const kind = (stringOption(args, 'optimizer') ?? 'sgd') as OptimizerKind;
  if (!['sgd', 'adam', 'adamw'].includes(kind)) throw new UsageError(`--optimizer must be sgd, adam or adamw; got '${kind}'.`);
  const config: OptimizerConfig = { kind };
  if (args.values.momentum !== undefined) {
    if (kind !== 'sgd') throw new UsageError(`--momentum applies to sgd only; ${kind} uses beta1 0.9.`);
    config.momentum = numberOption(args, 'momentum', 0, 0, 0.999999);
  }
  if (args.values.nesterov) config.nesterov = true;
  if (args.values['weight-decay'] !== undefined) config.weightDecay = numberOption(args, 'weight-decay', 0, 0, 1);
  return config;
}

const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** The progress bar (a terminal) or nothing; epoch lines are printed separately. */
function progress(context: CliContext, epochs: number) {
  let lastDraw = 0;
  let drawn = false;
  let imagesDone = 0;
  let trainSeconds = 0;
  return {
    step(m: StepMetrics, batch: number) {
      imagesDone += batch;
      trainSeconds += batch / m.imagesPerSecond;
      if (!context.interactive) return;
      const now = Date.now();
      if (now - lastDraw < 100 && m.stepInEpoch !== m.stepsPerEpoch) return;
      lastDraw = now;
      const throughput = imagesDone / Math.max(trainSeconds, 1e-9);
      const remaining = ((epochs - m.epoch) * m.stepsPerEpoch + (m.stepsPerEpoch - m.stepInEpoch)) * batch;
      const width = 24;
      const filled = Math.round((m.stepInEpoch / m.stepsPerEpoch) * width);
      context.stderr(
        `\repoch ${m.epoch}/${epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${m.stepInEpoch}/${m.stepsPerEpoch} loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(3)} ${fmt.format(throughput)} img/s ETA ${duration(remaining / throughput)}  `,
      );
      drawn = true;
    },
    clear() {
      if (drawn) context.stderr('\r' + ' '.repeat(110) + '\r');
      drawn = false;
    },
  };
}

function epochLine(m: EpochMetrics, epochs: number): string {
  const val = m.validation ? `; val loss ${m.validation.loss.toFixed(4)}, accuracy ${m.validation.accuracy.toFixed(4)}` : '';
  const drop = m.plateauDrop ? ' (plateau: learning rate ÷10 from the next epoch)' : '';
  return `epoch ${m.epoch}/${epochs}: train loss ${m.trainLoss.toFixed(4)}, accuracy ${m.trainAccuracy.toFixed(4)}${val}; lr ${m.learningRate.toPrecision(3)}; ${fmt.format(m.imagesPerSecond)} img/s; ${m.seconds.toFixed(1)} s${drop}\n`;
}

/** Training images per second over the whole run (evaluation excluded). */
function overallThroughput(history: EpochMetrics[], imagesPerEpoch: number): number {
  const seconds = history.reduce((s, m) => s + imagesPerEpoch / m.imagesPerSecond, 0);
  return seconds > 0 ? (imagesPerEpoch * history.length) / seconds : 0;
}

const help = `Usage: model-lab train <zoo-id | graph.json | project.json | model.onnx> --data <dataset | folder> --epochs E --batch B --lr LR --out DIR
                       [--optimizer sgd|adam|adamw] [--momentum M] [--nesterov] [--weight-decay W]
                       [--schedule constant|step|plateau|cosine] [--milestones 3,6] [--patience N] [--warmup EPOCHS]
                       [--input CxHxW] [--seed S] [--val-every N] [--val-split F] [--checkpoint NAME] [--threads N|auto] [--json]
       model-lab train --resume CHECKPOINT [--epochs E] --out DIR [--checkpoint NAME] [--threads N|auto] [--json]

Trains a zoo model (e.g. lenet5-relu) or a graph file on a dataset with onnxruntime-web on wasm, the same
compiled training step the app runs. The model is built for the dataset's image size and class count.

  --data D          a dataset in the data folder, or a folder to import first (IDX such as Fashion-MNIST, CIFAR
                    binary, class sub-folders); a folder is imported once under its folder name and reused
  --epochs E        passes over the training split (default 1)
  --batch B         images per step (default 64); each epoch's last partial batch is left out (fixed-size step graph)
  --lr LR           base learning rate (required)
  --optimizer O     sgd (default), adam or adamw; --momentum and --nesterov for sgd; --weight-decay for all
  --schedule S      learning rate: constant (default); step (÷10 at --milestones epochs); plateau (÷10 after
                    --patience validations without improvement, default 2); cosine (to 0 over the run)
  --warmup EPOCHS   linear warm-up over this many epochs (fractions allowed)
  --input CxHxW     check the model's input against the dataset's images (they must match)
  --seed S          seed of the initial weights, data order and dropout masks (default 1); same seed, same run
  --val-every N     evaluate on the validation split every N epochs (default 1; 0 never)
  --val-split F     when importing a folder: fraction of the training data kept for validation (default 0.1)
  --freeze IDS      fine-tuning: comma-separated layer or block ids whose weights stay fixed (learning rate 0).
                    A project or ONNX model keeps its weights; if the dataset has another number of classes,
                    its final Dense layer is replaced by a fresh one
  --threads N|auto  wasm threads (default auto: every core, at most 4, for models of 100 M multiply-adds per image or
                    more, where they pay; one thread for smaller models, where synchronising costs more than it gains)
  --checkpoint NAME checkpoint name in the data folder (default: the --out folder's name); saved every epoch
  --resume NAME     go on from a checkpoint saved by this command, with its model, dataset and settings, up to
                    --epochs (default: the epochs it was started with); the same run as one never interrupted
  --out DIR         writes DIR/model.onnx (input: normalised float N×C×H×W; output: logits; normalisation and
                    class names in its metadata) and DIR/metrics.json
  --json            end with one JSON line: { "epochs", "trainLoss", "trainAccuracy", "testAccuracy",
                    "imagesPerSecond", "backend" }; progress and epoch lines go to stderr`;

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train a model on a dataset (onnxruntime-web on wasm) and export it',
  help,
  options: {
    data: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    optimizer: { type: 'string' },
    momentum: { type: 'string' },
    nesterov: { type: 'boolean' },
    'weight-decay': { type: 'string' },
    schedule: { type: 'string' },
    milestones: { type: 'string' },
    patience: { type: 'string' },
    warmup: { type: 'string' },
    input: { type: 'string' },
    seed: { type: 'string' },
    'val-every': { type: 'string' },
    'val-split': { type: 'string' },
    checkpoint: { type: 'string' },
    threads: { type: 'string' },
    resume: { type: 'string' },
    freeze: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, context) {
    try {
      return await train(args, context);
    } catch (error) {
      throw asUserError(error);
    }
  },
};

interface Plan {
  id: string;
  graph: LayerGraph;
  manifest: DatasetManifest;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  optimizer: OptimizerConfig;
  schedule: LrSchedule;
  warmupEpochs: number;
  weights: WeightStore;
  /** Layer or block id → learning-rate multiplier (0 freezes). */
  lrMultipliers?: Record<string, number> | undefined;
  resume?: { epoch: number; step: number; optimizerState: WeightStore };
  normalisation?: Normalisation;
}

/** What the checkpoint's run.settings hold (written by saveRun below). */
interface SavedSettings {
  model: string;
  dataset: string;
  datasetHash: string;
  epochs: number;
  batch: number;
  lr: number;
  optimizer: OptimizerConfig;
  schedule: LrSchedule & { warmupEpochs: number };
  seed: number;
  normalisation: Normalisation;
}

async function planFromArgs(args: ParsedCommand, context: CliContext): Promise<Plan> {
  if (args.positionals.length !== 1) {
    throw new UsageError(`train takes one zoo model id or graph file${args.positionals.length ? `, got ${args.positionals.map((p) => `'${p}'`).join(' ')}` : ''} (see 'model-lab train --help').`);
  }
  const target = args.positionals[0]!;
  const dataArg = stringOption(args, 'data', true);
  const epochs = intOption(args, 'epochs', 1, 1, 100_000);
  const batch = intOption(args, 'batch', 64, 1, 1_000_000);
  const lr = numberOption(args, 'lr', NaN, Number.MIN_VALUE, 1e6);
  if (!Number.isFinite(lr)) throw new UsageError('--lr is required: the base learning rate, a positive number such as 0.01.');
  const seed = intOption(args, 'seed', 1, 0, 2 ** 31 - 1);
  const optimizer = optimizerFrom(args);
  const schedule = scheduleFrom(args, epochs);
  const warmupEpochs = numberOption(args, 'warmup', 0, 0, epochs);
  const input = shapeOption(args, 'input');
  const valSplit = args.values['val-split'] === undefined ? undefined : numberOption(args, 'val-split', 0.1, 0, 0.99);
  const manifest = await resolveDataset(context, dataArg, valSplit === undefined ? {} : { val: valSplit });
  if (batch > manifest.counts.train) {
    throw new UsageError(`--batch ${batch} is larger than the ${manifest.counts.train} training samples of '${manifest.name}'; choose a batch of at most ${manifest.counts.train}.`);
  }
  const freeze = listOption(args, 'freeze');
  if (isPretrained(target)) {
    const tuned = await loadPretrained(target, manifest, seed);
    for (const note of tuned.notes) context.stderr(`note: ${note}\n`);
    return { id: tuned.id, graph: tuned.graph, manifest, epochs, batch, lr, seed, optimizer, schedule, warmupEpochs, weights: tuned.weights, lrMultipliers: freezeMultipliers(tuned.graph, freeze) };
  }
  const { id, graph } = await loadModel(target, manifest, input);
  return { id, graph, manifest, epochs, batch, lr, seed, optimizer, schedule, warmupEpochs, weights: initialiseWeights(graph, { seed }), lrMultipliers: freezeMultipliers(graph, freeze) };
}

function listOption(args: ParsedCommand, name: string): string[] {
  const raw = stringOption(args, name);
  if (raw === undefined) return [];
  const items = raw.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new UsageError(`--${name} takes a comma-separated list of layer or block ids; got '${raw}'.`);
  return items;
}

/** --freeze ids (layers, or blocks for all their layers) → learning-rate multiplier 0, each checked against the graph. */
function freezeMultipliers(graph: LayerGraph, ids: string[]): Record<string, number> | undefined {
  if (ids.length === 0) return undefined;
  const known = new Set(expandGraph(graph).flat.nodes.flatMap((n) => [n.id, ...n.blockPath]));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new UsageError(`--freeze names ${unknown.map((id) => `'${id}'`).join(', ')}, which the model does not have; give layer or block ids (see 'model-lab summary').`);
  return Object.fromEntries(ids.map((id) => [id, 0]));
}

function isPretrained(target: string): boolean {
  return target.toLowerCase().endsWith('.onnx') || (target.toLowerCase().endsWith('.json') && readFileSync(target, 'utf8').includes('"model-lab/project"'));
}

/**
 * Fine-tuning: a project or ONNX model with its weights. When the dataset has another number of classes, the
 * classifier (the final Dense layer) is replaced by a freshly initialised one; every other weight is kept.
 */
async function loadPretrained(target: string, data: DatasetManifest, seed: number): Promise<{ id: string; graph: LayerGraph; weights: WeightStore; notes: string[] }> {
  const loaded = await loadModelSource(target);
  const graphShape = inputShapeOf(loaded.graph);
  if (shapeText(graphShape) !== shapeText(data.shape)) {
    throw new TrainError('shape-mismatch', `'${target}' takes ${shapeText(graphShape)} images, but dataset '${data.name}' holds ${shapeText(data.shape)}; import the dataset at that size.`);
  }
  const notes = [...loaded.notes];
  let graph: LayerGraph = { ...loaded.graph, classes: data.classes };
  const head = classifierOf(graph);
  const outputs = head && head.kind === 'Dense' ? head.attrs.outFeatures : undefined;
  if (outputs !== data.classes.length) {
    graph = { ...withClasses(graph, data.classes.length, target), classes: data.classes };
    notes.push(`replaced the classifier '${head?.id}' (${outputs} → ${data.classes.length} classes) with a freshly initialised one; all other weights come from '${target}'.`);
  }
  const fresh = initialiseWeights(graph, { seed });
  const weights: WeightStore = new Map();
  for (const [name, tensor] of fresh) {
    const kept = loaded.weights!.get(name);
    weights.set(name, kept && kept.dims.length === tensor.dims.length && kept.dims.every((d, i) => d === tensor.dims[i]) ? kept : tensor);
  }
  return { id: graph.name, graph, weights, notes };
}

/** Goes on from a checkpoint saved by this command: its graph, weights, optimiser state, settings and data order. */
async function planFromCheckpoint(name: string, args: ParsedCommand, context: CliContext): Promise<Plan> {
  if (args.positionals.length > 0) throw new UsageError(`--resume takes the model from the checkpoint; drop '${args.positionals[0]}'.`);
  for (const option of ['data', 'batch', 'lr', 'optimizer', 'momentum', 'nesterov', 'weight-decay', 'schedule', 'milestones', 'patience', 'warmup', 'input', 'seed', 'val-split']) {
    if (args.values[option] !== undefined) throw new UsageError(`--resume continues with the checkpoint's own settings; --${option} cannot change them.`);
  }
  const checkpoint = await loadCheckpoint(context.data.path, name);
  const settings = checkpoint.info.run.settings as unknown as SavedSettings | undefined;
  if (!settings || typeof settings.dataset !== 'string' || !settings.normalisation) {
    throw new TrainError('checkpoint-settings', `Checkpoint '${name}' was not written by 'model-lab train' (it lacks the run's settings), so it cannot be resumed here.`);
  }
  const epochs = intOption(args, 'epochs', settings.epochs, 1, 100_000);
  const done = checkpoint.info.run.epoch;
  if (epochs <= done) throw new UsageError(`Checkpoint '${name}' has already trained ${done} epochs; give --epochs above ${done} to train more.`);
  const manifest = await readManifest(context.data.path, settings.dataset);
  if (manifest.contentHash !== settings.datasetHash) {
    throw new TrainError('dataset-changed', `Dataset '${settings.dataset}' has changed since checkpoint '${name}' was saved (its content hash differs), so the run cannot go on with the same data order.`);
  }
  const weights: WeightStore = new Map();
  for (const t of decodeModel(checkpoint.weights).graph.initializers) {
    if (typeof t.values === 'object' && !Array.isArray(t.values)) weights.set(t.name, { dims: [...t.dims], data: Float32Array.from(t.values as ArrayLike<number>) });
  }
  const { warmupEpochs, ...schedule } = settings.schedule;
  return {
    id: settings.model,
    graph: checkpoint.graph,
    manifest,
    epochs,
    batch: settings.batch,
    lr: settings.lr,
    seed: settings.seed,
    optimizer: settings.optimizer,
    schedule: schedule as LrSchedule,
    warmupEpochs,
    weights,
    resume: { epoch: done, step: checkpoint.info.run.step, optimizerState: unpackTensors(checkpoint.optimizerState) },
    normalisation: settings.normalisation,
  };
}

async function train(args: ParsedCommand, context: CliContext): Promise<number> {
  const resumeName = stringOption(args, 'resume');
  const plan = resumeName ? await planFromCheckpoint(resumeName, args, context) : await planFromArgs(args, context);
  const { id, graph, manifest, epochs, batch, lr, seed, optimizer, schedule, warmupEpochs } = plan;
  const out = resolve(stringOption(args, 'out', true));
  const validateEvery = intOption(args, 'val-every', 1, 0, 100_000);
  const threadsText = stringOption(args, 'threads');
  const threads = threadsText === undefined || threadsText === 'auto' ? 'auto' : intOption(args, 'threads', 1, 1, 64);
  const json = args.values.json === true;
  const say = (text: string) => (json ? context.stderr(text) : context.stdout(text));
  const checkpointName = stringOption(args, 'checkpoint') ?? (basename(out).replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '') || 'train');
  await mkdir(out, { recursive: true });

  const program = lowerTraining(graph, { batch, ...(plan.lrMultipliers ? { lrMultipliers: plan.lrMultipliers } : {}) });
  const stepsPerEpoch = Math.floor(manifest.counts.train / batch);
  const bar = progress(context, epochs);
  const history: EpochMetrics[] = [];
  const trainer = new Trainer({
    program,
    weights: plan.weights,
    ...(plan.resume ? { resume: plan.resume } : {}),
    ...(plan.normalisation ? { normalisation: plan.normalisation } : {}),
    optimizer,
    schedule: { base: lr, schedule, warmupSteps: Math.round(warmupEpochs * stepsPerEpoch) },
    epochs,
    seed,
    data: new StoreDataSource(nodeDatasetApi(context.data.path), manifest.name),
    validateEvery,
    inference: (weights) => lowerInference(graph, weights, { batch: 'N' }),
    evalBatch: Math.max(batch, 256),
    loader: nodeLoader,
    backend: 'wasm',
    threads,
    onEvent: (event) => {
      if (event.type === 'step') bar.step(event, batch);
      else if (event.type === 'epoch') {
        bar.clear();
        say(epochLine(event, epochs));
        history.push(event);
      } else if (event.type === 'notice') say(`${event.message}\n`);
      else if (event.type === 'ready') {
        say(
          `Training ${id} on '${manifest.name}' (${manifest.counts.train} train, ${manifest.counts.val} val, ${manifest.counts.test} test; ${shapeText(manifest.shape)}, ${manifest.classes.length} classes): ` +
            `${plan.resume ? `epochs ${plan.resume.epoch + 1} to ${epochs} (resumed from checkpoint '${resumeName}')` : `${epochs} epoch${epochs === 1 ? '' : 's'}`} of ${event.stepsPerEpoch} steps, batch ${batch}, ${optimizer.kind} lr ${lr}, seed ${seed}, on ${event.backend.ep}${event.backend.numThreads ? ` with ${event.backend.numThreads} thread${event.backend.numThreads > 1 ? 's' : ''}` : ''} (${event.backend.reason})\n`,
        );
      }
    },
    afterEpoch: (metrics) => saveRun(metrics.epoch, metrics.epoch * stepsPerEpoch),
  });

  const settings = {
    model: id,
    dataset: manifest.name,
    datasetHash: manifest.contentHash,
    epochs,
    batch,
    lr,
    optimizer: { ...optimizer },
    schedule: { ...schedule, warmupEpochs },
    seed,
  };
  const modelBytes = (weights: WeightStore, normalisation: Normalisation) =>
    encodeModel(
      lowerInference(graph, weights, {
        batch: 'N',
        metadata: { 'model_lab.normalisation': JSON.stringify(normalisation), 'model_lab.classes': JSON.stringify(manifest.classes), 'model_lab.dataset': manifest.name },
      }).model,
    );
  async function saveRun(epoch: number, step: number) {
    const weights = await trainer.weights();
    await saveCheckpoint(context.data.path, {
      name: checkpointName,
      graph,
      weights: modelBytes(weights, trainer.normalisation),
      optimizerState: packTensors(await trainer.optimizerState()),
      run: { step, epoch, dataOrder: { seed, position: 0 }, settings: { ...settings, normalisation: { ...trainer.normalisation } } as never },
      metrics: history as never,
    });
  }

  const onSignal = () => trainer.stop();
  process.once('SIGINT', onSignal);
  let result: TrainingResult;
  let test: EvalResult | undefined;
  let weights: WeightStore;
  try {
    result = await trainer.run();
    bar.clear();
    if (result.status === 'finished' && manifest.counts.test > 0) test = await trainer.evaluate('test');
    if (result.status !== 'finished') await saveRun(result.epochs, result.steps);
    weights = await trainer.weights();
  } finally {
    process.off('SIGINT', onSignal);
    bar.clear();
    await trainer.dispose();
  }
  const backend = trainer.backend.ep;
  await writeFile(join(out, 'model.onnx'), modelBytes(weights, trainer.normalisation));
  const last = result.history.at(-1);
  const imagesPerSecond = overallThroughput(result.history, stepsPerEpoch * batch);
  const metrics = {
    status: result.status,
    ...(result.message ? { message: result.message } : {}),
    settings,
    normalisation: trainer.normalisation,
    classes: manifest.classes,
    backend: trainer.backend,
    stepsPerEpoch,
    droppedPerEpoch: manifest.counts.train - stepsPerEpoch * batch,
    checkpoint: { name: checkpointName, folder: join(context.data.path, 'checkpoints', checkpointName) },
    epochs: result.history.map(({ type: _type, ...m }) => m),
    stepLosses: result.losses,
    test: test ?? null,
    imagesPerSecond,
  };
  await writeFile(join(out, 'metrics.json'), JSON.stringify(metrics, null, 1));

  if (result.status !== 'finished') {
    throw new TrainError(
      result.status,
      `${result.message} The last good weights are in '${join(out, 'model.onnx')}' and checkpoint '${checkpointName}'.`,
    );
  }
  if (test) say(`test: loss ${test.loss.toFixed(4)}, accuracy ${test.accuracy.toFixed(4)} (${test.correct}/${test.count})\n`);
  say(`Wrote ${join(out, 'model.onnx')}, ${join(out, 'metrics.json')} and checkpoint '${checkpointName}'.\n`);
  if (json) {
    context.stdout(
      JSON.stringify({
        epochs: result.epochs,
        trainLoss: last?.trainLoss ?? null,
        trainAccuracy: last?.trainAccuracy ?? null,
        testAccuracy: test?.accuracy ?? null,
        imagesPerSecond,
        backend,
      }) + '\n',
    );
  }
  return 0;
}
