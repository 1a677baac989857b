// Block expansion: LayerGraph (layers and blocks) → FlatGraph (layers only). Every later stage (shape
// inference, analysis, lowering) works on the flat graph; the blockPath on each layer lets them attribute rows
// and errors back to what the user sees.
//
// Naming: a layer inside a block gets the block's id as a dotted prefix, torchvision-style:
//   block 'inception3a' (not repeated):  'inception3a.branch1.conv'
//   block 'layer1' with repeat: 2:       'layer1.0.conv1', 'layer1.1.conv1'   (copy index after the block id)
//   Custom 'layer2' with body node '0':  'layer2.0.conv1'                     (nested blocks nest their prefixes)
// A reference to a block's id (from a node's inputs or the graph's output) becomes the flat id of the block's
// output layer. blockPath lists the flat ids of the enclosing block instances, outermost first — a block and,
// when repeated, its copy: ['layer1', 'layer1.0'] for 'layer1.0.conv1'.
//
// Repeat: copy 0 reads the block's inputs; copy i > 0 reads copy i−1's output as '$in0' and the block's other
// inputs unchanged as '$in1', ….
//
// Errors never throw: each becomes a GraphIssue at the top-level node the user sees (for a problem inside a
// nested block, `layer` names the nested block's flat id) with the field at fault and the bad value quoted. A
// failed block expands to a pass-through Identity named after it (reading its first input), so the rest of the
// graph stays connected and later stages report only their own problems.
import type { BlockNode, FlatGraph, FlatNode, GraphIssue, GraphNode, LayerGraph, TrainSettings } from '../ir';
import { GRAPH_ISSUE } from '../graph';
import { quote } from './block';
import { BLOCKS, BLOCK_TYPES, CUSTOM_BLOCK, expandParametric, isBlockType } from './index';

interface Problem {
  field: string;
  message: string;
}

type Prepared =
  | { ok: true; copies: number; body: GraphNode[]; output: string }
  | { ok: false; problems: Problem[] };

/** Where issues found inside a scope are reported: the top-level node the user sees, if inside one. */
type Site = string | null;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBlock(node: GraphNode): node is BlockNode {
  return node.kind === 'Block';
}

const INPUT_REF = /^\$in(\d+)$/;

class Expander {
  readonly nodes: FlatNode[] = [];
  readonly issues: GraphIssue[] = [];
  private readonly flatIds = new Set<string>();
  private readonly prepared = new Map<BlockNode, Prepared>();
  /** Failed blocks already reported: a failure inside a repeated block is reported once, not once per copy. */
  private readonly reported = new Set<Prepared>();

  report(site: Site, flatId: string, problem: Problem): void {
    const issue: GraphIssue = { nodeId: site ?? flatId, field: problem.field, message: problem.message };
    if (site !== null && site !== flatId) issue.layer = flatId;
    this.issues.push(issue);
  }

  /**
   * Checks a block once (type, params, repeat, inputs, body) and computes its body: the parametric expansion or
   * the Custom body. Pure with respect to the block's position, so it is cached per node.
   */
  prepare(node: BlockNode, flatId: string): Prepared {
    const cached = this.prepared.get(node);
    if (cached) return cached;
    const result = this.check(node, flatId);
    this.prepared.set(node, result);
    return result;
  }

  private check(node: BlockNode, flatId: string): Prepared {
    const problems: Problem[] = [];
    const where = `Block '${flatId}'`;
    const repeat = node.repeat ?? 1;
    if (typeof repeat !== 'number' || !Number.isInteger(repeat) || repeat < 1) {
      problems.push({ field: 'repeat', message: `${where} has repeat = ${quote(node.repeat)}; it must be a whole number ≥ 1 (the number of chained copies).` });
    }
    const inputs: unknown = node.inputs;
    const inputCount = Array.isArray(inputs) ? inputs.length : 0;
    if (!Array.isArray(inputs) || !inputs.every((ref) => typeof ref === 'string')) {
      problems.push({ field: 'inputs', message: `${where} has inputs = ${quote(inputs)}; inputs must be a list of node ids such as ["conv1"].` });
    }
    const type: unknown = node.block;
    let body: GraphNode[] = [];
    let output = '';
    if (type === CUSTOM_BLOCK) {
      const custom = this.checkCustom(node, where, inputCount);
      problems.push(...custom.problems);
      body = custom.body;
      output = custom.output;
    } else if (typeof type !== 'string' || !isBlockType(type)) {
      problems.push({
        field: 'block',
        message: `${where} has block = ${quote(type)}, which is not a block type; use one of ${[...BLOCK_TYPES, CUSTOM_BLOCK].join(', ')}.`,
      });
    } else {
      const expected = BLOCKS[type].inputs;
      if (Array.isArray(inputs) && inputCount !== expected) {
        problems.push({
          field: 'inputs',
          message: `${where} (${type}) has ${inputCount} inputs (${quote(inputs)}); it takes exactly ${expected}.`,
        });
      }
      const { problems: paramProblems, expansion } = expandParametric(type, flatId, node.params);
      for (const problem of paramProblems) {
        problems.push({ field: problem.param ? `params.${problem.param}` : 'params', message: problem.message });
      }
      if (expansion) {
        // A block file's own mistake would surface here; report it rather than produce a broken graph.
        problems.push(...this.checkBody(expansion.nodes, expansion.output, where, expected));
        body = expansion.nodes;
        output = expansion.output;
      }
    }
    if (problems.length) return { ok: false, problems };
    return { ok: true, copies: repeat, body, output };
  }

  private checkCustom(node: BlockNode, where: string, inputCount: number): { problems: Problem[]; body: GraphNode[]; output: string } {
    const body: unknown = node.body;
    if (!Array.isArray(body) || body.length === 0) {
      return {
        problems: [{ field: 'body', message: `${where} is a Custom block with body = ${quote(body)}; give its layers as a non-empty list of nodes.` }],
        body: [],
        output: '',
      };
    }
    const problems: Problem[] = [];
    const bad = body.findIndex((child) => !isRecord(child) || typeof child.id !== 'string' || typeof child.kind !== 'string');
    if (bad >= 0) {
      problems.push({ field: 'body', message: `${where} has body[${bad}] = ${quote(body[bad])}; every body node needs a string id and kind.` });
      return { problems, body: [], output: '' };
    }
    const nodes = body as GraphNode[];
    const output: unknown = node.output;
    if (typeof output !== 'string' || !nodes.some((child) => child.id === output)) {
      const ids = nodes.map((child) => `'${child.id}'`).join(', ');
      problems.push({
        field: 'output',
        message:
          output === undefined
            ? `${where} is a Custom block without an output; set output to the id of the body node whose result the block gives (one of ${ids}).`
            : `${where} has output = ${quote(output)}, which is not a node of its body; use one of ${ids}.`,
      });
    }
    problems.push(...this.checkBody(nodes, typeof output === 'string' ? output : '', where, inputCount, false));
    return { problems, body: nodes, output: typeof output === 'string' ? output : '' };
  }

  /** Body ids are unique and not '$'-names; every body reference is a body node or one of the block's inputs. */
  private checkBody(nodes: GraphNode[], output: string, where: string, inputCount: number, checkOutput = true): Problem[] {
    const problems: Problem[] = [];
    const ids = new Set<string>();
    for (const child of nodes) {
      if (child.id.startsWith('$') || ids.has(child.id)) {
        const why = child.id.startsWith('$') ? "names starting with '$' refer to the block's inputs" : 'ids must be unique';
        problems.push({ field: 'body', message: `${where} has a body node with id '${child.id}'; ${why}.` });
      }
      ids.add(child.id);
    }
    if (checkOutput && !ids.has(output)) {
      problems.push({ field: 'output', message: `${where} names output '${output}', which is not a node of its expansion.` });
    }
    const inputNames = Array.from({ length: inputCount }, (_, k) => `$in${k}`);
    for (const child of nodes) {
      const refs: unknown = child.inputs;
      if (!Array.isArray(refs)) {
        problems.push({ field: 'body', message: `${where} has body node '${child.id}' with inputs = ${quote(refs)}; inputs must be a list of ids.` });
        continue;
      }
      for (const ref of refs) {
        const inputIndex = typeof ref === 'string' ? INPUT_REF.exec(ref) : null;
        const known = typeof ref === 'string' && (inputIndex ? Number(inputIndex[1]) < inputCount : ids.has(ref));
        if (known) continue;
        const choices = [...inputNames, ...ids].map((name) => `'${name}'`).join(', ');
        problems.push({
          field: 'body',
          message: `${where} has body node '${child.id}' reading ${quote(ref)}, which is neither a body node nor one of the block's ${inputCount} inputs; use one of ${choices}.`,
        });
      }
    }
    return problems;
  }

  /** The path from a node's own flat id to the flat id of the layer that gives its output. */
  outputSuffix(node: GraphNode, flatId: string): string[] {
    if (!isBlock(node)) return [];
    const prepared = this.prepare(node, flatId);
    if (!prepared.ok) return [];
    const copy = prepared.copies > 1 ? [String(prepared.copies - 1)] : [];
    const inner = prepared.body.find((child) => child.id === prepared.output)!;
    const innerId = [flatId, ...copy, prepared.output].join('.');
    return [...copy, prepared.output, ...this.outputSuffix(inner, innerId)];
  }

  /**
   * Expands the nodes of one scope (the graph, or one copy of a block's body). `bindings` maps '$inK' to flat
   * ids; `prefix` is prepended to local ids. Returns the map from local id to the flat id of its output.
   */
  expandScope(
    nodes: readonly GraphNode[],
    bindings: ReadonlyMap<string, string>,
    prefix: string,
    path: readonly string[],
    site: Site,
    train: TrainSettings | undefined,
  ): Map<string, string> {
    const outputs = new Map<string, string>();
    for (const node of nodes) {
      const flatId = prefix + node.id;
      outputs.set(node.id, [flatId, ...this.outputSuffix(node, flatId)].join('.'));
    }
    const resolve = (ref: string): string => bindings.get(ref) ?? outputs.get(ref) ?? ref;
    for (const node of nodes) {
      const flatId = prefix + node.id;
      const refs: unknown = node.inputs;
      let inputs: string[] = [];
      if (Array.isArray(refs) && refs.every((ref) => typeof ref === 'string')) {
        inputs = refs.map(resolve);
      } else if (!isBlock(node)) {
        this.report(site, flatId, { field: 'inputs', message: `Node '${flatId}' has inputs = ${quote(refs)}; inputs must be a list of node ids such as ["conv1"].` });
      }
      if (isBlock(node)) {
        this.expandBlock(node, flatId, inputs, path, site, node.train ?? train);
      } else {
        this.emit(node, flatId, inputs, path, site, train);
      }
    }
    return outputs;
  }

  private expandBlock(node: BlockNode, flatId: string, inputs: string[], path: readonly string[], site: Site, train: TrainSettings | undefined): void {
    const prepared = this.prepare(node, flatId);
    if (!prepared.ok) {
      if (!this.reported.has(prepared)) {
        this.reported.add(prepared);
        for (const problem of prepared.problems) this.report(site, flatId, problem);
      }
      if (inputs.length > 0) {
        this.emit({ id: node.id, kind: 'Identity', attrs: {}, inputs: [] }, flatId, [inputs[0]!], path, site, train);
      }
      return;
    }
    const innerSite = site ?? node.id;
    let copyInputs = inputs;
    for (let copy = 0; copy < prepared.copies; copy++) {
      const copyId = prepared.copies > 1 ? `${flatId}.${copy}` : flatId;
      const copyPath = prepared.copies > 1 ? [...path, flatId, copyId] : [...path, flatId];
      const bindings = new Map(copyInputs.map((ref, k) => [`$in${k}`, ref] as const));
      const outputs = this.expandScope(prepared.body, bindings, `${copyId}.`, copyPath, innerSite, train);
      copyInputs = [outputs.get(prepared.output)!, ...copyInputs.slice(1)];
    }
  }

  private emit(node: Exclude<GraphNode, BlockNode>, flatId: string, inputs: string[], path: readonly string[], site: Site, train: TrainSettings | undefined): void {
    if (this.flatIds.has(flatId)) {
      this.report(site, flatId, {
        field: 'id',
        message: `Two layers are named '${flatId}'${path.length ? ` (inside block '${path[0]}')` : ''}; rename one of them so every layer has its own id.`,
      });
    }
    this.flatIds.add(flatId);
    // Built field by field (no spread, no delete): flat graphs of big models are made often and read hot.
    const flat = { id: flatId, kind: node.kind, attrs: node.attrs, inputs, blockPath: path.slice() } as FlatNode;
    const settings = node.train ?? train;
    if (settings) flat.train = settings;
    if (path.length === 0 && node.position) flat.position = node.position;
    this.nodes.push(flat);
  }
}

/**
 * Expands every block of `graph` (parametric, Custom, nested, repeated) into plain layers. Never throws: problems
 * come back as issues, all at once.
 */
export function expandGraph(graph: LayerGraph): { flat: FlatGraph; issues: GraphIssue[] } {
  const expander = new Expander();
  const name = typeof graph?.name === 'string' ? graph.name : '';
  const nodes: unknown = graph?.nodes;
  if (!Array.isArray(nodes)) {
    expander.issues.push({ nodeId: GRAPH_ISSUE, field: 'nodes', message: `The graph has nodes = ${quote(nodes)}; nodes must be a list of layers and blocks.` });
    return { flat: { name, nodes: [], output: '' }, issues: expander.issues };
  }
  const valid: GraphNode[] = [];
  nodes.forEach((node: unknown, index) => {
    if (isRecord(node) && typeof node.id === 'string' && node.id !== '' && typeof node.kind === 'string') {
      valid.push(node as unknown as GraphNode);
    } else {
      const hasId = isRecord(node) && typeof node.id === 'string' && node.id !== '';
      expander.issues.push(
        hasId
          ? { nodeId: node.id as string, field: 'kind', message: `Node '${node.id as string}' has kind = ${quote(node.kind)}; give its layer kind, or 'Block'.` }
          : {
              nodeId: GRAPH_ISSUE,
              field: `nodes[${index}]`,
              message: `Node ${index + 1} of the graph is ${quote(node)}; every node needs a non-empty string id and a kind.`,
            },
      );
    }
  });
  const outputs = expander.expandScope(valid, new Map(), '', [], null, undefined);
  let output = '';
  if (graph.output !== undefined) {
    // The output may name a top-level node (a block meaning its output layer) or, like any input, a flat layer id.
    const named = typeof graph.output === 'string' ? graph.output : undefined;
    if (named !== undefined && outputs.has(named)) {
      output = outputs.get(named)!;
    } else if (named !== undefined && expander.nodes.some((node) => node.id === named)) {
      output = named;
    } else {
      output = named ?? '';
      expander.issues.push({
        nodeId: GRAPH_ISSUE,
        field: 'output',
        message: `The graph's output is ${quote(graph.output)}, which is not a node of the graph; set output to a node id or leave it out to use the last node.`,
      });
    }
  } else if (valid.length > 0) {
    output = outputs.get(valid[valid.length - 1]!.id)!;
  }
  const flat: FlatGraph = { name, nodes: expander.nodes, output };
  if (graph.classes !== undefined) flat.classes = graph.classes;
  return { flat, issues: expander.issues };
}

/** The issues of one block on its own (type, params, repeat, body, nested blocks), e.g. for an inspector panel. */
export function checkBlock(node: BlockNode): GraphIssue[] {
  return expandGraph({ format: 'model-lab/graph', version: 1, name: node.id, nodes: [node] }).issues;
}
