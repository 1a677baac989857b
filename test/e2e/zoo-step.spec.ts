// One training step of zoo models on onnxruntime-web's WebGPU EP (CPU fallback disabled) and on the plain wasm
// bundle, in the app's page: the loss, the number correct, every parameter's gradient and every updated parameter
// agree. The graphs are lowered with the WebGPU workarounds (exact rewrites), so both backends run the same graph.
//
// Two float32 runs of one graph can take a near-tie's branch differently (a ReLU input of ±1e-7, two equal maxima of
// a pooling window), and then a gradient differs by a whole term, not by rounding. So, as in the Node proof
// (test/runtime/zoo-step.test.ts), the wasm run that is compared follows WebGPU's decisions (the bool values of the
// step: ReLU masks, first-maximum masks), and a second wasm run, on its own, checks that WebGPU decided every one as
// wasm does or at a near-tie.
import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { zooModel } from '../../models/index';
import { node as makeNode, valueInfo } from '../../renderer/core/onnx/builder';
import { encodeModel } from '../../renderer/core/onnx/codec';
import { DataType, type Model } from '../../renderer/core/onnx/model';
import { fromTensor } from '../../renderer/core/onnx/reference';
import { inferGraph } from '../../renderer/core/onnx/shape-inference';
import { EXPORT_OPSET } from '../../renderer/core/onnx/schema';
import { decisionValues, withDecisionsFed, withOutputs, zooStep, type StepFeed } from '../runtime/zoo-step-fixture';

/**
 * WebGPU here is SwiftShader, a CPU emulation, so this runs the cheapest models that together cover every layer kind
 * the zoo uses: alexnet-paper (grouped convolution, LRN, dropout, overlapping max pool, dense), googlenet (BatchNorm,
 * concatenation, global average pool, dropout, ceil-mode max pool) and resnet18 (residual Add, BatchNorm, global pool).
 * Left out for time (all proved against the float64 reference on wasm in test/runtime/zoo-step.test.ts): lenet5,
 * lenet5-relu, alexnet, alexnet-d2l, vgg11, vgg16, vgg11-bn, vgg16-bn, nin, inception-v2, inception-v3, resnet50,
 * densenet121. Batches are the fixture's (4 for the BatchNorm models, whose conditioning needs them; see
 * ZOO_STEP_SIZES).
 */
const MODELS = ['alexnet-paper', 'googlenet', 'resnet18'];
/** Largest |webgpu − wasm| allowed, relative to the tensor's scale max |wasm|. */
const TOLERANCE = 1e-3;
/** A decision WebGPU takes differently from wasm must have |a − b| ≤ DECISION_TIE · max(|a|, |b|) in wasm's values. */
const DECISION_TIE = 1e-4;
/** Route bodies go to the browser in one DevTools message each: an 81 MB body (AlexNet-paper's feeds) closed the page. */
const CHUNK = 8 << 20;
const AS_FLOAT = '/as_float';

interface Manifest {
  feeds: Array<{ name: string; type: string; dims: number[]; offset: number; length: number }>;
  /** Values compared between the backends. */
  outputs: string[];
  /**
   * The decision values, each with the values it compares (shapes for broadcasting): computed ones come from wasm's
   * run, constants come with their values, graph inputs from the feeds.
   */
  decisions: Array<{ name: string; inputs: Array<{ name: string; dims: number[]; values?: number[]; feed?: boolean }>; dims: number[] }>;
  /** The inputs of the model that follows WebGPU's decisions. */
  followingInputs: string[];
  chunks: number;
  bytes: number;
}

interface Prepared {
  id: string;
  /** The step with the decisions and their compared values as extra outputs; run on WebGPU and on wasm. */
  model: Uint8Array;
  /** The step with the decisions as inputs; run on wasm with WebGPU's. */
  following: Uint8Array;
  feeds: Buffer;
  manifest: Manifest;
}

function prepare(id: string): Prepared {
  const { step, model, gradients, feeds } = zooStep(zooModel(id)!, { webgpu: true });
  const outputs = [step.outputs.loss, step.outputs.correct, ...gradients.values(), ...step.outputs.params.values()];
  const results = withOutputs(model, outputs);
  const { types } = inferGraph(results.graph, EXPORT_OPSET);
  const dims = (name: string) => (types.get(name)?.shape ?? []) as number[];
  const constants = new Map(results.graph.initializers.map((t) => [t.name, t]));
  const graphInputs = new Set(results.graph.inputs.map((i) => i.name));
  const decisions = decisionValues(results).map(({ name, node }) => ({
    name,
    inputs: node.inputs.map((i) => {
      const constant = constants.get(i);
      return { name: i, dims: dims(i), ...(constant ? { values: Array.from(fromTensor(constant).data) } : {}), ...(graphInputs.has(i) ? { feed: true } : {}) };
    }),
    dims: dims(name),
  }));
  const compared = [...new Set(decisions.flatMap((d) => d.inputs.filter((i) => !i.values && !i.feed).map((i) => i.name)))];
  // The decisions leave as floats: on WebGPU a bool graph output computed in the NHWC layout needs a bool Transpose
  // back, which has no WebGPU kernel (the session then refuses to fall back to the CPU).
  const base = withOutputs(model, [...outputs, ...decisions.map((d) => d.name), ...compared]);
  const casts = decisions.map((d) => makeNode('Cast', [d.name], [`${d.name}${AS_FLOAT}`], { to: DataType.FLOAT }, { name: `${d.name}${AS_FLOAT}` }));
  const withDecisions: Model = {
    ...base,
    graph: {
      ...base.graph,
      nodes: [...base.graph.nodes, ...casts],
      outputs: [
        ...base.graph.outputs.filter((o) => !decisions.some((d) => d.name === o.name)),
        ...decisions.map((d) => valueInfo(`${d.name}${AS_FLOAT}`, DataType.FLOAT, d.dims)),
      ],
    },
  };
  const following = withDecisionsFed(results, decisions.map((d) => d.name));

  const parts: Buffer[] = [];
  let offset = 0;
  const entries: Manifest['feeds'] = [];
  const needed = new Set(withDecisions.graph.inputs.map((i) => i.name));
  for (const [name, f] of Object.entries(feeds) as Array<[string, StepFeed]>) {
    if (!needed.has(name)) continue;
    const type = f.data instanceof Uint8Array ? 'uint8' : f.data instanceof Int32Array ? 'int32' : 'float32';
    const bytes = Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength);
    // Each feed starts on a 4-byte boundary so the page can view it as a Float32Array or Int32Array.
    const padded = Buffer.concat([bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)]);
    entries.push({ name, type, dims: f.dims, offset, length: f.data.length });
    parts.push(padded);
    offset += padded.length;
  }
  const blob = Buffer.concat(parts);
  return {
    id,
    model: encodeModel(withDecisions),
    following: encodeModel(following),
    feeds: blob,
    manifest: { feeds: entries, outputs, decisions, followingInputs: following.graph.inputs.map((i) => i.name), chunks: Math.ceil(blob.length / CHUNK), bytes: blob.length },
  };
}

test('zoo training steps give the same loss, gradients and updated parameters on WebGPU and wasm', async ({ page }) => {
  test.setTimeout(480_000);
  const prepared = MODELS.map(prepare);
  await page.route('**/zoo-step/**', (route) => {
    const [index, part] = new URL(route.request().url()).pathname.split('/').slice(-2) as [string, string];
    const p = prepared[Number(index)]!;
    let body: Buffer;
    if (part === 'model') body = Buffer.from(p.model);
    else if (part === 'following') body = Buffer.from(p.following);
    else if (part === 'manifest') body = Buffer.from(JSON.stringify(p.manifest));
    else body = p.feeds.subarray(Number(part) * CHUNK, (Number(part) + 1) * CHUNK);
    return route.fulfill({ status: 200, contentType: 'application/octet-stream', body });
  });
  await page.goto('/');
  const assets = readdirSync(join(import.meta.dirname, '../../out/renderer/assets'));
  const webgpuBundle = assets.find((f) => f.startsWith('ort.webgpu.bundle'));
  const wasmBundle = assets.find((f) => f.startsWith('ort.wasm.bundle'));
  expect(webgpuBundle && wasmBundle, 'the built onnxruntime-web bundles').toBeTruthy();

  // In the page (code as a string: see the note on tsx in README): load both bundles once, then per model run the
  // step on WebGPU, on wasm, and on wasm following WebGPU's decisions, and return each output's largest difference
  // and scale, the decisions that differ with their margins, and each run's milliseconds.
  await page.evaluate(`(async ({ webgpuBundle, wasmBundle }) => {
    window.zooStep = { gpu: await import('/assets/' + webgpuBundle), cpu: await import('/assets/' + wasmBundle) };
    window.zooStep.cpu.env.wasm.numThreads = 1;
  })(${JSON.stringify({ webgpuBundle, wasmBundle })})`);
  const runInPage = `(async (i) => {
    const { gpu, cpu } = window.zooStep;
    const arrays = { uint8: Uint8Array, int32: Int32Array, float32: Float32Array };
    const get = async (part) => new Uint8Array(await (await fetch('/zoo-step/' + i + '/' + part)).arrayBuffer());
    try {
      const manifest = await (await fetch('/zoo-step/' + i + '/manifest')).json();
      const model = await get('model');
      const following = await get('following');
      const blob = new Uint8Array(manifest.bytes);
      for (let k = 0; k < manifest.chunks; k++) blob.set(await get(k), k * ${CHUNK});
      const feeds = (ort) => {
        const tensors = {};
        for (const f of manifest.feeds) tensors[f.name] = new ort.Tensor(f.type, new arrays[f.type](blob.buffer, f.offset, f.length), f.dims);
        return tensors;
      };
      const run = async (ort, bytes, options, tensors, names) => {
        const session = await ort.InferenceSession.create(bytes, options);
        try {
          const started = performance.now();
          const out = await session.run(tensors, names);
          const data = {};
          for (const name of names) data[name] = await out[name].getData();
          return { data, ms: performance.now() - started };
        } finally {
          await session.release();
        }
      };
      const decisionNames = manifest.decisions.map((d) => d.name + '${AS_FLOAT}');
      const compared = [...new Set(manifest.decisions.flatMap((d) => d.inputs.filter((input) => !input.values && !input.feed).map((input) => input.name)))];
      const webgpu = await run(gpu, model, { executionProviders: ['webgpu'], extra: { session: { disable_cpu_ep_fallback: '1' } } }, feeds(gpu), [...manifest.outputs, ...decisionNames]);
      const wasm = await run(cpu, model, { executionProviders: ['wasm'] }, feeds(cpu), [...manifest.outputs, ...decisionNames, ...compared]);
      const available = feeds(cpu);
      for (const d of manifest.decisions) available[d.name] = new cpu.Tensor('bool', Uint8Array.from(webgpu.data[d.name + '${AS_FLOAT}'], (v) => (v ? 1 : 0)), d.dims);
      const followingFeeds = Object.fromEntries(manifest.followingInputs.map((name) => [name, available[name]]));
      const wasmFollowing = await run(cpu, following, { executionProviders: ['wasm'] }, followingFeeds, manifest.outputs);

      const compare = (a, b) => {
        let difference = a.length === b.length ? 0 : Infinity, scale = 0;
        for (let k = 0; k < b.length; k++) {
          difference = Math.max(difference, Math.abs(a[k] - b[k]));
          scale = Math.max(scale, Math.abs(b[k]));
        }
        return { difference, scale };
      };
      const outputs = manifest.outputs.map((name) => ({ name, ...compare(webgpu.data[name], wasmFollowing.data[name]), direct: compare(webgpu.data[name], wasm.data[name]) }));

      // Where WebGPU's decision differs from wasm's own: the margin |a − b| of wasm's compared values there.
      const at = (flat, dims, from) => {
        let index = 0, stride = 1;
        for (let axis = from.length - 1, rest = flat; axis >= 0; axis--) {
          const coordinate = rest % from[axis];
          rest = Math.floor(rest / from[axis]);
          const j = axis - (from.length - dims.length);
          if (j >= 0) {
            if (dims[j] !== 1) index += coordinate * stride;
            stride *= dims[j];
          }
        }
        return index;
      };
      let decided = 0;
      const differing = [];
      for (const d of manifest.decisions) {
        const a = webgpu.data[d.name + '${AS_FLOAT}'], b = wasm.data[d.name + '${AS_FLOAT}'];
        decided += b.length;
        const fed = feeds(cpu);
        const values = d.inputs.map((input) => input.values ?? (input.feed ? fed[input.name].data : wasm.data[input.name]));
        const scale = Math.max(...values.map((v) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0)));
        for (let k = 0; k < b.length; k++) {
          if (Boolean(a[k]) === Boolean(b[k])) continue;
          const margin = values.length === 2 ? Math.abs(values[0][at(k, d.inputs[0].dims, d.dims)] - values[1][at(k, d.inputs[1].dims, d.dims)]) : Infinity;
          differing.push({ name: d.name, index: k, margin, scale });
        }
      }
      return { webgpuMs: webgpu.ms, wasmMs: wasm.ms, outputs, decided, differing };
    } catch (error) {
      return { error: String((error && error.message) || error) };
    }
  })`;
  type Compared = { difference: number; scale: number };
  type Result = {
    error?: string;
    webgpuMs?: number;
    wasmMs?: number;
    outputs?: Array<{ name: string; direct: Compared } & Compared>;
    decided?: number;
    differing?: Array<{ name: string; index: number; margin: number; scale: number }>;
  };
  const results: Result[] = [];
  for (let i = 0; i < prepared.length; i++) {
    const started = Date.now();
    results.push(await page.evaluate(`${runInPage}(${i})`));
    console.log(`${prepared[i]!.id}: ${((Date.now() - started) / 1000).toFixed(1)} s in the page`);
  }

  const failures: string[] = [];
  prepared.forEach((p, i) => {
    const r = results[i]!;
    if (r.error) {
      failures.push(`${p.id}: ${r.error}`);
      return;
    }
    let worst = { ratio: 0, name: '' };
    let direct = 0;
    for (const o of r.outputs!) {
      // Loss and number correct are compared on an absolute scale of at least 1.
      const floor = o.name === p.manifest.outputs[0] || o.name === p.manifest.outputs[1] ? 1 : 1e-30;
      const ratio = o.difference / Math.max(o.scale, floor);
      direct = Math.max(direct, o.direct.difference / Math.max(o.direct.scale, floor));
      if (ratio > worst.ratio) worst = { ratio, name: o.name };
      if (!(ratio <= TOLERANCE)) failures.push(`${p.id} ${o.name}: WebGPU and wasm differ by ${o.difference} (scale ${o.scale})`);
    }
    for (const d of r.differing!) {
      if (!(d.margin <= DECISION_TIE * d.scale)) failures.push(`${p.id} decision ${d.name}[${d.index}]: WebGPU and wasm differ away from a tie (|a − b| = ${d.margin}, scale ${d.scale})`);
    }
    console.log(
      `${p.id.padEnd(13)} worst ${worst.ratio.toExponential(2)} of scale (${worst.name}), ${direct.toExponential(2)} without following WebGPU's decisions; ` +
        `${r.differing!.length} of ${r.decided} decisions differ; WebGPU ${(r.webgpuMs! / 1000).toFixed(1)} s, wasm ${(r.wasmMs! / 1000).toFixed(2)} s`,
    );
  });
  expect(failures).toEqual([]);
});
