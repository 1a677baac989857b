// Projects: the open project (if any), the list in IndexedDB, and autosave. A template becomes a project on its
// first edit; from then on every edit is saved shortly after it is made.
import { app } from '../app.svelte';
import { editor } from '../editor/editor.svelte';
import { template } from '../editor/templates';
import type { LayerGraph } from '../core/ir';
import { parseProjectFile, projectFileName, ProjectFileError, toProjectFile, type ProjectRecord } from './project-file';
import * as store from './store';

const AUTOSAVE_DELAY_MS = 400;

class ProjectsState {
  list = $state.raw<ProjectRecord[]>([]);
  currentId = $state<string | null>(null);
  /** The editor document the current project was opened or created for. */
  private documentVersion = -1;
  status = $state<string | null>(null);
  error = $state<string | null>(null);
  private timer: ReturnType<typeof setTimeout> | null = null;

  get current(): ProjectRecord | undefined {
    return this.currentId && this.documentVersion === editor.documentVersion ? this.list.find((project) => project.id === this.currentId) : undefined;
  }

  async refresh(): Promise<void> {
    try {
      this.list = await store.listProjects();
    } catch (error) {
      this.error = `The project list could not be read from the browser's storage: ${(error as Error).message}`;
    }
  }

  /** Sets up autosave; call once from a component (it owns the effect). */
  watch(): void {
    void this.refresh();
    $effect(() => {
      const graph = editor.graph;
      const version = editor.documentVersion;
      if (!editor.edited) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.save(graph, version), AUTOSAVE_DELAY_MS);
    });
  }

  private async save(graph: LayerGraph, version: number): Promise<void> {
    if (version !== editor.documentVersion) return;
    try {
      if (this.currentId && this.documentVersion === version) {
        await store.saveGraph(this.currentId, $state.snapshot(graph) as LayerGraph);
      } else {
        const model = editor.templateId ? template(editor.templateId) : undefined;
        const name = model ? `${model.title} (edited)` : graph.name && graph.name !== 'untitled' ? graph.name : 'Untitled model';
        const fields: Parameters<typeof store.createProject>[0] = { name, graph: $state.snapshot(graph) as LayerGraph };
        if (editor.templateId) fields.template = editor.templateId;
        const record = await store.createProject(fields);
        this.currentId = record.id;
        this.documentVersion = version;
      }
      this.status = `Saved ${new Date().toLocaleTimeString('en-GB')}`;
      this.error = null;
      await this.refresh();
    } catch (error) {
      this.error = `Autosave failed: ${(error as Error).message}`;
    }
  }

  async open(id: string): Promise<void> {
    const record = await store.getProject(id);
    if (!record) {
      this.error = 'That project no longer exists.';
      await this.refresh();
      return;
    }
    editor.templateId = null;
    editor.load(record.graph);
    this.currentId = record.id;
    this.documentVersion = editor.documentVersion;
    this.status = `Opened ${record.name}`;
  }

  async duplicate(id: string): Promise<void> {
    await store.duplicateProject(id);
    await this.refresh();
  }

  async rename(id: string, name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) {
      this.error = 'A project needs a name.';
      return;
    }
    await store.renameProject(id, trimmed);
    await this.refresh();
  }

  async remove(id: string): Promise<void> {
    await store.deleteProject(id);
    if (this.currentId === id) this.currentId = null;
    await this.refresh();
  }

  /** Whether project files go through native dialogs (Electron) rather than download and upload (browser mode). */
  get nativeFiles(): boolean {
    return app.host.projectFiles !== null;
  }

  /**
   * The current document as a .json file: through the Save dialog in Electron, as a download in browser mode
   * (which saves wherever the browser puts downloads).
   */
  async saveToFile(): Promise<void> {
    const name = this.current?.name ?? editor.templateId ?? editor.graph.name ?? 'model';
    const file: Parameters<typeof toProjectFile>[0] = { name, graph: $state.snapshot(editor.graph) as LayerGraph };
    if (editor.templateId) file.template = editor.templateId;
    const json = JSON.stringify(toProjectFile(file), null, 2);
    const dialogs = app.host.projectFiles;
    if (dialogs) {
      try {
        const path = await dialogs.save(projectFileName(name), json);
        if (path !== null) this.status = `Saved to ${path}`;
        this.error = null;
      } catch (error) {
        this.error = (error as Error).message;
      }
      return;
    }
    const blob = new Blob([json], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = projectFileName(name);
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  /** Electron: asks for a .json file with the Open dialog and opens it as a new project. */
  async openWithDialog(): Promise<void> {
    const dialogs = app.host.projectFiles;
    if (!dialogs) throw new Error('openWithDialog needs the desktop app; browser mode uploads with upload().');
    try {
      const opened = await dialogs.open();
      if (opened) await this.openText(opened.json, opened.path.split(/[\\/]/).pop() ?? opened.path);
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Browser mode: opens an uploaded .json project (or bare graph) file as a new project. */
  async upload(file: File): Promise<void> {
    try {
      await this.openText(await file.text(), file.name);
    } catch (error) {
      if (!(error instanceof ProjectFileError)) throw error;
      this.error = error.message;
    }
  }

  private async openText(text: string, fileName: string): Promise<void> {
    const parsed = parseProjectFile(text, fileName);
    const fields: Parameters<typeof store.createProject>[0] = { name: parsed.name, graph: parsed.graph };
    if (parsed.template) fields.template = parsed.template;
    const record = await store.createProject(fields);
    await this.refresh();
    await this.open(record.id);
    this.error = null;
  }
}

export const projects = new ProjectsState();
