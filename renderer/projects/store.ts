// Projects autosaved in the browser's IndexedDB through dexie: list, open, save, duplicate, rename, delete.
// A database of its own, so its schema versions never collide with other areas' tables.
import Dexie, { type EntityTable } from 'dexie';
import { copyName, type ProjectRecord } from './project-file';

/** As stored: the graph as JSON text (plain data, and Dexie's key-path types need not walk the graph type). */
type StoredProject = Omit<ProjectRecord, 'graph'> & { graph: string };

function fromStored(stored: StoredProject): ProjectRecord {
  return { ...stored, graph: JSON.parse(stored.graph) as ProjectRecord['graph'] };
}

class ProjectsDatabase extends Dexie {
  projects!: EntityTable<StoredProject, 'id'>;
  constructor() {
    super('model-lab-projects');
    this.version(1).stores({ projects: 'id, name, updated' });
  }
}

let database: ProjectsDatabase | null = null;
function db(): ProjectsDatabase {
  return (database ??= new ProjectsDatabase());
}

function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `p${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
}

/** Projects, most recently changed first. */
export async function listProjects(): Promise<ProjectRecord[]> {
  return (await db().projects.orderBy('updated').reverse().toArray()).map(fromStored);
}

export async function getProject(id: string): Promise<ProjectRecord | undefined> {
  const stored = await db().projects.get(id);
  return stored ? fromStored(stored) : undefined;
}

export async function createProject(fields: Pick<ProjectRecord, 'name' | 'graph'> & { template?: string }): Promise<ProjectRecord> {
  const now = Date.now();
  const record: ProjectRecord = { id: newId(), name: fields.name, graph: fields.graph, created: now, updated: now };
  if (fields.template) record.template = fields.template;
  await db().projects.add({ ...record, graph: JSON.stringify(record.graph) });
  return record;
}

export async function saveGraph(id: string, graph: ProjectRecord['graph']): Promise<void> {
  await db().projects.update(id, { graph: JSON.stringify(graph), updated: Date.now() });
}

export async function renameProject(id: string, name: string): Promise<void> {
  await db().projects.update(id, { name, updated: Date.now() });
}

export async function deleteProject(id: string): Promise<void> {
  await db().projects.delete(id);
}

export async function duplicateProject(id: string): Promise<ProjectRecord | undefined> {
  const original = await getProject(id);
  if (!original) return undefined;
  const names = (await db().projects.toArray()).map((project) => project.name);
  const copy: Pick<ProjectRecord, 'name' | 'graph'> & { template?: string } = { name: copyName(original.name, names), graph: original.graph };
  if (original.template) copy.template = original.template;
  return createProject(copy);
}
