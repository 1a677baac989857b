// State of the Train area: the run setup (model, dataset, settings), the live run (a trainer worker driven by a
// TrainerClient, its events turned into curves and progress), the end of the run (test evaluation, checkpoint
// saved through the host) and the list of saved checkpoints.
import type { CheckpointInfo } from '../../preload/types/checkpoints';
import type { DatasetSummary } from '../../preload/types/datasets';
import { app } from '../app.svelte';
import { editor } from '../editor/editor.svelte';
import type { SessionReport } from '../runtime/session';
import type { EvalResult } from '../runtime/trainer/evaluate';
import type { EpochMetrics, StepMetrics, TrainerEvent, TrainerState } from '../runtime/trainer/trainer';
import type { BrowserTrainer } from '../runtime/trainer/browser';
import { checkpointRequest } from './checkpoint';
import { etaSeconds, runSteps, smooth, smoothingFor, thin, Throughput, type Point } from './metrics';
import {
  DEFAULT_FORM,
  defaultCheckpointName,
  resolveModel,
  scheduleConfig,
  stepsPerEpoch,
  validateForm,
  type ModelChoice,
  type ResolvedModel,
  type RunForm,
  type RunSettings,
} from './run-config';

export type RunStatus = TrainerState | 'starting' | 'evaluating' | 'saving';

/** Points drawn per curve: enough for a chart a few hundred pixels wide. */
const MAX_POINTS = 600;
/** Step events can arrive hundreds per second; the view is refreshed at most this often (ms). */
const REFRESH_MS = 120;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

class RunState {
  status = $state<RunStatus>('starting');
  model = $state('');
  dataset = $state('');
  settings = $state.raw<RunSettings | null>(null);
  classes = $state.raw<string[]>([]);
  backend = $state.raw<SessionReport | null>(null);
  notices = $state.raw<string[]>([]);
  error = $state<string | null>(null);
  /** Progress through the run, refreshed with the curves. */
  epoch = $state(1);
  stepInEpoch = $state(0);
  stepsPerEpoch = $state(0);
  imagesPerSecond = $state(0);
  learningRate = $state<number | null>(null);
  lastLoss = $state<number | null>(null);
  epochs = $state.raw<EpochMetrics[]>([]);
  test = $state.raw<EvalResult | null>(null);
  checkpoint = $state<string | null>(null);
  startedAt = performance.now();
  /** Bumped when the buffered step series below change. */
  version = $state(0);

  /** The newest step event, copied into the fields above when the view is refreshed. */
  latest: StepMetrics | null = null;
  readonly losses: Point[] = [];
  readonly accuracies: Point[] = [];
  readonly rates: Point[] = [];
  readonly throughput = new Throughput();

  get steps(): { done: number; total: number } {
    return runSteps({ epoch: this.epoch, epochs: this.settings?.epochs ?? 1, stepInEpoch: this.stepInEpoch, stepsPerEpoch: this.stepsPerEpoch });
  }

  get eta(): number {
    if (!this.settings) return NaN;
    return etaSeconds({ epoch: this.epoch, epochs: this.settings.epochs, stepInEpoch: this.stepInEpoch, stepsPerEpoch: this.stepsPerEpoch }, this.settings.batch, this.imagesPerSecond);
  }

  get active(): boolean {
    return ['starting', 'preparing', 'idle', 'running', 'paused', 'evaluating', 'saving'].includes(this.status);
  }

  /** The curves as drawn: raw and smoothed train series per step, validation per epoch (at its last step). */
  curves = $derived.by(() => {
    void this.version;
    const weight = smoothingFor(this.losses.length);
    const atEpochEnd = (m: EpochMetrics) => m.epoch * this.stepsPerEpoch;
    const validation = this.epochs.filter((m) => m.validation);
    return {
      loss: thin(this.losses, MAX_POINTS),
      lossSmooth: thin(smooth(this.losses, weight), MAX_POINTS),
      accuracy: thin(this.accuracies, MAX_POINTS),
      accuracySmooth: thin(smooth(this.accuracies, weight), MAX_POINTS),
      valLoss: validation.map((m) => ({ x: atEpochEnd(m), y: m.validation!.loss })),
      valAccuracy: validation.map((m) => ({ x: atEpochEnd(m), y: m.validation!.accuracy })),
      rate: thin(this.rates, MAX_POINTS),
      smoothing: weight,
    };
  });
}

class TrainingState {
  form = $state<RunForm>({ ...DEFAULT_FORM });
  modelChoice = $state<ModelChoice>({ source: 'editor' });
  /** The current dataset is app-wide: chosen here or in the Data area. */
  get datasetName(): string | null {
    return app.dataset;
  }
  set datasetName(name: string | null) {
    app.dataset = name;
  }
  datasets = $state.raw<DatasetSummary[] | null>(null);
  datasetsError = $state<string | null>(null);
  installing = $state(false);
  checkpoints = $state.raw<CheckpointInfo[] | null>(null);
  checkpointsError = $state<string | null>(null);
  run = $state<RunState | null>(null);
  private trainer: BrowserTrainer | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  dataset = $derived(this.datasets?.find((d) => d.name === this.datasetName) ?? null);

  /** Whether the Model area has a document to offer. */
  editorHasModel = $derived(editor.graph.nodes.length > 0);

  editorLabel = $derived(editor.templateId && !editor.edited ? `${editor.templateId} (zoo template)` : editor.graph.name || 'untitled graph');

  resolved = $derived.by((): ResolvedModel | null => {
    if (!this.dataset) return null;
    const choice = this.modelChoice.source === 'editor' && !this.editorHasModel ? ({ source: 'zoo', id: 'lenet5-relu' } as const) : this.modelChoice;
    return resolveModel(choice, { graph: editor.graph, templateId: editor.templateId, edited: editor.edited }, this.dataset);
  });

  check = $derived(validateForm(this.form, this.dataset ? { trainCount: this.dataset.counts.train, datasetName: this.dataset.name } : {}));

  /** Why Start is not possible now, or null. */
  blocker = $derived.by((): string | null => {
    if (this.run?.active) return 'A run is in progress.';
    if (!this.dataset) return this.datasets?.length === 0 ? 'There is no dataset yet: install the built-in sample or import one in the Data area.' : 'Choose a dataset.';
    if (this.resolved?.error) return this.resolved.error;
    if (!this.check.settings) return 'Correct the settings marked above.';
    return null;
  });

  async refreshDatasets(): Promise<void> {
    try {
      const list = await app.host.api.datasetList();
      this.datasets = list;
      this.datasetsError = null;
      if (!list.some((d) => d.name === this.datasetName)) this.datasetName = list[0]?.name ?? null;
    } catch (error) {
      this.datasetsError = messageOf(error);
    }
  }

  async installSample(): Promise<void> {
    this.installing = true;
    try {
      const result = await app.host.api.datasetInstallSample();
      await this.refreshDatasets();
      this.datasetName = result.manifest.name;
    } catch (error) {
      this.datasetsError = `Installing the sample dataset failed: ${messageOf(error)}`;
    } finally {
      this.installing = false;
    }
  }

  async refreshCheckpoints(): Promise<void> {
    try {
      this.checkpoints = (await app.host.api.checkpointList()).sort((a, b) => b.savedAt.localeCompare(a.savedAt));
      this.checkpointsError = null;
    } catch (error) {
      this.checkpointsError = messageOf(error);
    }
  }

  async deleteCheckpoint(name: string): Promise<void> {
    try {
      await app.host.api.checkpointDelete(name);
    } catch (error) {
      this.checkpointsError = `Deleting checkpoint '${name}' failed: ${messageOf(error)}`;
      return;
    }
    await this.refreshCheckpoints();
  }

  /** Asked for before the worker was up (a click while the run starts): passed on once it is. */
  private queued: { pause: boolean; stop: boolean } = { pause: false, stop: false };

  pause(): void {
    if (this.trainer) this.trainer.client.pause();
    else if (this.run?.active) this.queued.pause = true;
  }

  resume(): void {
    this.queued.pause = false;
    this.trainer?.client.resume();
  }

  stop(): void {
    if (this.trainer) this.trainer.client.stop();
    else if (this.run?.active) this.queued.stop = true;
  }

  async start(): Promise<void> {
    const settings = this.check.settings;
    const dataset = this.dataset;
    const graph = this.resolved?.graph;
    if (this.blocker || !settings || !dataset || !graph) return;
    const model = this.resolved!.id;
    this.queued = { pause: false, stop: false };
    const run = new RunState();
    run.model = model;
    run.dataset = dataset.name;
    run.settings = settings;
    run.classes = [...dataset.classes];
    run.stepsPerEpoch = stepsPerEpoch(dataset.counts.train, settings.batch);
    this.run = run;
    const name = settings.checkpoint || defaultCheckpointName(model, dataset.name, new Date());
    let normalisation: { mean: number[]; std: number[] } | null = null;
    try {
      const manifest = await app.host.api.datasetShow(dataset.name);
      const { startBrowserTrainer } = await import('../runtime/trainer/browser');
      const trainer = startBrowserTrainer(app.host.api, dataset.name);
      this.trainer = trainer;
      trainer.client.on((event) => {
        if (event.type === 'ready') normalisation = { mean: [...event.normalisation.mean], std: [...event.normalisation.std] };
        this.onEvent(run, event);
      });
      const finished = trainer.client.start({
        graph,
        batch: settings.batch,
        epochs: settings.epochs,
        seed: settings.seed,
        optimizer: settings.optimizer,
        schedule: scheduleConfig(settings, run.stepsPerEpoch),
        backend: settings.backend,
      });
      // The trainer honours a pause or stop while it prepares: it then waits before its first step.
      if (this.queued.pause) trainer.client.pause();
      if (this.queued.stop) trainer.client.stop();
      const result = await finished;
      this.flush(run);
      if (result.status !== 'finished') {
        run.status = result.status;
        run.error = result.message ?? null;
      }
      if (result.status === 'finished' && dataset.counts.test > 0) {
        run.status = 'evaluating';
        run.test = await trainer.client.evaluate('test');
      }
      // A stopped or diverged run keeps its last good weights in a checkpoint too, as the CLI does.
      if (result.steps > 0 && normalisation) {
        run.status = 'saving';
        const request = checkpointRequest({
          name,
          model,
          graph,
          dataset: { name: dataset.name, contentHash: manifest.contentHash, classes: dataset.classes },
          settings,
          normalisation,
          weights: await trainer.client.weights(),
          optimizerState: await trainer.client.optimizerState(),
          epoch: result.epochs,
          step: result.steps,
          history: result.history,
        });
        await app.host.api.checkpointSave(request);
        run.checkpoint = name;
        await this.refreshCheckpoints();
      }
      run.status = result.status;
    } catch (error) {
      this.flush(run);
      run.status = 'failed';
      run.error = messageOf(error);
    } finally {
      this.trainer?.terminate();
      this.trainer = null;
    }
  }

  private onEvent(run: RunState, event: TrainerEvent): void {
    switch (event.type) {
      case 'state':
        // Steps buffered for the next refresh come first, so 'Paused' shows the step it paused after.
        this.flush(run);
        // The trainer is 'idle' between preparing and its first step, and 'finished' before the test evaluation.
        if (event.state !== 'idle' && event.state !== 'finished') run.status = event.state;
        return;
      case 'ready':
        run.backend = event.backend;
        run.stepsPerEpoch = event.stepsPerEpoch;
        return;
      case 'notice':
        run.notices = [...run.notices, event.message];
        return;
      case 'step':
        run.losses.push({ x: event.step, y: event.loss });
        run.accuracies.push({ x: event.step, y: event.accuracy });
        run.rates.push({ x: event.step, y: event.learningRate });
        run.throughput.add(run.settings!.batch, event.imagesPerSecond);
        run.latest = event;
        this.scheduleFlush(run);
        return;
      case 'epoch':
        this.flush(run);
        run.epochs = [...run.epochs, event];
        return;
      case 'diverged':
        run.error = event.message;
        return;
    }
  }

  private scheduleFlush(run: RunState): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => this.flush(run), REFRESH_MS);
  }

  private flush(run: RunState): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    run.imagesPerSecond = run.throughput.imagesPerSecond;
    if (run.latest) {
      run.epoch = run.latest.epoch;
      run.stepInEpoch = run.latest.stepInEpoch;
      run.learningRate = run.latest.learningRate;
      run.lastLoss = run.latest.loss;
    }
    run.version++;
  }
}

export const training = new TrainingState();
