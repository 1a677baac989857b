// The trainer's WebGPU path in a real browser, as a script (not part of `npm test`: Chromium with WebGPU takes about a
// minute even for this tiny run on a software adapter). `node test/runtime/trainer/webgpu/run.mjs` bundles entry.ts
// with esbuild, serves it with onnxruntime-web's files, drives Debian's Chromium with WebGPU on, and exits 1 unless
// every resident tensor stayed on the GPU and the WebGPU run matches the wasm run (losses and weights within 1e-5), and
// the same holds for a run in a module Worker (worker.ts) whose shards the window serves through a TrainerClient.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright';

const here = import.meta.dirname;
const root = resolve(here, '../../../..');
const out = mkdtempSync(join(tmpdir(), 'model-lab-webgpu-'));
await build({ entryPoints: { entry: join(here, 'entry.ts'), worker: join(root, 'renderer/runtime/trainer/worker.ts') }, bundle: true, format: 'esm', splitting: true, outdir: out, platform: 'browser', logLevel: 'warning' });
const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' };
const page = '<!doctype html><html><body><script type="module" src="/entry.js"></script></body></html>';
const server = createServer(async (request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path === '/') return void response.writeHead(200, { 'content-type': 'text/html' }).end(page);
  // onnxruntime-web's wasm files are looked up beside its (re-bundled) module, so they are served from every folder.
  const ort = join(root, 'node_modules/onnxruntime-web/dist', path.split('/').at(-1));
  const file = path.startsWith('/ort/') || /^\/(.*\/)?ort-wasm/.test(path) ? ort : join(out, path);
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});
let failed = true;
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (error) => console.error('page error:', error.message));
  tab.on('console', (message) => message.type() === 'error' && console.error('console:', message.text().slice(0, 500)));
  tab.on('response', (response) => response.status() >= 400 && console.error('HTTP', response.status(), response.url()));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => window.result, null, { timeout: 300_000 });
  const result = await tab.evaluate(() => window.result);
  console.log(JSON.stringify(result, null, 1));
  if (result.error) throw new Error(result.error);
  const onGpu = result.gpu.ep === 'webgpu' && result.gpu.locations.every((l) => l.split(',').every((x) => x === 'gpu-buffer'));
  const worker = result.worker;
  const workerOk = worker.backend === 'webgpu' && worker.status === 'finished' && worker.steps === 10 && worker.maxLossDiff < 1e-5 && worker.testAccuracy[0] === worker.testAccuracy[1] &&
    Math.abs(worker.testLoss[0] - worker.testLoss[1]) < 1e-5 && JSON.stringify(worker.testConfusion[0]) === JSON.stringify(worker.testConfusion[1]);
  failed = !(onGpu && result.gpu.status === 'finished' && result.maxLossDiff < 1e-5 && result.maxWeightDiff < 1e-5 && workerOk);
  console.log(failed ? 'FAILED: a WebGPU run left the GPU or disagrees with wasm.' : 'ok: resident tensors stayed on the GPU; WebGPU and wasm agree, directly and in a module Worker fed by the window.');
} finally {
  await browser.close();
  server.close();
}
process.exitCode = failed ? 1 : 0;
