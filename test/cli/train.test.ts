// `model-lab train` and `model-lab eval` end to end in Node (wasm): a short real run on the bundled Fashion-MNIST
// sample, a graph file trained on an IDX folder (imported once, then reused), divergence, and bad input.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../main/cli/command';
import { trainCommand } from '../../main/cli/commands/train';
import { main } from '../../main/cli/main';
import { resolveDataDir } from '../../main/services/data-folder';
import { listCheckpoints, loadCheckpoint } from '../../main/services/checkpoints/index';
import { installSampleDataset, SAMPLE_DATASET_NAME } from '../../main/services/datasets/index';
import { decodeModel } from '../../renderer/core/onnx/codec';
import { unpackTensors } from '../../renderer/runtime/trainer/pack';
import { tempFolder, writeIdx } from '../fixtures/datasets/make';
import { SMALL_GRAPH } from '../fixtures/small-graph';

let work: { path: string; cleanup: () => Promise<void> };
let dataDir: string;
beforeAll(async () => {
  work = await tempFolder();
  dataDir = join(work.path, 'data');
  await installSampleDataset(dataDir);
  await writeIdx(join(work.path, 'patterns'), { train: 96, test: 24, classes: 3, h: 6, w: 6 });
  await writeFile(join(work.path, 'small.json'), JSON.stringify(SMALL_GRAPH));
});
afterAll(() => work.cleanup());

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['--data-dir', dataDir, ...argv], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {} });
  return { code, stdout, stderr };
}

describe('model-lab train', () => {
  it('trains lenet5-relu on the 2,000-image Fashion-MNIST sample past 0.70 test accuracy; eval of the export agrees', async () => {
    const out = join(work.path, 'lenet');
    const run = await cli('train', 'lenet5-relu', '--data', SAMPLE_DATASET_NAME, '--epochs', '3', '--batch', '32', '--optimizer', 'adam', '--lr', '0.003', '--val-every', '0', '--seed', '1', '--out', out, '--json');
    expect(run.stderr).toContain("Training lenet5-relu on 'fashion-mnist-sample' (1800 train, 200 val, 500 test; 1×28×28, 10 classes): 3 epochs of 56 steps");
    expect(run.stderr).toContain('leaves out 8 samples');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    expect(Object.keys(summary)).toEqual(['epochs', 'trainLoss', 'trainAccuracy', 'testAccuracy', 'imagesPerSecond', 'backend']);
    expect(summary.epochs).toBe(3);
    expect(summary.backend).toBe('wasm');
    expect(summary.testAccuracy).toBeGreaterThan(0.7);
    expect(summary.trainLoss).toBeLessThan(0.8);
    expect(summary.imagesPerSecond).toBeGreaterThan(0);

    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.status).toBe('finished');
    expect(metrics.stepLosses).toHaveLength(3 * 56);
    expect(metrics.epochs.map((e: { trainLoss: number }) => e.trainLoss)).toHaveLength(3);
    expect(metrics.test.accuracy).toBe(summary.testAccuracy);
    expect(metrics.test.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(500);

    const model = decodeModel(new Uint8Array(await readFile(join(out, 'model.onnx'))));
    const meta = new Map(model.metadataProps);
    expect(JSON.parse(meta.get('model_lab.normalisation')!).mean[0]).toBeGreaterThan(0.2);
    expect(JSON.parse(meta.get('model_lab.classes')!)[0]).toBe('T-shirt/top');

    const [checkpoint] = await listCheckpoints(dataDir);
    expect(checkpoint).toMatchObject({ name: 'lenet', run: { epoch: 3, step: 168 } });
    const loaded = await loadCheckpoint(dataDir, 'lenet');
    const state = unpackTensors(loaded.optimizerState);
    expect(state.get('conv1.weight.adam_m')?.dims).toEqual([6, 1, 5, 5]);
    expect(state.get('fc3.bias.adam_v')?.dims).toEqual([10]);

    const evaluated = await cli('eval', out, '--data', SAMPLE_DATASET_NAME, '--json');
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report).toMatchObject({ split: 'test', count: 500, correct: metrics.test.correct });
    expect(report.loss).toBeCloseTo(metrics.test.loss, 5);
    expect(report.confusion).toEqual(metrics.test.confusion);

    const text = await cli('eval', join(out, 'model.onnx'), '--data', SAMPLE_DATASET_NAME, '--split', 'val');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/on 'fashion-mnist-sample' val \(200 images\): accuracy 0\.\d{4} \(\d+\/200\), loss \d\.\d{4}/);
    expect(text.stdout).toMatch(/\n9:Ankle boot(\s+\d+){10}\n$/);
  }, 120_000);

  it('trains a graph file on an IDX folder, importing it once and reusing it', async () => {
    const file = join(work.path, 'small.json');
    const folder = join(work.path, 'patterns');
    const first = await cli('train', file, '--data', folder, '--val-split', '0', '--epochs', '2', '--batch', '16', '--lr', '0.05', '--momentum', '0.9', '--out', join(work.path, 'small'), '--json');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`Importing '${folder}' into the data folder as dataset 'patterns'`);
    expect(first.stderr).not.toContain('leaves out');
    expect(JSON.parse(first.stdout)).toMatchObject({ epochs: 2, backend: 'wasm' });
    const second = await cli('train', file, '--data', folder, '--epochs', '1', '--batch', '16', '--lr', '0.05', '--out', join(work.path, 'small2'));
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('Importing');
    // A model this small trains on one wasm thread (threads pay only from 100 M multiply-adds per image).
    expect(second.stdout).toContain('on wasm with 1 thread (');
    expect(second.stdout).toMatch(/^epoch 1\/1: train loss \d\.\d{4}, accuracy [01]\.\d{4}; lr 0\.0500; [\d,]+ img\/s; [\d.]+ s$/m);
    expect(second.stdout).toMatch(/^test: loss \d\.\d{4}, accuracy [01]\.\d{4} \(\d+\/24\)$/m);
  }, 60_000);

  it('resumes from a checkpoint and ends where an uninterrupted run ends', async () => {
    const common = ['--val-every', '0', '--json'];
    const initializers = async (dir: string) => new Map(decodeModel(new Uint8Array(await readFile(join(dir, 'model.onnx')))).graph.initializers.map((t) => [t.name, Array.from(t.values as Float32Array)]));
    const file = join(work.path, 'small.json');
    const whole = await cli('train', file, '--data', join(work.path, 'patterns'), '--epochs', '3', '--batch', '16', '--optimizer', 'adam', '--lr', '0.01', '--out', join(work.path, 'whole'), ...common);
    expect(whole.code).toBe(0);
    const part = await cli('train', file, '--data', join(work.path, 'patterns'), '--epochs', '1', '--batch', '16', '--optimizer', 'adam', '--lr', '0.01', '--out', join(work.path, 'part'), ...common);
    expect(part.code).toBe(0);
    const resumed = await cli('train', '--resume', 'part', '--epochs', '3', '--out', join(work.path, 'resumed'), ...common);
    expect(resumed.stderr).toContain("epochs 2 to 3 (resumed from checkpoint 'part')");
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ epochs: 3, trainLoss: JSON.parse(whole.stdout).trainLoss, testAccuracy: JSON.parse(whole.stdout).testAccuracy });
    expect(await initializers(join(work.path, 'resumed'))).toEqual(await initializers(join(work.path, 'whole')));
    const again = await cli('train', '--resume', 'resumed', '--epochs', '3', '--out', join(work.path, 'resumed2'));
    expect(again).toMatchObject({ code: 2, stderr: "model-lab: Checkpoint 'resumed' has already trained 3 epochs; give --epochs above 3 to train more.\n" });
    expect((await cli('train', '--resume', 'part', '--lr', '1', '--out', join(work.path, 'x'))).stderr).toMatch(/--lr cannot change them/);
  }, 60_000);

  it('draws a progress bar with throughput and ETA on an interactive stderr, and no bar otherwise', async () => {
    const run = async (interactive: boolean) => {
      let stderr = '';
      let stdout = '';
      const args = parseCommandArgs(trainCommand, [join(work.path, 'small.json'), '--data', join(work.path, 'patterns'), '--val-split', '0', '--epochs', '2', '--batch', '8', '--lr', '0.05', '--out', join(work.path, `bar-${interactive}`)]);
      const code = await trainCommand.run(args, { data: resolveDataDir(dataDir), stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), interactive });
      return { code, stderr, stdout };
    };
    const bar = await run(true);
    expect(bar.code).toBe(0);
    expect(bar.stderr).toMatch(/\repoch 1\/2 \[[#.]{24}\] \d+\/12 loss \d\.\d{4} acc [01]\.\d{3} [\d,]+ img\/s ETA \d+:\d\d/);
    expect(bar.stderr).toMatch(/\repoch 2\/2 \[#{24}\] 12\/12 .* ETA 0:00/);
    expect(bar.stdout.match(/^epoch \d\/2: /gm)).toHaveLength(2);
    const plain = await run(false);
    expect(plain.stderr).not.toContain('\r');
    expect(plain.stdout.match(/^epoch \d\/2: /gm)).toHaveLength(2);
  }, 60_000);

  it('stops a diverging run with a message naming the step, keeping the last good weights in model.onnx', async () => {
    const out = join(work.path, 'diverged');
    const run = await cli('train', join(work.path, 'small.json'), '--data', join(work.path, 'patterns'), '--epochs', '3', '--batch', '16', '--lr', '1e6', '--out', out);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^model-lab: Training diverged at step (\d+) \(epoch \d, batch \d of 6\): the loss is (NaN|Infinity|-Infinity) .* after step \d+\. .*The last good weights are in '.*model\.onnx' and checkpoint 'diverged'\.\n$/);
    const model = decodeModel(new Uint8Array(await readFile(join(out, 'model.onnx'))));
    const weights = model.graph.initializers.filter((t) => t.name.endsWith('.weight'));
    expect(weights.length).toBe(2);
    for (const t of weights) expect(Array.from(t.values as Float32Array).every(Number.isFinite)).toBe(true);
    expect(JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')).status).toBe('diverged');
  }, 60_000);

  it('refuses bad input with one line and exit code 1 or 2', async () => {
    const out = join(work.path, 'bad');
    const cases: Array<[string[], number, RegExp]> = [
      [['lenet5-relu', '--data', 'no-such-data', '--lr', '0.1', '--out', out], 1, /There is no dataset named 'no-such-data'/],
      [['lenet5-relu', '--data', SAMPLE_DATASET_NAME, '--lr', '0.1', '--input', '3x32x32', '--out', out], 1, /--input 3x32x32 does not match dataset 'fashion-mnist-sample', whose images are 1×28×28/],
      [[join(work.path, 'small.json'), '--data', SAMPLE_DATASET_NAME, '--lr', '0.1', '--out', out], 1, /takes 1×6×6 images, but dataset 'fashion-mnist-sample' holds 1×28×28/],
      [['lenet5-relu', '--data', SAMPLE_DATASET_NAME, '--lr', '0.1', '--batch', '5000', '--out', out], 2, /--batch 5000 is larger than the 1800 training samples/],
      [['lenet5-relu', '--data', SAMPLE_DATASET_NAME, '--lr', 'NaN', '--out', out], 2, /--lr must be a number .* got 'NaN'/],
      [['lenet5-relu', '--data', SAMPLE_DATASET_NAME, '--lr', 'Infinity', '--out', out], 2, /--lr must be a number .* got 'Infinity'/],
      [['lenet5-relu', '--data', SAMPLE_DATASET_NAME, '--out', out], 2, /--lr is required/],
      [['no-such-model', '--data', SAMPLE_DATASET_NAME, '--lr', '0.1', '--out', out], 2, /'no-such-model' is neither a graph file nor a zoo model/],
      [['lenet5-relu', '--data', SAMPLE_DATASET_NAME, '--lr', '0.1', '--threads', 'many', '--out', out], 2, /--threads must be a whole number from 1 to 64; got 'many'/],
    ];
    for (const [args, code, message] of cases) {
      const run = await cli('train', ...args);
      expect(run.stderr, args.join(' ')).toMatch(message);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.code, args.join(' ')).toBe(code);
    }
    expect(existsSync(join(out, 'model.onnx'))).toBe(false);
    const wrong = await cli('eval', join(work.path, 'small'), '--data', SAMPLE_DATASET_NAME);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/takes 1×6×6 images, but dataset 'fashion-mnist-sample' holds 1×28×28/);
  }, 60_000);
});
