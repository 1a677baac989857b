// The Train area's run setup: every field checked with a message naming it and quoting the value, the trainer's
// configuration derived as the CLI derives it, and the model fitted to the dataset (or refused, saying why).
import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../../preload/types/datasets';
import { zooModel } from '../../../models/index';
import { DEFAULT_FORM, checkpointSlug, defaultCheckpointName, resolveModel, scheduleConfig, stepsPerEpoch, validateForm, type RunForm } from '../../../renderer/train/run-config';

const form = (changes: Partial<RunForm> = {}): RunForm => ({ ...DEFAULT_FORM, ...changes });
const fashion: DatasetSummary = {
  name: 'fashion-mnist-sample',
  shape: [1, 28, 28],
  classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  counts: { train: 1800, val: 200, test: 500 },
};

describe('validateForm', () => {
  it('turns the defaults into SGD with momentum, a constant rate and no warm-up', () => {
    const { settings, errors } = validateForm(form());
    expect(errors).toEqual({});
    expect(settings).toEqual({
      epochs: 5,
      batch: 64,
      lr: 0.02,
      seed: 1,
      optimizer: { kind: 'sgd', momentum: 0.9, weightDecay: 0 },
      schedule: { kind: 'constant' },
      warmupEpochs: 0,
      backend: 'auto',
      checkpoint: '',
    });
  });

  it('maps each optimiser choice to the trainer optimiser, momentum only for SGD', () => {
    expect(validateForm(form({ optimizer: 'nesterov' })).settings!.optimizer).toEqual({ kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 0 });
    expect(validateForm(form({ optimizer: 'adamw', weightDecay: '0.05', momentum: 'ignored' })).settings!.optimizer).toEqual({ kind: 'adamw', weightDecay: 0.05 });
    expect(validateForm(form({ optimizer: 'nesterov', momentum: '0' })).errors.momentum).toMatch(/Nesterov momentum needs a momentum above 0/);
  });

  it('names the field and quotes the value of each bad entry', () => {
    const { settings, errors } = validateForm(form({ epochs: '2.5', batch: '0', lr: 'fast', seed: '-1', momentum: '1', weightDecay: '2', warmupEpochs: '9' }));
    expect(settings).toBeUndefined();
    expect(errors.epochs).toBe("Epochs must be a whole number from 1 to 100000; got '2.5'.");
    expect(errors.batch).toBe('Batch size must be from 1 to 65536; got 0.');
    expect(errors.lr).toBe("The learning rate must be a positive number such as 0.01; got 'fast'.");
    expect(errors.seed).toMatch(/The seed must be a whole number.*got '-1'/);
    expect(errors.momentum).toMatch(/Momentum must be from 0 up to \(not including\) 1; got '1'/);
    expect(errors.weightDecay).toMatch(/Weight decay must be from 0 to 1; got '2'/);
    expect(errors.warmupEpochs).toBeUndefined(); // epochs is invalid, so warm-up has no upper bound to check against
    expect(validateForm(form({ epochs: '3', warmupEpochs: '4' })).errors.warmupEpochs).toMatch(/from 0 to the number of epochs \(3\); got '4'/);
  });

  it('refuses a batch larger than the training split', () => {
    expect(validateForm(form({ batch: '2000' }), { trainCount: 1800, datasetName: 'fashion-mnist-sample' }).errors.batch).toBe(
      "Batch size 2000 is larger than the 1800 training samples of 'fashion-mnist-sample'; choose at most 1800.",
    );
  });

  it('reads step milestones (1 to epochs − 1), plateau patience and cosine', () => {
    expect(validateForm(form({ epochs: '10', schedule: 'step', milestones: '6, 3,6' })).settings!.schedule).toEqual({ kind: 'step', milestones: [3, 6] });
    expect(validateForm(form({ epochs: '5', schedule: 'step', milestones: '5' })).errors.milestones).toMatch(/from 1 to 4.*got '5'/);
    expect(validateForm(form({ schedule: 'step', milestones: '' })).errors.milestones).toMatch(/such as 3,6/);
    expect(validateForm(form({ schedule: 'plateau', patience: '3' })).settings!.schedule).toEqual({ kind: 'plateau', patience: 3 });
    expect(validateForm(form({ schedule: 'plateau', patience: '0' })).errors.patience).toMatch(/Plateau patience must be from 1/);
    expect(validateForm(form({ schedule: 'cosine' })).settings!.schedule).toEqual({ kind: 'cosine' });
  });

  it('converts warm-up epochs to steps as the CLI does', () => {
    const { settings } = validateForm(form({ warmupEpochs: '0.5' }));
    expect(scheduleConfig(settings!, stepsPerEpoch(1800, 64))).toEqual({ base: 0.02, schedule: { kind: 'constant' }, warmupSteps: 14 });
    expect(stepsPerEpoch(1800, 64)).toBe(28);
  });

  it('accepts plain checkpoint names only, suggesting one', () => {
    expect(validateForm(form({ checkpoint: 'my run/1' })).errors.checkpoint).toBe("A checkpoint name may hold letters, digits, '-', '_' and '.' only; got 'my run/1' (try 'my-run-1').");
    expect(validateForm(form({ checkpoint: 'lenet.v2' })).settings!.checkpoint).toBe('lenet.v2');
    expect(checkpointSlug('  ..odd name!  ')).toBe('odd-name');
    expect(defaultCheckpointName('lenet5-relu', 'fashion-mnist-sample', new Date('2026-11-25T14:03:09.123Z'))).toBe('lenet5-relu-fashion-mnist-sample-20261125-140309');
  });
});

describe('resolveModel', () => {
  const lenet = zooModel('lenet5-relu')!;

  it('builds a zoo template for the dataset, with its class names', () => {
    const resolved = resolveModel({ source: 'zoo', id: 'lenet5-relu' }, null, fashion);
    expect(resolved.error).toBeUndefined();
    expect(resolved.graph!.classes).toEqual(fashion.classes);
    const input = resolved.graph!.nodes.find((n) => n.kind === 'Input')!;
    expect(input.kind === 'Input' && [input.attrs.channels, input.attrs.height, input.attrs.width]).toEqual([1, 28, 28]);
  });

  it('rebuilds an unedited template from the Model area for the dataset, and says so', () => {
    const graph = lenet.build({ input: [3, 32, 32], classes: 100 });
    const resolved = resolveModel({ source: 'editor' }, { graph, templateId: 'lenet5-relu', edited: false }, fashion);
    expect(resolved.note).toMatch(/lenet5-relu takes 3×32×32 images; it is rebuilt by the zoo for 'fashion-mnist-sample' \(1×28×28, 10 classes\)/);
    expect(resolved.graph).toBeDefined();
  });

  it('trains an edited graph as it is when it fits, and refuses one whose input or class count differs', () => {
    const fits = lenet.build({ input: [1, 28, 28], classes: 10 });
    const ok = resolveModel({ source: 'editor' }, { graph: fits, templateId: 'lenet5-relu', edited: true }, fashion);
    expect(ok.error).toBeUndefined();
    expect(ok.graph!.nodes).toBe(fits.nodes);

    const wide = lenet.build({ input: [3, 32, 32], classes: 10 });
    expect(resolveModel({ source: 'editor' }, { graph: wide, templateId: null, edited: true }, fashion).error).toMatch(
      /takes 3×32×32 images, but 'fashion-mnist-sample' \(1×28×28, 10 classes\) holds 1×28×28; set its Input to 1x28x28/,
    );
    const five = lenet.build({ input: [1, 28, 28], classes: 5 });
    expect(resolveModel({ source: 'editor' }, { graph: five, templateId: null, edited: true }, fashion).error).toMatch(/has 5 outputs, but .* has 10 classes/);
  });

  it('refuses a template too large-strided for the images, naming the problem', () => {
    const resolved = resolveModel({ source: 'zoo', id: 'alexnet-d2l' }, null, fashion);
    expect(resolved.graph).toBeUndefined();
    expect(resolved.error).toMatch(/at 1×28×28 cannot be trained as it is: .+ Choose a model made for small images/);
  });

  it('says when nothing is open and when a zoo id is unknown', () => {
    expect(resolveModel({ source: 'editor' }, null, fashion).error).toMatch(/Nothing is open in the Model area/);
    expect(resolveModel({ source: 'zoo', id: 'nope' }, null, fashion).error).toBe("There is no zoo model 'nope'.");
  });
});
