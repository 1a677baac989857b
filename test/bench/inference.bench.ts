// Inference throughput (images/s) of exported zoo models in onnxruntime-web: wasm in Node, and wasm and WebGPU in
// Chromium (the app's own bundles, as Vite builds them). A benchmark, not a test: it prints figures.
//   npx tsx test/bench/inference.bench.ts [--runs 10]
// Needs `npm run build` (for out/renderer) and Chromium at /usr/bin/chromium for the browser part.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { zooModel } from '../../models/index';
import { initialiseWeights, lowerInference } from '../../renderer/core/lowering/index';
import { encodeModel } from '../../renderer/core/onnx/codec';
import { createNodeSession } from '../../renderer/runtime/ort-node';

const root = resolve(import.meta.dirname, '../..');
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 10;

const CASES = [
  { id: 'lenet5', input: [1, 28, 28] as [number, number, number], batch: 256 },
  { id: 'resnet18', input: [1, 96, 96] as [number, number, number], batch: 32 },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const models = CASES.map((c) => {
  const graph = zooModel(c.id)!.build({ input: c.input, classes: 10 });
  const { model } = lowerInference(graph, initialiseWeights(graph, { seed: 0 }), { batch: c.batch, webgpu: true });
  return { ...c, bytes: encodeModel(model), images: new Float32Array(c.batch * c.input[0] * c.input[1] * c.input[2]).map((_, i) => Math.sin(i)) };
});

console.log(`Inference throughput, median of ${RUNS} runs after a warm-up (images/s; one image = one forward pass)`);
console.log(`machine: ${process.arch}, Node ${process.version}`);
const rows: string[][] = [];

for (const m of models) {
  const session = await createNodeSession(m.bytes);
  const feeds = { input: { data: m.images, dims: [m.batch, ...m.input] } };
  await session.runFloat32(feeds);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await session.runFloat32(feeds);
    times.push(performance.now() - started);
  }
  await session.release();
  rows.push([m.id, `${m.input.join('×')}`, String(m.batch), 'Node, wasm (1 thread)', (m.batch / (median(times) / 1000)).toFixed(0)]);
}

const assets = join(root, 'out/renderer/assets');
if (!existsSync(assets) || !existsSync('/usr/bin/chromium')) {
  console.log('(browser part skipped: run `npm run build` and install Chromium at /usr/bin/chromium)');
} else {
  const bundle = (prefix: string) => readdirSync(assets).find((f) => f.startsWith(prefix))!;
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    const headers = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    if (url.startsWith('/model/')) {
      response.writeHead(200, { ...headers, 'content-type': 'application/octet-stream' });
      response.end(models[Number(url.slice(7))]!.bytes);
    } else if (url.startsWith('/assets/')) {
      const file = join(assets, url.slice(8).split('?')[0]!);
      response.writeHead(200, { ...headers, 'content-type': file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' });
      response.end(readFileSync(file));
    } else {
      // The app's page: Vite's ORT chunks import its shared chunk, which mounts the app.
      response.writeHead(200, { ...headers, 'content-type': 'text/html' });
      response.end(readFileSync(join(root, 'out/renderer/index.html')));
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  const code = `(async ({ cases, runs, wasmBundle, webgpuBundle }) => {
    const results = [];
    const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    for (const [ep, file] of [['wasm', wasmBundle], ['webgpu', webgpuBundle]]) {
      if (ep === 'webgpu' && !adapter) continue;
      const ort = await import('/assets/' + file);
      ort.env.wasm.numThreads = 1;
      for (let i = 0; i < cases.length; i++) {
        const c = cases[i];
        const bytes = new Uint8Array(await (await fetch('/model/' + i)).arrayBuffer());
        const session = await ort.InferenceSession.create(bytes, { executionProviders: [ep] });
        const images = new Float32Array(c.batch * c.size).map((_, j) => Math.sin(j));
        const run = async () => { const out = await session.run({ input: new ort.Tensor('float32', images, [c.batch, ...c.input]) }); await out.output.getData(); };
        await run();
        const times = [];
        const n = ep === 'webgpu' ? Math.min(runs, 3) : runs;
        for (let r = 0; r < n; r++) { const t = performance.now(); await run(); times.push(performance.now() - t); }
        times.sort((a, b) => a - b);
        results.push({ id: c.id, ep, ms: times[Math.floor(times.length / 2)] });
        await session.release();
      }
    }
    return { results, adapter: adapter ? [adapter.info.vendor, adapter.info.architecture].join(' ') : null };
  })`;
  const input = { cases: CASES.map((c) => ({ ...c, size: c.input[0] * c.input[1] * c.input[2] })), runs: RUNS, wasmBundle: bundle('ort.wasm.bundle'), webgpuBundle: bundle('ort.webgpu.bundle') };
  const { results, adapter } = (await page.evaluate(`${code}(${JSON.stringify(input)})`)) as { results: Array<{ id: string; ep: string; ms: number }>; adapter: string | null };
  for (const r of results) {
    const c = CASES.find((x) => x.id === r.id)!;
    rows.push([r.id, c.input.join('×'), String(c.batch), `Chromium, ${r.ep}${r.ep === 'webgpu' ? ` (${adapter})` : ' (1 thread)'}`, (c.batch / (r.ms / 1000)).toFixed(0)]);
  }
  await browser.close();
  server.close();
}

const header = ['model', 'input', 'batch', 'runtime', 'images/s'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const row of [header, ...rows]) console.log(row.map((cell, i) => (i === 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  '));
