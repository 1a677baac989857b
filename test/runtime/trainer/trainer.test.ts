// The trainer on onnxruntime-web (wasm, in Node) with the hand-built tiny CNN: reproducible runs, pause/resume/stop,
// divergence keeps the last good weights, evaluation matches a direct computation, weights read back.
import { describe, expect, it } from 'vitest';
import { nodeLoader } from '../../../renderer/runtime/ort-node';
import { Trainer, type TrainerEvent, type TrainerOptions } from '../../../renderer/runtime/trainer/trainer';
import { tinyProgram } from '../../core/training/tiny-program';
import { tinyInference, tinySource, tinyWeights } from './tiny';

function options(overrides: Partial<TrainerOptions> = {}): TrainerOptions {
  return {
    program: tinyProgram(),
    weights: tinyWeights(),
    optimizer: { kind: 'sgd', momentum: 0.9 },
    schedule: { base: 0.05, schedule: { kind: 'constant' } },
    epochs: 2,
    seed: 7,
    data: tinySource({ train: 100, val: 20, test: 30 }, 32),
    inference: tinyInference,
    loader: nodeLoader,
    ...overrides,
  };
}

async function lossesOf(o: TrainerOptions): Promise<number[]> {
  const trainer = new Trainer(o);
  try {
    const result = await trainer.run();
    expect(result.status).toBe('finished');
    return result.losses;
  } finally {
    await trainer.dispose();
  }
}

describe('Trainer (wasm)', () => {
  it('is reproducible: the same seed gives the same losses bit for bit; another seed does not', async () => {
    const a = await lossesOf(options());
    // Read-backs asked for while steps run (as the worker's message handler may) wait for the step and change nothing.
    // Each step event asks for the weights while the run goes on (the event fires between steps, so the request
    // meets the next step in flight or about to start), as the worker's message handler may at any moment.
    let reader!: Trainer;
    const reads: Array<Promise<unknown>> = [];
    reader = new Trainer(options({ onEvent: (event) => void (event.type === 'step' && reads.push(reader.weights())) }));
    const b = (await reader.run()).losses;
    expect(reads.length).toBe(2 * Math.floor(100 / 8));
    for (const read of await Promise.all(reads)) expect((read as Map<string, unknown>).size).toBe(4);
    await reader.dispose();
    const c = await lossesOf(options({ seed: 8 }));
    expect(a).toHaveLength(2 * Math.floor(100 / 8));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('is reproducible with Adam too, and learns the task', async () => {
    const o = () => options({ optimizer: { kind: 'adam' }, schedule: { base: 0.01, schedule: { kind: 'constant' } }, epochs: 3 });
    const a = await lossesOf(o());
    expect(await lossesOf(o())).toEqual(a);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(a.slice(-6))).toBeLessThan(mean(a.slice(0, 6)) * 0.5);
  });

  it('reports per-step metrics, a notice for the dropped partial batch, and epoch validation', async () => {
    const events: TrainerEvent[] = [];
    const trainer = new Trainer(options({ onEvent: (e) => events.push(e) }));
    const result = await trainer.run();
    // On wasm the fed-back tensors live on the CPU: parameters and momentum buffers.
    expect(Object.fromEntries(trainer.residentLocations())).toEqual(
      Object.fromEntries(['conv.weight', 'conv.bias', 'fc.weight', 'fc.bias'].flatMap((p) => [[p, 'cpu'], [`${p}.momentum`, 'cpu']])),
    );
    await trainer.dispose();
    const steps = events.filter((e) => e.type === 'step');
    expect(steps).toHaveLength(24);
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    for (const s of steps) {
      expect(s.accuracy).toBeGreaterThanOrEqual(0);
      expect(s.accuracy).toBeLessThanOrEqual(1);
      expect(s.imagesPerSecond).toBeGreaterThan(0);
      expect(s.learningRate).toBe(0.05);
    }
    expect(events.find((e) => e.type === 'notice')).toMatchObject({ message: expect.stringContaining('leaves out 4 samples') });
    const ready = events.find((e) => e.type === 'ready');
    expect(ready).toMatchObject({ stepsPerEpoch: 12, droppedPerEpoch: 4, backend: { ep: 'wasm' } });
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(2);
    expect(epochs[1]!.validation?.count).toBe(20);
    // The epoch mean is the mean of its steps' losses.
    const epoch1 = steps.slice(0, 12).reduce((s, e) => s + e.loss, 0) / 12;
    expect(epochs[0]!.trainLoss).toBeCloseTo(epoch1, 10);
    expect(result.history).toEqual(epochs);
    expect(events.at(-1)).toEqual({ type: 'state', state: 'finished' });
  });

  it('pauses, resumes and stops between steps', async () => {
    const states: string[] = [];
    let trainer!: Trainer;
    let paused = false;
    let stepsWhilePaused = 0;
    trainer = new Trainer(
      options({
        epochs: 5,
        onEvent: (e) => {
          if (e.type === 'state') states.push(e.state);
          if (e.type === 'step') {
            if (paused) stepsWhilePaused++;
            if (e.step === 3) {
              trainer.pause();
              paused = true;
              setTimeout(() => {
                paused = false;
                trainer.resume();
              }, 50);
            }
            if (e.step === 10) trainer.stop();
          }
        },
      }),
    );
    const result = await trainer.run();
    expect(stepsWhilePaused).toBe(0);
    expect(states).toEqual(['preparing', 'idle', 'running', 'paused', 'running', 'stopped']);
    expect(result.status).toBe('stopped');
    expect(result.steps).toBe(10);
    expect(result.losses).toHaveLength(10);
    expect(result.message).toContain('after step 10');
    await expect(trainer.run()).rejects.toThrow(/This run has ended \(stopped\)/);
    // A stopped run's weights are those after step 10: the same as a run of exactly 10 steps would give.
    const stopped = await trainer.weights();
    await trainer.dispose();
    const again = new Trainer(options({ epochs: 5, onEvent: (e) => e.type === 'step' && e.step === 10 && again.stop() }));
    await again.run();
    expect(await again.weights()).toEqual(stopped);
    await again.dispose();
  });

  it('stops on a non-finite loss, names the step, and keeps the last good weights', async () => {
    const events: TrainerEvent[] = [];
    let trainer!: Trainer;
    // A huge learning rate makes the logits overflow within a few steps.
    trainer = new Trainer(options({ schedule: { base: 1e6, schedule: { kind: 'constant' } }, epochs: 3, onEvent: (e) => events.push(e) }));
    const original = trainer.weights.bind(trainer);
    const result = await trainer.run();
    expect(result.status).toBe('diverged');
    const diverged = events.find((e) => e.type === 'diverged');
    expect(diverged).toBeDefined();
    if (diverged?.type !== 'diverged') throw new Error('no divergence');
    expect(diverged.step).toBe(result.steps + 1);
    expect(Number.isFinite(diverged.loss)).toBe(false);
    expect(result.message).toContain(`step ${diverged.step}`);
    expect(result.message).toContain(`after step ${result.steps}`);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    const kept = await original();
    for (const [name, t] of kept) expect(t.data.every(Number.isFinite), name).toBe(true);
    // The kept weights are exactly a run stopped after the last good step.
    const replay = new Trainer(options({ schedule: { base: 1e6, schedule: { kind: 'constant' } }, epochs: 3, onEvent: (e) => e.type === 'step' && e.step === result.steps && replay.stop() }));
    await replay.run();
    expect(await replay.weights()).toEqual(kept);
    await replay.dispose();
    await trainer.dispose();
  });

  it('resumes from an epoch checkpoint (weights and optimiser state) exactly as an uninterrupted run goes on', async () => {
    const base = () => options({ optimizer: { kind: 'adam' }, schedule: { base: 0.01, schedule: { kind: 'cosine' } }, epochs: 3 });
    const whole = new Trainer(base());
    const full = await whole.run();
    const end = await whole.weights();
    await whole.dispose();

    let first!: Trainer;
    first = new Trainer({ ...base(), afterEpoch: async (m) => void (m.epoch === 1 && first.stop()) });
    const part = await first.run();
    expect(part).toMatchObject({ status: 'stopped', epochs: 1, steps: 12 });
    const checkpoint = { weights: await first.weights(), state: await first.optimizerState() };
    await first.dispose();
    expect([...checkpoint.state.keys()]).toContain('conv.weight.adam_m');

    const resumed = new Trainer({ ...base(), weights: checkpoint.weights, resume: { epoch: 1, step: 12, optimizerState: checkpoint.state } });
    const rest = await resumed.run();
    expect(rest).toMatchObject({ status: 'finished', epochs: 3, steps: 36 });
    expect([...part.losses, ...rest.losses]).toEqual(full.losses);
    expect(await resumed.weights()).toEqual(end);
    await resumed.dispose();
  });

  it('evaluates with the inference model: accuracy, loss and the confusion matrix of the whole split', async () => {
    const trainer = new Trainer(options({ epochs: 3, validateEvery: 0 }));
    const result = await trainer.run();
    expect(result.history.every((h) => h.validation === undefined)).toBe(true);
    const test = await trainer.evaluate('test');
    await trainer.dispose();
    expect(test.count).toBe(30); // the partial last batch (30 = 3·8 + 6) is included
    expect(test.confusion.flat().reduce((a, b) => a + b)).toBe(30);
    expect(test.correct).toBe(test.confusion[0]![0]! + test.confusion[1]![1]!);
    expect(test.accuracy).toBeCloseTo(test.correct / 30, 12);
    expect(test.loss).toBeCloseTo(test.lossSum / 30, 12);
    expect(test.accuracy).toBeGreaterThan(0.9);
  });

  it('refuses a dataset whose image shape or class count differs from the model, and a batch larger than the split', async () => {
    const { MemoryDataSource } = await import('../../../renderer/runtime/trainer/data');
    const wrongShape = new MemoryDataSource({ name: 'rgb', shape: [3, 8, 8], classes: ['a', 'b'], splits: { train: { pixels: new Uint8Array(3 * 64 * 16), labels: new Uint16Array(16) } } });
    await expect(new Trainer(options({ data: wrongShape })).run()).rejects.toThrow(/takes 1×8×8 images but dataset 'rgb' holds 3×8×8/);
    await expect(new Trainer(options({ data: tinySource({ train: 5 }) })).run()).rejects.toThrow(/batch size 8 is larger than the 5 training samples/);
    expect(() => new Trainer(options({ schedule: { base: NaN, schedule: { kind: 'constant' } } }))).toThrow(/learning rate must be a positive finite number; got NaN/);
  });
});
