// The Train area's run setup as plain logic: the form's fields (as typed) checked and turned into the trainer's
// configuration, and the model to train (the Model area's graph or a zoo template) fitted to the chosen dataset.
// Messages name the field and quote the bad value, as the CLI's do for the same settings.
import type { DatasetSummary } from '../../preload/types/datasets';
import { analyse } from '../core/analysis';
import type { LayerGraph, LayerNode } from '../core/ir';
import { resolveOptimizer, type OptimizerConfig } from '../core/training/optimizers';
import { checkSchedule, type LrSchedule, type ScheduleConfig } from '../runtime/trainer/schedule';
import { zooModel } from '../../models/index';

export type OptimizerChoice = 'sgd' | 'nesterov' | 'adam' | 'adamw';
export type ScheduleChoice = 'constant' | 'step' | 'plateau' | 'cosine';
export type BackendChoice = 'auto' | 'webgpu' | 'wasm';

/** The form as the user typed it: numbers stay text until checked, so a half-typed value is not lost. */
export interface RunForm {
  epochs: string;
  batch: string;
  optimizer: OptimizerChoice;
  lr: string;
  momentum: string;
  weightDecay: string;
  schedule: ScheduleChoice;
  /** Step schedule: epochs (1-based, as the CLI's --milestones) after which the rate is divided by 10. */
  milestones: string;
  patience: string;
  /** Linear warm-up, in epochs (fractions allowed), as the CLI's --warmup. */
  warmupEpochs: string;
  seed: string;
  backend: BackendChoice;
  checkpoint: string;
}

export const DEFAULT_FORM: RunForm = {
  epochs: '5',
  batch: '64',
  optimizer: 'sgd',
  lr: '0.02',
  momentum: '0.9',
  weightDecay: '0',
  schedule: 'constant',
  milestones: '',
  patience: '2',
  warmupEpochs: '0',
  seed: '1',
  backend: 'auto',
  checkpoint: '',
};

/** The checked settings: what the trainer is given and what a checkpoint records. */
export interface RunSettings {
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  optimizer: OptimizerConfig;
  schedule: LrSchedule;
  warmupEpochs: number;
  backend: BackendChoice;
  checkpoint: string;
}

export type FieldErrors = Partial<Record<keyof RunForm, string>>;

/** What the form is checked against: the dataset's training split size (a batch cannot exceed it). */
export interface FormContext {
  trainCount?: number;
  datasetName?: string;
}

const WHOLE = /^\s*\d+\s*$/;
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

function whole(errors: FieldErrors, field: keyof RunForm, label: string, text: string, min: number, max: number): number {
  if (!WHOLE.test(text)) {
    errors[field] = `${label} must be a whole number from ${min} to ${max}; got '${text}'.`;
    return NaN;
  }
  const value = Number(text);
  if (value < min || value > max) errors[field] = `${label} must be from ${min} to ${max}; got ${value}.`;
  return value;
}

function decimal(errors: FieldErrors, field: keyof RunForm, label: string, text: string, ok: (v: number) => boolean, range: string): number {
  const value = NUMBER.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || !ok(value)) errors[field] = `${label} must be ${range}; got '${text}'.`;
  return value;
}

/** A name that the checkpoint store accepts (a plain folder name), made from free text. */
export function checkpointSlug(text: string): string {
  return text
    .trim()
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 100);
}

/** A default checkpoint name: model, dataset and a UTC timestamp to the second. */
export function defaultCheckpointName(model: string, dataset: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return checkpointSlug(`${model}-${dataset}-${stamp}`);
}

/** Checks every field; settings only when there is no error. */
export function validateForm(form: RunForm, context: FormContext = {}): { settings?: RunSettings; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const epochs = whole(errors, 'epochs', 'Epochs', form.epochs, 1, 100_000);
  const batch = whole(errors, 'batch', 'Batch size', form.batch, 1, 65_536);
  if (!errors.batch && context.trainCount !== undefined && batch > context.trainCount) {
    errors.batch = `Batch size ${batch} is larger than the ${context.trainCount} training samples of '${context.datasetName ?? 'the dataset'}'; choose at most ${context.trainCount}.`;
  }
  const lr = decimal(errors, 'lr', 'The learning rate', form.lr, (v) => v > 0 && v <= 1e3, 'a positive number such as 0.01');
  const seed = whole(errors, 'seed', 'The seed', form.seed, 0, 2 ** 31 - 1);
  const weightDecay = decimal(errors, 'weightDecay', 'Weight decay', form.weightDecay, (v) => v >= 0 && v <= 1, 'from 0 to 1');

  const usesMomentum = form.optimizer === 'sgd' || form.optimizer === 'nesterov';
  let momentum = 0;
  if (usesMomentum) {
    momentum = decimal(errors, 'momentum', 'Momentum', form.momentum, (v) => v >= 0 && v < 1, 'from 0 up to (not including) 1');
    if (!errors.momentum && form.optimizer === 'nesterov' && momentum === 0) errors.momentum = 'Nesterov momentum needs a momentum above 0, such as 0.9.';
  }
  const optimizer: OptimizerConfig =
    form.optimizer === 'adam' || form.optimizer === 'adamw'
      ? { kind: form.optimizer, weightDecay }
      : { kind: 'sgd', momentum, ...(form.optimizer === 'nesterov' ? { nesterov: true } : {}), weightDecay };

  let schedule: LrSchedule = { kind: 'constant' };
  if (form.schedule === 'cosine') schedule = { kind: 'cosine' };
  else if (form.schedule === 'plateau') schedule = { kind: 'plateau', patience: whole(errors, 'patience', 'Plateau patience', form.patience, 1, 1000) };
  else if (form.schedule === 'step') {
    const parts = form.milestones.split(',').map((part) => part.trim());
    const milestones = parts.map(Number);
    const max = Number.isFinite(epochs) ? epochs - 1 : Infinity;
    if (form.milestones.trim() === '' || parts.some((p) => !WHOLE.test(p)) || milestones.some((m) => m < 1 || m > max)) {
      errors.milestones = `Milestones are the epochs after which the rate is divided by 10: whole numbers from 1 to ${Number.isFinite(max) ? max : 'epochs − 1'}, separated by commas, such as 3,6; got '${form.milestones}'.`;
    }
    schedule = { kind: 'step', milestones: [...new Set(milestones)].sort((a, b) => a - b) };
  }
  const warmupEpochs = decimal(errors, 'warmupEpochs', 'Warm-up', form.warmupEpochs, (v) => v >= 0 && (!Number.isFinite(epochs) || v <= epochs), `from 0 to the number of epochs (${form.epochs})`);

  const checkpoint = checkpointSlug(form.checkpoint);
  if (form.checkpoint.trim() !== '' && checkpoint !== form.checkpoint.trim()) {
    errors.checkpoint = `A checkpoint name may hold letters, digits, '-', '_' and '.' only; got '${form.checkpoint}' (try '${checkpoint || 'run-1'}').`;
  }

  // The trainer's own rules, so the form refuses exactly what the run would.
  if (Object.keys(errors).length === 0) {
    try {
      resolveOptimizer(optimizer);
      checkSchedule(scheduleConfig({ lr, schedule, warmupEpochs }, 1));
    } catch (error) {
      errors.optimizer = (error as Error).message;
    }
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { errors, settings: { epochs, batch, lr, seed, optimizer, schedule, warmupEpochs, backend: form.backend, checkpoint } };
}

/** The schedule the trainer takes: warm-up converted from epochs to steps, as the CLI does. */
export function scheduleConfig(settings: Pick<RunSettings, 'lr' | 'schedule' | 'warmupEpochs'>, stepsPerEpoch: number): ScheduleConfig {
  return { base: settings.lr, schedule: settings.schedule, warmupSteps: Math.round(settings.warmupEpochs * stepsPerEpoch) };
}

/** Steps in an epoch: the step graph has a fixed batch, so the last partial batch is left out. */
export const stepsPerEpoch = (trainCount: number, batch: number): number => Math.floor(trainCount / batch);

// The model ------------------------------------------------------------------------------------------------------

/** Where the model comes from: what the Model area has open, or a zoo template built for the dataset. */
export type ModelChoice = { source: 'editor' } | { source: 'zoo'; id: string };

/** What the Model area exposes about its document. */
export interface EditorDocument {
  graph: LayerGraph;
  /** The zoo template it was opened from, if any. */
  templateId: string | null;
  /** Whether it was edited since it was opened (an edited template is the user's own graph). */
  edited: boolean;
}

export interface ResolvedModel {
  /** The graph to train, with the dataset's class names; absent when the model cannot train on the dataset. */
  graph?: LayerGraph;
  /** The model's id for checkpoints and titles (zoo id or graph name). */
  id: string;
  /** What the trainer will do, when it differs from what the user sees (a template rebuilt for the dataset). */
  note?: string;
  error?: string;
}

const shapeText = (shape: readonly number[]) => shape.join('×');

function inputShape(graph: LayerGraph): [number, number, number] | null {
  const inputs = graph.nodes.filter((n): n is Extract<LayerNode, { kind: 'Input' }> => n.kind === 'Input');
  if (inputs.length !== 1) return null;
  const { channels, height, width } = inputs[0]!.attrs;
  return [channels, height, width];
}

/** The first problem that stops a graph from training, as a sentence; null when it can train. */
function trainingProblem(graph: LayerGraph, what: string): string | null {
  const analysis = analyse(graph, { batch: 1 });
  if (analysis.issues.length > 0) {
    const issue = analysis.issues[0]!;
    const more = analysis.issues.length > 1 ? ` (and ${analysis.issues.length - 1} more problem${analysis.issues.length > 2 ? 's' : ''})` : '';
    return `${what} cannot be trained as it is: ${issue.nodeId}: ${issue.message}${more}`;
  }
  if (!analysis.output || analysis.output.length !== 1) {
    return `${what} outputs ${analysis.output ? shapeText(analysis.output) : 'nothing'} per image; training needs one score per class (end with Flatten and Dense).`;
  }
  return null;
}

function fromZoo(id: string, dataset: DatasetSummary, why: string): ResolvedModel {
  const entry = zooModel(id);
  if (!entry) return { id, error: `There is no zoo model '${id}'.` };
  let graph: LayerGraph;
  try {
    graph = { ...entry.build({ input: [...dataset.shape], classes: dataset.classes.length }), classes: [...dataset.classes] };
  } catch (error) {
    return { id, error: `${entry.title} cannot be built for ${shapeText(dataset.shape)} images: ${(error as Error).message}` };
  }
  const problem = trainingProblem(graph, `${entry.title} at ${shapeText(dataset.shape)}`);
  if (problem) return { id, error: `${problem} Choose a model made for small images (such as lenet5-relu) or a dataset of larger images.` };
  return { id, graph, note: why };
}

/** The model to train on `dataset`, or why it cannot be. */
export function resolveModel(choice: ModelChoice, editor: EditorDocument | null, dataset: DatasetSummary): ResolvedModel {
  const data = `'${dataset.name}' (${shapeText(dataset.shape)}, ${dataset.classes.length} classes)`;
  if (choice.source === 'zoo') return fromZoo(choice.id, dataset, `Built by the zoo for ${data}, with fresh seeded weights.`);
  if (!editor || editor.graph.nodes.length === 0) return { id: 'model', error: 'Nothing is open in the Model area; open or build a model there, or pick a zoo template here.' };
  const { graph, templateId, edited } = editor;
  const input = inputShape(graph);
  const sameInput = input !== null && shapeText(input) === shapeText(dataset.shape);
  if (templateId && !edited) {
    const why = sameInput
      ? `The Model area's ${templateId}, with ${dataset.classes.length} outputs for ${data}.`
      : `The Model area's ${templateId} takes ${input ? shapeText(input) : 'no'} images; it is rebuilt by the zoo for ${data}, as its Input setting would.`;
    return fromZoo(templateId, dataset, why);
  }
  const id = graph.name || 'model';
  if (!input) return { id, error: `The model in the Model area has ${graph.nodes.filter((n) => n.kind === 'Input').length} Input layers at its top level; training needs exactly one.` };
  if (!sameInput) {
    return {
      id,
      error: `The model in the Model area takes ${shapeText(input)} images, but ${data} holds ${shapeText(dataset.shape)}; set its Input to ${dataset.shape.join('x')} in the Model area, or pick a zoo template here (built for the dataset's size).`,
    };
  }
  const problem = trainingProblem(graph, `The model in the Model area`);
  if (problem) return { id, error: problem };
  const analysis = analyse(graph, { batch: 1 });
  const outputs = analysis.output![0]!;
  if (outputs !== dataset.classes.length) {
    return { id, error: `The model in the Model area has ${outputs} outputs, but ${data} has ${dataset.classes.length} classes; set the classes to ${dataset.classes.length} in the Model area.` };
  }
  return { id, graph: { ...graph, classes: [...dataset.classes] } };
}
