// State of the Data area: the dataset list, the import job and its progress, the selected dataset's details, and
// the rename/delete in progress. Every host call's error is kept beside the part it belongs to, and no typed input
// is cleared by a failure.
import type { DatasetHealth, DatasetImportResult, DatasetManifest, DatasetSplit, DatasetSummary } from '../../preload/types/datasets';
import type { AppError } from '../../preload/result';
import { app } from '../app.svelte';
import { checkImportForm, datasetNameProblem, emptyImportForm, type ImportField, type ImportFormFields } from './import-form';
import { thumbnailLayout } from './format';

export interface DatasetEntry {
  summary: DatasetSummary;
  /** The full manifest (source, import time); null while loading or when it could not be read. */
  manifest: DatasetManifest | null;
  error: string | null;
}

export interface ImportJob {
  job: string;
  /** What is being imported, for the progress line. */
  label: string;
  fraction: number;
  message: string;
  cancelling: boolean;
}

/** Samples per class in the thumbnail grid. */
export const THUMBNAILS_PER_CLASS = 8;

const messageOf = (error: unknown): string => (error as Error).message ?? String(error);
const isCancelled = (error: unknown): boolean => (error as AppError).code === 'dataset-cancelled';

class DatasetsState {
  entries = $state<DatasetEntry[]>([]);
  loaded = $state(false);
  listLoading = $state(false);
  listError = $state<string | null>(null);

  form = $state<ImportFormFields>(emptyImportForm());
  problems = $state<Partial<Record<ImportField, string>>>({});
  job = $state<ImportJob | null>(null);
  importResult = $state<DatasetImportResult | null>(null);
  importError = $state<string | null>(null);
  /** Set when the last import was cancelled (not an error: nothing went wrong and nothing was added). */
  importNote = $state<string | null>(null);

  manifest = $state<DatasetManifest | null>(null);
  detailError = $state<string | null>(null);
  health = $state<DatasetHealth | null>(null);
  healthLoading = $state(false);
  healthError = $state<string | null>(null);
  thumbnailSplit = $state<DatasetSplit>('train');
  thumbnailUrl = $state<string | null>(null);
  thumbnailLoading = $state(false);
  thumbnailError = $state<string | null>(null);

  renaming = $state<{ name: string; value: string; error: string | null; busy: boolean } | null>(null);
  deleting = $state<{ name: string; error: string | null; busy: boolean } | null>(null);

  /** Bumped on every selection so answers for a dataset no longer shown are dropped. */
  private detailToken = 0;
  private unsubscribe: (() => void) | null = null;

  /** Listens for progress (opened before any import, so its first events are not missed) and reloads the list. */
  attach(): () => void {
    this.unsubscribe ??= app.host.on('progress', (payload) => {
      const job = this.job;
      if (!job || payload.job !== job.job || payload.done) return;
      job.fraction = payload.fraction;
      job.message = payload.message;
    });
    // Every visit re-reads the list: the CLI or another window may have changed the data folder meanwhile.
    void this.refresh();
    return () => {
      this.unsubscribe?.();
      this.unsubscribe = null;
    };
  }

  async refresh(): Promise<void> {
    this.listLoading = true;
    try {
      const summaries = await app.host.api.datasetList();
      this.listError = null;
      this.entries = summaries.map((summary) => ({ summary, manifest: null, error: null }));
      // The list call gives the short form; source and import time come from each manifest.
      await Promise.all(
        this.entries.map(async (entry) => {
          try {
            entry.manifest = await app.host.api.datasetShow(entry.summary.name);
          } catch (error) {
            entry.error = messageOf(error);
          }
        }),
      );
      if (app.dataset && !summaries.some((s) => s.name === app.dataset)) this.clearSelection();
      else if (app.dataset && this.isStale(app.dataset)) void this.loadDetail(app.dataset);
    } catch (error) {
      this.listError = messageOf(error);
    } finally {
      this.listLoading = false;
      this.loaded = true;
    }
    void app.refreshInfo();
  }

  select(name: string): void {
    if (app.dataset === name && !this.isStale(name)) return;
    app.dataset = name;
    void this.loadDetail(name);
  }

  /** Whether the details shown are not those of `name` as listed now (another dataset, or re-imported since). */
  private isStale(name: string): boolean {
    const listed = this.entries.find((e) => e.summary.name === name)?.manifest;
    const shown = this.manifest;
    if (!shown || shown.name !== name) return true;
    return listed !== undefined && listed !== null && (listed.contentHash !== shown.contentHash || listed.importedAt !== shown.importedAt);
  }

  private clearSelection(): void {
    app.dataset = null;
    this.detailToken += 1;
    this.manifest = null;
    this.health = null;
    this.detailError = null;
    this.healthError = null;
    this.setThumbnail(null);
    this.thumbnailError = null;
  }

  private async loadDetail(name: string): Promise<void> {
    const token = ++this.detailToken;
    this.detailError = null;
    this.health = null;
    this.healthError = null;
    this.setThumbnail(null);
    this.thumbnailError = null;
    const known = this.entries.find((e) => e.summary.name === name)?.manifest;
    this.manifest = known ?? null;
    try {
      const manifest = known ?? (await app.host.api.datasetShow(name));
      if (token !== this.detailToken) return;
      this.manifest = manifest;
      if (manifest.counts[this.thumbnailSplit] === 0) this.thumbnailSplit = 'train';
    } catch (error) {
      if (token === this.detailToken) this.detailError = messageOf(error);
      return;
    }
    await Promise.all([this.loadHealth(name, token), this.loadThumbnail(name, token)]);
  }

  private async loadHealth(name: string, token: number): Promise<void> {
    this.healthLoading = true;
    try {
      const health = await app.host.api.datasetHealth(name);
      if (token === this.detailToken) this.health = health;
    } catch (error) {
      if (token === this.detailToken) this.healthError = messageOf(error);
    } finally {
      if (token === this.detailToken) this.healthLoading = false;
    }
  }

  private async loadThumbnail(name: string, token: number): Promise<void> {
    const manifest = this.manifest;
    if (!manifest) return;
    this.thumbnailLoading = true;
    try {
      const { scale } = thumbnailLayout(manifest.shape, manifest.classes, THUMBNAILS_PER_CLASS);
      const png = await app.host.api.datasetThumbnail(name, { kind: 'grid', split: this.thumbnailSplit, perClass: THUMBNAILS_PER_CLASS, scale });
      if (token === this.detailToken) this.setThumbnail(URL.createObjectURL(new Blob([png as BlobPart], { type: 'image/png' })));
    } catch (error) {
      if (token === this.detailToken) this.thumbnailError = messageOf(error);
    } finally {
      if (token === this.detailToken) this.thumbnailLoading = false;
    }
  }

  showThumbnails(split: DatasetSplit): void {
    if (!this.manifest || split === this.thumbnailSplit) return;
    this.thumbnailSplit = split;
    this.setThumbnail(null);
    this.thumbnailError = null;
    void this.loadThumbnail(this.manifest.name, this.detailToken);
  }

  private setThumbnail(url: string | null): void {
    if (this.thumbnailUrl) URL.revokeObjectURL(this.thumbnailUrl);
    this.thumbnailUrl = url;
  }

  /** Validates the form; when it is fine, runs the import as a cancellable job. */
  async startImport(): Promise<void> {
    if (this.job) return;
    const check = checkImportForm(this.form);
    this.problems = check.ok ? {} : check.problems;
    if (!check.ok) return;
    const request = { ...check.request, job: crypto.randomUUID() };
    await this.runJob(request.job, `Importing '${request.path}' as '${request.name}'`, () => app.host.api.datasetImport(request));
  }

  async installSample(): Promise<void> {
    if (this.job) return;
    const job = crypto.randomUUID();
    await this.runJob(job, 'Installing the built-in Fashion-MNIST sample', () => app.host.api.datasetInstallSample(job));
  }

  private async runJob(job: string, label: string, run: () => Promise<DatasetImportResult>): Promise<void> {
    this.job = { job, label, fraction: 0, message: 'Starting…', cancelling: false };
    this.importError = null;
    this.importNote = null;
    this.importResult = null;
    try {
      const result = await run();
      this.importResult = result;
      this.job = null;
      await this.refresh();
      this.select(result.manifest.name);
    } catch (error) {
      if (isCancelled(error)) this.importNote = messageOf(error);
      else this.importError = messageOf(error);
      this.job = null;
    }
  }

  async cancelImport(): Promise<void> {
    const job = this.job;
    if (!job || job.cancelling) return;
    job.cancelling = true;
    try {
      const wasRunning = await app.host.api.datasetImportCancel(job.job);
      // The job may have finished between the click and the call; its result then stands.
      if (!wasRunning && this.job === job) job.cancelling = false;
    } catch (error) {
      job.cancelling = false;
      this.importError = messageOf(error);
    }
  }

  startRename(name: string): void {
    this.deleting = null;
    this.renaming = { name, value: name, error: null, busy: false };
  }

  async confirmRename(): Promise<void> {
    const renaming = this.renaming;
    if (!renaming || renaming.busy) return;
    const problem = datasetNameProblem(renaming.value, 'New dataset name');
    if (problem) {
      renaming.error = problem;
      return;
    }
    renaming.busy = true;
    try {
      const manifest = await app.host.api.datasetRename(renaming.name, renaming.value);
      this.renaming = null;
      const wasSelected = app.dataset === renaming.name;
      if (wasSelected) {
        app.dataset = manifest.name;
        this.manifest = manifest;
        if (this.health) this.health = { ...this.health, name: manifest.name };
      }
      await this.refresh();
    } catch (error) {
      renaming.error = messageOf(error);
      renaming.busy = false;
    }
  }

  startDelete(name: string): void {
    this.renaming = null;
    this.deleting = { name, error: null, busy: false };
  }

  async confirmDelete(): Promise<void> {
    const deleting = this.deleting;
    if (!deleting || deleting.busy) return;
    deleting.busy = true;
    try {
      await app.host.api.datasetDelete(deleting.name);
      this.deleting = null;
      if (app.dataset === deleting.name) this.clearSelection();
      await this.refresh();
    } catch (error) {
      deleting.error = messageOf(error);
      deleting.busy = false;
    }
  }
}

export const datasets = new DatasetsState();
