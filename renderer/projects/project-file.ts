// Projects as data: the .json file a project is saved to and opened from, checked on the way in by the model
// core's graph reader (so a bad file is refused with every problem named, never half-loaded).
import { parseGraph } from '../core/graph';
import type { GraphIssue, LayerGraph } from '../core/ir';

export interface ProjectRecord {
  id: string;
  name: string;
  graph: LayerGraph;
  /** The zoo model it started from, if any. */
  template?: string;
  created: number;
  updated: number;
}

export interface ProjectFile {
  format: 'model-lab/project';
  version: 1;
  name: string;
  template?: string;
  graph: LayerGraph;
}

export class ProjectFileError extends Error {
  override name = 'ProjectFileError';
  constructor(
    message: string,
    readonly issues: GraphIssue[] = [],
  ) {
    super(message);
  }
}

export function toProjectFile(project: Pick<ProjectRecord, 'name' | 'graph' | 'template'>): ProjectFile {
  const file: ProjectFile = { format: 'model-lab/project', version: 1, name: project.name, graph: project.graph };
  if (project.template) file.template = project.template;
  return file;
}

/** A file name for a project: its name with characters that file systems refuse replaced. */
export function projectFileName(name: string): string {
  const safe = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-').trim() || 'model';
  return `${safe}.json`;
}

/**
 * Reads a project file, or a bare graph (`model-lab/graph`) as exported elsewhere. Throws ProjectFileError with
 * a sentence naming the file and what is wrong.
 */
export function parseProjectFile(text: string, fileName: string): { name: string; graph: LayerGraph; template?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProjectFileError(`'${fileName}' is not valid JSON (${(error as Error).message}); choose a Model Lab project or graph file.`);
  }
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const isProject = record.format === 'model-lab/project';
  if (isProject && record.version !== 1) {
    throw new ProjectFileError(`'${fileName}' is a version ${JSON.stringify(record.version)} project; this Model Lab reads version 1.`);
  }
  const graphValue = isProject ? record.graph : value;
  const parsed = parseGraph(graphValue);
  if (!parsed.graph) {
    const first = parsed.issues[0]?.message ?? 'it is not a graph';
    const more = parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more problem${parsed.issues.length === 2 ? '' : 's'})` : '';
    throw new ProjectFileError(`'${fileName}' cannot be opened: ${first}${more}`, parsed.issues);
  }
  const name = isProject && typeof record.name === 'string' && record.name.trim() ? record.name : parsed.graph.name || fileName.replace(/\.json$/i, '');
  const result: { name: string; graph: LayerGraph; template?: string } = { name, graph: parsed.graph };
  if (isProject && typeof record.template === 'string') result.template = record.template;
  return result;
}

/** 'ResNet (copy)', 'ResNet (copy 2)', … avoiding every name in use. */
export function copyName(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const stem = name.replace(/ \(copy(?: \d+)?\)$/, '');
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `${stem} (copy)` : `${stem} (copy ${n})`;
    if (!used.has(candidate)) return candidate;
  }
}
