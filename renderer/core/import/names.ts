// Layer ids for imported nodes, preferring what the exporter knew about the model's structure:
// 1. a parameter's initializer name that is a PyTorch state_dict key ('features.0.weight' → 'features.0');
// 2. a PyTorch ≥ 1.13 scoped node name ('/layer1/layer1.0/conv1/Conv' → 'layer1.0.conv1');
// 3. any other node name, sanitised ('Conv_12' stays 'Conv_12');
// 4. the op type in lower case ('relu'), for unnamed nodes.
// Ids are sanitised (letters, digits, '_', '.', '-') and made unique with a '_2', '_3', … suffix.

const STATE_DICT_ROLE = /^(.+)\.(weight|bias|running_mean|running_var)$/;

/** Letters, digits, '_', '.', '-' only; no leading '$' (reserved for block inputs) or trailing separators. */
export function sanitiseId(raw: string): string {
  return raw
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[._-]+|[._-]+$/g, '');
}

/** The module path of a state_dict key, or undefined for names such as 'onnx::Conv_123' that are not one. */
export function modulePathOfParameter(initializerName: string): string | undefined {
  if (initializerName.includes('::') || initializerName.includes('/')) return undefined;
  const match = STATE_DICT_ROLE.exec(initializerName);
  if (!match) return undefined;
  const path = sanitiseId(match[1]!);
  return path === match[1] ? path : undefined;
}

/**
 * The scope in a scoped node name: segments after the first '/' name nested modules, each relative to its parent
 * ('conv1'), except that a Sequential's children repeat the Sequential's name ('layer1.0' under 'layer1',
 * 'downsample.0' under 'downsample'); the last segment is the op ('Conv', 'Relu_1').
 * '/layer2/layer2.0/downsample/downsample.0/Conv' → { path: 'layer2.0.downsample.0', op: 'Conv' };
 * '/Flatten' → { path: '', op: 'Flatten' }.
 */
export function scopeOfNode(nodeName: string): { path: string; op: string } | undefined {
  if (!nodeName.startsWith('/')) return undefined;
  const segments = nodeName.slice(1).split('/').filter((s) => s !== '');
  const op = segments.pop() ?? '';
  const parts: string[] = [];
  for (const segment of segments) {
    const last = parts[parts.length - 1];
    if (last !== undefined && segment.startsWith(last + '.')) parts[parts.length - 1] = segment;
    else parts.push(segment);
  }
  return { path: sanitiseId(parts.join('.')), op };
}

/**
 * Chooses ids for imported nodes. `modulePaths` are the module paths the file knows (from state_dict initializer
 * names and node scopes); a node whose scope is a container of other modules (or the model itself) is named after
 * its op inside that scope ('/layer1/layer1.0/Add' → 'layer1.0.add', '/Flatten' → 'flatten'), so a residual Add is
 * not mistaken for its block.
 */
export class Namer {
  private readonly containers = new Set<string>();

  constructor(modulePaths: Iterable<string>) {
    for (const path of modulePaths) {
      const parts = path.split('.');
      for (let i = 1; i < parts.length; i++) this.containers.add(parts.slice(0, i).join('.'));
    }
  }

  /** The preferred id of a node: its parameter's module path, its scope, its name, or its op. */
  preferred(node: { name: string; opType: string }, parameterName: string | undefined): string {
    const fromParameter = parameterName === undefined ? undefined : modulePathOfParameter(parameterName);
    if (fromParameter) return fromParameter;
    const scope = scopeOfNode(node.name);
    if (scope) {
      const op = sanitiseId(scope.op).toLowerCase() || node.opType.toLowerCase();
      if (scope.path === '') return op;
      return this.containers.has(scope.path) ? `${scope.path}.${op}` : scope.path;
    }
    return node.name || node.opType.toLowerCase();
  }
}

/** The module paths a file names: state_dict keys of its initializers and the scopes of its nodes' names. */
export function modulePathsOf(initializerNames: Iterable<string>, nodeNames: Iterable<string>): string[] {
  const paths: string[] = [];
  for (const name of initializerNames) {
    const path = modulePathOfParameter(name);
    if (path) paths.push(path);
  }
  for (const name of nodeNames) {
    const scope = scopeOfNode(name);
    if (scope && scope.path) paths.push(scope.path);
  }
  return paths;
}

/** Hands out unique ids. */
export class IdAllocator {
  private readonly used = new Set<string>();

  /** `preferred` when free, else `preferred_2`, `preferred_3`, …; `fallback` when `preferred` sanitises to ''. */
  take(preferred: string, fallback: string): string {
    const base = sanitiseId(preferred) || sanitiseId(fallback) || 'layer';
    let id = base;
    for (let n = 2; this.used.has(id) || id.startsWith('$in'); n++) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}
