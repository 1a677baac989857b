// The trainer: compiles the training step once, creates its session, keeps parameters, optimiser state and
// BatchNorm statistics resident between steps (outputs fed back as the next inputs: GPU buffers on WebGPU, CPU
// tensors on wasm), streams batches, draws dropout masks, computes the learning rate, and reports every step.
// The same code runs in a Web Worker (the app) and in Node (the CLI); the environment comes in as an OrtLoader.
import type * as Ort from 'onnxruntime-web';
import type { DatasetSplit } from '../../../preload/types/datasets';
import { analyse } from '../../core/analysis';
import { lowerEvaluation } from '../../core/lowering/lower';
import { encodeModel } from '../../core/onnx/codec';
import { elementCount, type Model } from '../../core/onnx/model';
import { adamBiasCorrections, resolveOptimizer, type OptimizerConfig } from '../../core/training/optimizers';
import { compileEvaluationStep, type EvaluationStep } from '../../core/training/eval';
import { compileTrainingStep, type ForwardProgram, type TrainingStep } from '../../core/training/step';
import type { WeightStore } from '../../core/weights';
import { chooseWasmThreads, createSession, type ModelSession, type OrtLoader, type SessionReport } from '../session';
import { channelStatistics, DataError, epochBatches, epochPlan, loadSplit, type DataDescription, type DataSource, type SplitData } from './data';
import { evaluateSplit, evaluateWithGraph, outputIsProbabilities, type EvalResult, type Normalisation } from './evaluate';
import { deriveSeed, fillDropoutMask, seededRandom, STREAM } from './random';
import { checkSchedule, learningRateAt, PlateauMonitor, type ScheduleConfig } from './schedule';

export class TrainerError extends Error {
  readonly code = 'trainer';
  constructor(message: string) {
    super(message);
    this.name = 'TrainerError';
  }
}

/** The inference model for a set of weights (lowerInference with a symbolic or fixed batch). */
export type InferenceBuilder = (weights: WeightStore) => { model: Model; input: string; output: string; fixedBatch?: number };

export interface TrainerOptions {
  /** The forward graph in training form, at the training batch size. */
  program: ForwardProgram;
  /** Initial parameters and running statistics, by the program's names. */
  weights: WeightStore;
  optimizer: OptimizerConfig;
  labelSmoothing?: number;
  /** Per-channel mean/std of [0, 1] pixels; by default measured on the training split. */
  normalisation?: Normalisation;
  schedule: ScheduleConfig;
  epochs: number;
  seed: number;
  data: DataSource;
  /** Validate every N epochs (0: never; default 1). */
  validateEvery?: number;
  /**
   * Builds the inference model for evaluation when the program cannot give an evaluation graph (a program not made
   * by lowerTraining, so without `source`). With neither, evaluate() is unavailable and no validation runs.
   */
  inference?: InferenceBuilder;
  /** Images per evaluation run (default: the training batch). */
  evalBatch?: number;
  loader: OrtLoader;
  /** 'auto' (default): WebGPU with a hardware adapter, wasm otherwise. */
  backend?: 'auto' | 'wasm' | 'webgpu';
  /**
   * wasm threads: a number, or 'auto' (default): all the environment allows for big models, one for small ones (see
   * chooseWasmThreads). The wasm runtime keeps the count of its first session, so this holds for a fresh worker or
   * process.
   */
  threads?: number | 'auto';
  onEvent?: (event: TrainerEvent) => void;
  /** Awaited after each epoch (after its event), before the next one starts: a consistent moment for checkpoints. */
  afterEpoch?: (metrics: EpochMetrics) => Promise<void>;
  /**
   * Continue a run from a checkpoint taken at the end of epoch `epoch` (after `step` steps): the optimiser state
   * comes back, and since each epoch's order depends only on the seed and the epoch, the run goes on exactly as an
   * uninterrupted one would (a plateau schedule's history is not restored).
   */
  resume?: { epoch: number; step: number; optimizerState?: WeightStore };
  /** Yield to the event loop at least this often while training (ms; default 50), so pause/stop messages arrive. */
  yieldEveryMs?: number;
}

export interface StepMetrics {
  type: 'step';
  epoch: number;
  /** 1-based global step. */
  step: number;
  /** 1-based step within the epoch. */
  stepInEpoch: number;
  stepsPerEpoch: number;
  loss: number;
  accuracy: number;
  learningRate: number;
  imagesPerSecond: number;
}

export interface EpochMetrics {
  type: 'epoch';
  /** 1-based epoch just finished. */
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  learningRate: number;
  /** Training throughput over the epoch (evaluation excluded). */
  imagesPerSecond: number;
  seconds: number;
  validation?: EvalResult;
  /** True when this validation triggered a plateau drop of the learning rate. */
  plateauDrop?: boolean;
}

export type TrainerState = 'idle' | 'preparing' | 'running' | 'paused' | 'finished' | 'stopped' | 'diverged' | 'failed';

export type TrainerEvent =
  | StepMetrics
  | EpochMetrics
  | { type: 'state'; state: TrainerState }
  | { type: 'ready'; backend: SessionReport; stepsPerEpoch: number; droppedPerEpoch: number; normalisation: Normalisation }
  | { type: 'notice'; message: string }
  | { type: 'diverged'; step: number; epoch: number; loss: number; message: string };

export interface TrainingResult {
  status: 'finished' | 'stopped' | 'diverged';
  /** Why the run ended early (stop or divergence). */
  message?: string;
  /** Epochs completed in full. */
  epochs: number;
  /** Optimiser steps applied (a diverged step is not applied). */
  steps: number;
  history: EpochMetrics[];
  /** Every applied step's loss, in order. */
  losses: number[];
}

type Resident = Map<string, Ort.Tensor>;

export class Trainer {
  private readonly options: TrainerOptions;
  private step!: TrainingStep;
  private session!: ModelSession;
  private description!: DataDescription;
  private train!: SplitData;
  private readonly splits = new Map<DatasetSplit, SplitData>();
  private resident: Resident = new Map();
  private normalisationValue!: Normalisation;
  private stepsPerEpochValue = 0;
  private stateValue: TrainerState = 'idle';
  private pauseRequested = false;
  private stopRequested = false;
  private wake: (() => void) | undefined;
  private stepsDone = 0;
  private epochsDone = 0;
  private prepared: Promise<void> | undefined;
  private lock: Promise<void> = Promise.resolve();
  private readonly plateau: PlateauMonitor | undefined;
  /** Evaluation graphs and their sessions, by batch size (compiled on first use, kept for later epochs). */
  private readonly evaluators = new Map<number, Promise<{ step: EvaluationStep; session: ModelSession }>>();

  constructor(options: TrainerOptions) {
    this.options = options;
    if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new TrainerError(`Epochs must be a whole number ≥ 1; got ${options.epochs}.`);
    if (!Number.isSafeInteger(options.seed)) throw new TrainerError(`The seed must be a whole number; got ${options.seed}.`);
    try {
      checkSchedule(options.schedule);
    } catch (error) {
      throw new TrainerError((error as Error).message);
    }
    if (options.resume) {
      const { epoch, step } = options.resume;
      if (!Number.isInteger(epoch) || epoch < 0 || epoch > options.epochs || !Number.isInteger(step) || step < 0) {
        throw new TrainerError(`Cannot resume at epoch ${epoch}, step ${step} of a ${options.epochs}-epoch run.`);
      }
      this.epochsDone = epoch;
      this.stepsDone = step;
    }
    const s = options.schedule.schedule;
    this.plateau = s.kind === 'plateau' ? new PlateauMonitor(s.patience, s.threshold) : undefined;
  }

  get state(): TrainerState {
    return this.stateValue;
  }

  /** Where the step runs; known after prepare(). */
  get backend(): SessionReport {
    return this.session.report;
  }

  get normalisation(): Normalisation {
    return this.normalisationValue;
  }

  get stepsPerEpoch(): number {
    return this.stepsPerEpochValue;
  }

  get data(): DataDescription {
    return this.description;
  }

  get trainingStep(): TrainingStep {
    return this.step;
  }

  private emit(event: TrainerEvent): void {
    this.options.onEvent?.(event);
  }

  private setState(state: TrainerState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.emit({ type: 'state', state });
  }

  /** Compiles the step, loads the training data, creates the session. Called by run() when not called before. */
  prepare(): Promise<void> {
    this.prepared ??= this.doPrepare();
    return this.prepared;
  }

  private async doPrepare(): Promise<void> {
    const options = this.options;
    const program = options.program;
    this.setState('preparing');
    this.description = await options.data.describe();
    const d = this.description;
    if (d.shape.join('x') !== program.imageShape.join('x')) {
      throw new TrainerError(`The model takes ${program.imageShape.join('×')} images but dataset '${d.name}' holds ${d.shape.join('×')}; build the model for ${d.shape.join('x')} input.`);
    }
    if (d.classes.length !== program.classes) {
      throw new TrainerError(`The model has ${program.classes} outputs but dataset '${d.name}' has ${d.classes.length} classes; build the model for ${d.classes.length} classes.`);
    }
    const plan = epochPlan(d.counts.train, program.batch);
    if (plan.steps === 0) {
      throw new TrainerError(`The batch size ${program.batch} is larger than the ${d.counts.train} training samples of '${d.name}'; choose a batch of at most ${d.counts.train}.`);
    }
    this.stepsPerEpochValue = plan.steps;
    this.train = await loadSplit(options.data, d, 'train');
    this.splits.set('train', this.train);
    this.normalisationValue = options.normalisation ?? channelStatistics(this.train);

    this.step = compileTrainingStep(program, { optimizer: options.optimizer, labelSmoothing: options.labelSmoothing, normalisation: this.normalisationValue });
    const backend = await this.chooseBackend();
    const gpu = backend === 'webgpu';
    const locations: Record<string, 'cpu' | 'gpu-buffer'> = {};
    if (gpu) {
      for (const name of this.step.model.graph.outputs.map((o) => o.name)) locations[name] = name === this.step.outputs.loss || name === this.step.outputs.correct ? 'cpu' : 'gpu-buffer';
    }
    const numThreads = gpu ? undefined : chooseWasmThreads(options.threads ?? 'auto', program.source ? analyse(program.source.graph).totals.macs : null, options.loader.wasmThreadLimit?.() ?? 1);
    this.session = await createSession(options.loader, encodeModel(this.step.model), gpu ? { backend, preferredOutputLocation: locations } : { backend, ...(numThreads ? { numThreads } : {}) });
    this.initialiseResident();
    this.emit({ type: 'ready', backend: this.session.report, stepsPerEpoch: plan.steps, droppedPerEpoch: plan.dropped, normalisation: this.normalisationValue });
    if (plan.dropped > 0) {
      this.emit({
        type: 'notice',
        message: `The training split has ${d.counts.train} samples; with batch ${program.batch} each epoch runs ${plan.steps} steps and leaves out ${plan.dropped} samples (the step graph has a fixed batch; each epoch reshuffles, so different samples are left out).`,
      });
    }
    this.setState('idle');
  }

  private async chooseBackend(): Promise<'wasm' | 'webgpu'> {
    const requested = this.options.backend ?? 'auto';
    if (requested !== 'auto') return requested;
    return (await this.options.loader.detect()).backend;
  }

  private initialiseResident(): void {
    const { Tensor } = this.session.ort;
    const weights = this.options.weights;
    const take = (name: string, shape: readonly number[], what: string, from: WeightStore = weights) => {
      const w = from.get(name);
      if (!w) throw new TrainerError(`The initial ${from === weights ? 'weights' : 'optimiser state'} lack ${what} '${name}'.`);
      if (w.dims.join('x') !== shape.join('x')) throw new TrainerError(`The initial ${what} '${name}' is ${w.dims.join('×')}; the model needs ${shape.join('×')}.`);
      return new Tensor('float32', Float32Array.from(w.data), [...shape]);
    };
    for (const p of this.options.program.params) this.resident.set(p.name, take(p.name, p.shape, 'parameter'));
    for (const b of this.options.program.buffers) this.resident.set(b.input, take(b.input, b.shape, 'running statistic'));
    const saved = this.options.resume?.optimizerState;
    for (const s of this.step.inputs.state) {
      if (saved) this.resident.set(s.input, take(s.input, s.shape, 'optimiser state', saved));
      else this.resident.set(s.input, new Tensor('float32', new Float32Array(elementCount(s.shape)), [...s.shape]));
    }
  }

  pause(): void {
    if (this.stateValue === 'running' || this.stateValue === 'preparing' || this.stateValue === 'idle') this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
    this.wake?.();
  }

  /** Ends the run after the step in progress; run() then resolves with status 'stopped'. */
  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  /** Waits while paused; false when the run should stop. */
  private async gate(): Promise<boolean> {
    while (this.pauseRequested && !this.stopRequested) {
      this.setState('paused');
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    if (!this.stopRequested) this.setState('running');
    return !this.stopRequested;
  }

  private learningRate(step: number): number {
    return learningRateAt(this.options.schedule, {
      step,
      stepsPerEpoch: this.stepsPerEpochValue,
      totalSteps: this.stepsPerEpochValue * this.options.epochs,
      drops: this.plateau?.drops ?? 0,
    });
  }

  async run(): Promise<TrainingResult> {
    if (this.stateValue === 'running' || this.stateValue === 'paused') throw new TrainerError('This trainer is already running.');
    if (this.stateValue !== 'idle' && this.stateValue !== 'preparing') {
      throw new TrainerError(`This run has ended (${this.stateValue}); to go on, start a new trainer that resumes from its weights and optimiser state.`);
    }
    await this.prepare();
    const { program, seed, epochs } = this.options;
    const { Tensor } = this.session.ort;
    const [c, h, w] = program.imageShape;
    const B = program.batch;
    const pixels = new Uint8Array(B * c * h * w);
    const labels = new Int32Array(B);
    const optimizer = resolveOptimizer(this.options.optimizer);
    const adam = this.step.inputs.biasCorrection1 !== undefined;
    const maskRandom = seededRandom(deriveSeed(seed, STREAM.dropout));
    const validateEvery = this.options.validateEvery ?? 1;
    const yieldEvery = this.options.yieldEveryMs ?? 50;
    const history: EpochMetrics[] = [];
    const losses: number[] = [];
    let lastYield = performance.now();
    const finish = (status: TrainingResult['status'], message?: string): TrainingResult => {
      this.setState(status === 'finished' ? 'finished' : status);
      return { status, ...(message ? { message } : {}), epochs: this.epochsDone, steps: this.stepsDone, history, losses };
    };

    this.setState('running');
    try {
      for (let epoch = this.epochsDone; epoch < epochs; epoch++) {
        const epochStart = performance.now();
        let trainSeconds = 0;
        let lossSum = 0;
        let correctSum = 0;
        let stepInEpoch = 0;
        let lr = this.learningRate(this.stepsDone);
        for (const indices of epochBatches(seed, epoch, this.train.count, B)) {
          if (performance.now() - lastYield > yieldEvery) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            lastYield = performance.now();
          }
          if (!(await this.gate())) return finish('stopped', `Stopped by request after step ${this.stepsDone} (epoch ${epoch + 1}).`);
          const started = performance.now();
          this.train.gather(indices, pixels, labels);
          const t = this.stepsDone + 1;
          lr = this.learningRate(this.stepsDone);
          const feeds: Record<string, Ort.Tensor> = {
            [this.step.inputs.batch]: new Tensor('uint8', pixels, [B, c, h, w]),
            [this.step.inputs.labels]: new Tensor('int32', labels, [B]),
            [this.step.inputs.learningRate]: new Tensor('float32', Float32Array.of(lr), []),
          };
          if (adam) {
            const [c1, c2] = adamBiasCorrections(optimizer, t);
            feeds[this.step.inputs.biasCorrection1!] = new Tensor('float32', Float32Array.of(c1), []);
            feeds[this.step.inputs.biasCorrection2!] = new Tensor('float32', Float32Array.of(c2), []);
          }
          for (const [name, tensor] of this.resident) feeds[name] = tensor;
          for (const mask of this.step.inputs.masks) {
            feeds[mask.name] = new Tensor('float32', fillDropoutMask(new Float32Array(elementCount(mask.shape)), mask.p, maskRandom), [...mask.shape]);
          }
          const { loss, correct, outputs } = await this.exclusive(async () => {
            const outputs = await this.session.run(feeds);
            const loss = ((await outputs[this.step.outputs.loss]!.getData()) as Float32Array)[0]!;
            const correct = ((await outputs[this.step.outputs.correct]!.getData()) as Float32Array)[0]!;
            if (Number.isFinite(loss)) this.feedBack(outputs);
            return { loss, correct, outputs };
          });
          if (!Number.isFinite(loss)) {
            for (const tensor of Object.values(outputs)) if (tensor.location !== 'cpu') tensor.dispose();
            const message =
              `Training diverged at step ${t} (epoch ${epoch + 1}, batch ${stepInEpoch + 1} of ${this.stepsPerEpochValue}): the loss is ${loss} at learning rate ${lr}. ` +
              `The run stopped; the weights kept are those after step ${t - 1}. Try a smaller learning rate.`;
            this.emit({ type: 'diverged', step: t, epoch: epoch + 1, loss, message });
            return finish('diverged', message);
          }
          const seconds = (performance.now() - started) / 1000;
          trainSeconds += seconds;
          this.stepsDone = t;
          stepInEpoch++;
          lossSum += loss;
          correctSum += correct;
          losses.push(loss);
          this.emit({
            type: 'step',
            epoch: epoch + 1,
            step: t,
            stepInEpoch,
            stepsPerEpoch: this.stepsPerEpochValue,
            loss,
            accuracy: correct / B,
            learningRate: lr,
            imagesPerSecond: B / Math.max(seconds, 1e-9),
          });
        }
        const metrics: EpochMetrics = {
          type: 'epoch',
          epoch: epoch + 1,
          trainLoss: lossSum / stepInEpoch,
          trainAccuracy: correctSum / (stepInEpoch * B),
          learningRate: lr,
          imagesPerSecond: (stepInEpoch * B) / Math.max(trainSeconds, 1e-9),
          seconds: 0,
        };
        if (this.canEvaluate && validateEvery > 0 && (epoch + 1) % validateEvery === 0 && this.description.counts.val > 0) {
          metrics.validation = await this.evaluate('val');
          if (this.plateau) metrics.plateauDrop = this.plateau.observe(metrics.validation.accuracy);
        }
        metrics.seconds = (performance.now() - epochStart) / 1000;
        this.epochsDone = epoch + 1;
        history.push(metrics);
        this.emit(metrics);
        await this.options.afterEpoch?.(metrics);
      }
      return finish('finished');
    } catch (error) {
      this.setState('failed');
      throw error;
    }
  }

  /** The step's updated tensors become the resident ones; the replaced GPU buffers are freed. */
  private feedBack(outputs: Record<string, Ort.Tensor>): void {
    const pairs = [...this.step.outputs.params, ...this.step.outputs.state, ...this.step.outputs.buffers];
    for (const [input, output] of pairs) {
      const next = outputs[output];
      if (!next) throw new TrainerError(`The step returned no '${output}'.`);
      const previous = this.resident.get(input);
      this.resident.set(input, next);
      if (previous && previous.location === 'gpu-buffer') previous.dispose();
    }
  }

  /**
   * Runs `work` when no step and no read-back is in progress. A step replaces (and on the GPU frees) the resident
   * tensors, so a read-back asked for from outside (the worker's message handler runs while a step awaits the
   * GPU) must not overlap one.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lock.then(work);
    this.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private readResident(names: readonly string[]): Promise<WeightStore> {
    return this.exclusive(() => this.copyResident(names));
  }

  private async copyResident(names: readonly string[]): Promise<WeightStore> {
    const store: WeightStore = new Map();
    for (const name of names) {
      const tensor = this.resident.get(name);
      if (!tensor) throw new TrainerError(`No resident tensor '${name}'.`);
      const data = (await tensor.getData()) as Float32Array;
      store.set(name, { dims: [...tensor.dims], data: Float32Array.from(data) });
    }
    return store;
  }

  /** The current parameters and running statistics (copied to the CPU), for checkpoints and export. */
  async weights(): Promise<WeightStore> {
    await this.prepare();
    return this.readResident([...this.options.program.params.map((p) => p.name), ...this.options.program.buffers.map((b) => b.input)]);
  }

  /** The optimiser's state tensors (momentum, Adam moments), by their step-input names. */
  async optimizerState(): Promise<WeightStore> {
    await this.prepare();
    return this.readResident(this.step.inputs.state.map((s) => s.input));
  }

  /** Loads a split once and keeps it. */
  async split(split: DatasetSplit): Promise<SplitData> {
    await this.prepare();
    let data = this.splits.get(split);
    if (!data) {
      data = await loadSplit(this.options.data, this.description, split);
      this.splits.set(split, data);
    }
    return data;
  }

  /** Whether evaluate() can run: with the evaluation graph (a lowered program) or the inference builder. */
  get canEvaluate(): boolean {
    return this.options.program.source !== undefined || this.options.inference !== undefined;
  }

  /**
   * Evaluates the current weights on a split (running statistics, no dropout). A program lowered from a layer graph
   * gets the evaluation graph, fed the resident parameters where they are (no copy off the GPU); otherwise the
   * inference model's logits are scored on the CPU.
   */
  async evaluate(split: DatasetSplit, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
    if (!this.canEvaluate) throw new TrainerError('This trainer was made without a lowered program or an inference model builder, so it cannot evaluate.');
    const data = await this.split(split);
    if (data.count === 0) throw new DataError(`Dataset '${this.description.name}' has no ${split} samples to evaluate on.`);
    if (this.options.program.source) {
      const { step, session } = await this.evaluator(Math.min(this.options.evalBatch ?? this.options.program.batch, data.count));
      // Held for the whole split, so every batch sees the same weights and no step frees a tensor being read.
      return this.exclusive(async () => {
        const params: Record<string, Ort.Tensor> = {};
        for (const name of step.inputs.params) {
          const tensor = this.resident.get(name);
          if (!tensor) throw new TrainerError(`The evaluation graph needs '${name}', which the trainer does not hold.`);
          params[name] = tensor;
        }
        return evaluateWithGraph(session, step, data, { params, ...(onProgress ? { onProgress } : {}) });
      });
    }
    const build = this.options.inference!;
    const built = build(await this.weights());
    const session = await createSession(this.options.loader, encodeModel(built.model), { backend: this.session.report.ep });
    try {
      return await evaluateSplit(session, data, {
        input: built.input,
        output: built.output,
        classes: this.options.program.classes,
        batch: this.options.evalBatch ?? this.options.program.batch,
        ...(built.fixedBatch !== undefined ? { fixedBatch: built.fixedBatch } : {}),
        normalisation: this.normalisationValue,
        outputKind: outputIsProbabilities(built.model, built.output) ? 'probabilities' : 'logits',
        ...(onProgress ? { onProgress } : {}),
      });
    } finally {
      await session.release();
    }
  }

  private evaluator(batch: number): Promise<{ step: EvaluationStep; session: ModelSession }> {
    let made = this.evaluators.get(batch);
    if (!made) {
      const source = this.options.program.source!;
      const step = compileEvaluationStep(lowerEvaluation(source.graph, { batch, webgpu: source.webgpu }), { normalisation: this.normalisationValue });
      made = createSession(this.options.loader, encodeModel(step.model), { backend: this.session.report.ep }).then((session) => ({ step, session }));
      this.evaluators.set(batch, made);
      made.catch(() => this.evaluators.delete(batch));
    }
    return made;
  }

  /** Where each resident tensor (parameters, optimiser state, statistics) lives now: 'gpu-buffer' or 'cpu'. */
  residentLocations(): Map<string, string> {
    return new Map([...this.resident].map(([name, tensor]) => [name, tensor.location]));
  }

  /** Frees the session and the resident tensors (after the step in progress, if any). */
  async dispose(): Promise<void> {
    this.stop();
    await this.exclusive(async () => {
      for (const tensor of this.resident.values()) if (tensor.location === 'gpu-buffer') tensor.dispose();
      this.resident.clear();
      for (const made of this.evaluators.values()) await (await made.catch(() => undefined))?.session.release();
      this.evaluators.clear();
      if (this.session) await this.session.release();
    });
  }
}
