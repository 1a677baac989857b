// A project file: a layer graph with its weights, as `model-lab import` writes it and `model-lab export` reads it.
//
//   { "format": "model-lab/project", "version": 1, "graph": <LayerGraph>,
//     "weights": { "<layer>.<role>": { "dims": [...], "dtype": "float32", "data": "<base64 of little-endian float32>" } },
//     "classes"?: ["cat", "dog", …] }
//
// parseProject checks every field and that the weights are exactly the graph's parameters with the right dims; its
// errors name the field (`weights["conv1.weight"].dims`) and quote the bad value.
import { AppError } from '../../preload/result';
import { parseGraph } from './graph';
import { expectedParameters } from './import/parameters';
import type { LayerGraph } from './ir';
import { isRecord, quote } from './layers/layer';
import type { WeightStore } from './weights';

export const PROJECT_FORMAT = 'model-lab/project';
export const PROJECT_VERSION = 1;

export interface Project {
  graph: LayerGraph;
  /** Absent in a project saved by the editor before training: the graph alone, weights drawn fresh when needed. */
  weights?: WeightStore;
  classes?: string[];
}

export class ProjectError extends AppError {
  /** The JSON field at fault, e.g. 'weights["conv1.weight"].data'. */
  readonly field: string;
  constructor(field: string, message: string) {
    super('invalid-project', message);
    this.name = 'ProjectError';
    this.field = field;
  }
}

// ---- base64 of little-endian float32 ------------------------------------------------------------------------

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The float32 values' bytes in little-endian order (a copy; bit patterns, NaN payloads included, are kept). */
function float32Bytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.byteLength);
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  if (!littleEndian) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  return bytes;
}

export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    chunk += ALPHABET[a >> 2]! + ALPHABET[((a & 3) << 4) | (b >> 4)]!;
    chunk += i + 1 < bytes.length ? ALPHABET[((b & 15) << 2) | (c >> 6)]! : '=';
    chunk += i + 2 < bytes.length ? ALPHABET[c & 63]! : '=';
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

/** The bytes, or undefined when `text` is not canonical padded base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let out = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const codes = [0, 1, 2, 3].map((k) => {
      const ch = text.charCodeAt(i + k);
      if (last && ch === 61 /* = */ && k >= 4 - padding) return 0;
      return ch < 128 ? DECODE[ch]! : -1;
    });
    if (codes.some((code) => code < 0)) return undefined;
    const word = (codes[0]! << 18) | (codes[1]! << 12) | (codes[2]! << 6) | codes[3]!;
    if (out < bytes.length) bytes[out++] = (word >> 16) & 255;
    if (out < bytes.length) bytes[out++] = (word >> 8) & 255;
    if (out < bytes.length) bytes[out++] = word & 255;
  }
  return bytes;
}

function float32FromBytes(bytes: Uint8Array): Float32Array {
  const copy = bytes.slice();
  if (!littleEndian) for (let i = 0; i < copy.length; i += 4) copy.subarray(i, i + 4).reverse();
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

// ---- serialise / parse ----------------------------------------------------------------------------------------

/** The project as JSON text (weights in name order, so equal projects give equal files). */
export function serialiseProject(project: Project): string {
  const weights: Record<string, { dims: number[]; dtype: 'float32'; data: string }> = {};
  for (const name of [...(project.weights?.keys() ?? [])].sort()) {
    const tensor = project.weights!.get(name)!;
    weights[name] = { dims: [...tensor.dims], dtype: 'float32', data: encodeBase64(float32Bytes(tensor.data)) };
  }
  const file: Record<string, unknown> = { format: PROJECT_FORMAT, version: PROJECT_VERSION, graph: project.graph, ...(project.weights ? { weights } : {}) };
  if (project.classes) file.classes = project.classes;
  return JSON.stringify(file);
}

// 'name' and 'template' are the editor's (renderer/projects/project-file.ts): the project's title and its zoo origin.
const PROJECT_FIELDS = ['format', 'version', 'graph', 'weights', 'classes', 'name', 'template'];
const WEIGHT_FIELDS = ['dims', 'dtype', 'data'];

/**
 * Reads a project from JSON text or a parsed value. Throws ProjectError naming the first bad field; weights, when
 * present, must be exactly the graph's parameters (no missing, no extra) with the dims the graph implies.
 */
export function parseProject(source: string | unknown): Project {
  let value: unknown = source;
  if (typeof source === 'string') {
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw new ProjectError('', `The project is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`);
    }
  }
  if (!isRecord(value)) throw new ProjectError('', `A project must be a JSON object with format "${PROJECT_FORMAT}"; got ${quote(value)}.`);
  if (value.format !== PROJECT_FORMAT) throw new ProjectError('format', `The project's format is ${quote(value.format)}; it must be "${PROJECT_FORMAT}".`);
  if (value.version !== PROJECT_VERSION) {
    throw new ProjectError('version', `The project's version is ${quote(value.version)}; this Model Lab reads version ${PROJECT_VERSION}.`);
  }
  for (const field of Object.keys(value)) {
    if (!PROJECT_FIELDS.includes(field)) throw new ProjectError(field, `The project has an unknown field '${field}'; its fields are ${PROJECT_FIELDS.join(', ')}.`);
  }
  let classes: string[] | undefined;
  if (value.classes !== undefined) {
    if (!Array.isArray(value.classes) || !value.classes.every((name) => typeof name === 'string')) {
      throw new ProjectError('classes', `The project's classes are ${quote(value.classes)}; give a list of class names (strings).`);
    }
    classes = [...(value.classes as string[])];
  }
  const parsed = parseGraph(value.graph);
  if (!parsed.graph) {
    const first = parsed.issues[0]!;
    const more = parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more problem${parsed.issues.length > 2 ? 's' : ''})` : '';
    throw new ProjectError(`graph${first.field ? '.' + first.field : ''}`, `The project's graph is not valid: ${first.message}${more}`);
  }
  const graph = parsed.graph;
  const expected = expectedParameters(graph);
  if (!expected.ok) {
    const first = expected.issues[0]!;
    throw new ProjectError('graph', `The project's graph cannot be analysed: ${first.message}`);
  }
  if (value.weights === undefined) return classes ? { graph, classes } : { graph };
  if (!isRecord(value.weights)) {
    throw new ProjectError('weights', `The project's weights are ${quote(value.weights)}; give an object mapping parameter names to tensors.`);
  }
  const weights: WeightStore = new Map();
  for (const [name, raw] of Object.entries(value.weights)) {
    const field = `weights[${JSON.stringify(name)}]`;
    const dimsWanted = expected.params.get(name);
    if (!dimsWanted) {
      const known = [...expected.params.keys()];
      const hint = known.length ? `its parameters are ${shortList(known)}` : 'the graph has no parameters';
      throw new ProjectError(field, `The project has weights '${name}', which is not a parameter of the graph; ${hint}.`);
    }
    if (!isRecord(raw)) throw new ProjectError(field, `${field} is ${quote(raw)}; give {"dims": [...], "dtype": "float32", "data": "<base64>"}.`);
    for (const key of Object.keys(raw)) {
      if (!WEIGHT_FIELDS.includes(key)) throw new ProjectError(`${field}.${key}`, `${field} has an unknown field '${key}'; its fields are ${WEIGHT_FIELDS.join(', ')}.`);
    }
    const dims = raw.dims;
    if (!Array.isArray(dims) || !dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
      throw new ProjectError(`${field}.dims`, `${field}.dims is ${quote(dims)}; give a list of whole numbers ≥ 0.`);
    }
    if (dims.length !== dimsWanted.length || dims.some((d, i) => d !== dimsWanted[i])) {
      throw new ProjectError(`${field}.dims`, `${field}.dims is ${quote(dims)}, but the graph needs [${dimsWanted.join(', ')}] for '${name}'.`);
    }
    if (raw.dtype !== 'float32') throw new ProjectError(`${field}.dtype`, `${field}.dtype is ${quote(raw.dtype)}; only "float32" is supported.`);
    const bytes = typeof raw.data === 'string' ? decodeBase64(raw.data) : undefined;
    if (!bytes) throw new ProjectError(`${field}.data`, `${field}.data is ${quote(raw.data)}; it must be base64 text of little-endian float32 values.`);
    const count = dimsWanted.reduce((p, d) => p * d, 1);
    if (bytes.length !== count * 4) {
      throw new ProjectError(`${field}.data`, `${field}.data holds ${bytes.length} bytes, but dims [${dimsWanted.join(', ')}] need ${count} float32 values (${count * 4} bytes).`);
    }
    weights.set(name, { dims: [...dimsWanted], data: float32FromBytes(bytes) });
  }
  for (const name of expected.params.keys()) {
    if (!weights.has(name)) throw new ProjectError(`weights[${JSON.stringify(name)}]`, `The project has no weights for '${name}', a parameter of its graph; add them.`);
  }
  return classes ? { graph, weights, classes } : { graph, weights };
}

function shortList(names: string[]): string {
  const shown = names.slice(0, 6).map((name) => `'${name}'`).join(', ');
  return names.length > 6 ? `${shown}, … (${names.length} in all)` : shown;
}
