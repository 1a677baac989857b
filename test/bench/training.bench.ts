// Training throughput (images/s) of our compiled training step against two peers measured in the same run on the same
// machine: PyTorch on the CPU (Debian's python3-torch, 2 threads) and TensorFlow.js in the same Chromium. A benchmark,
// not a test: it prints figures, ratios and whether the targets are met.
//   npx tsx test/bench/training.bench.ts [--models lenet5,alexnet-d2l,resnet18] [--steps N] [--threads N|auto]
//        [--webgpu-batch 8] [--skip-webgpu] [--skip-tfjs] [--skip-torch] [--skip-browser] [--skip-ceiling] [--profile]
//        [--webgpu-only] [--webgpu-budget 150]
// --profile prints where one step's time goes: kernel time per op type on Node wasm, and GPU time per op type on WebGPU
// (onnxruntime's WebGPU profiler, with Chromium's timestamp queries allowed).
// Every runtime trains the same model (ours from the zoo; the peers build it from the same flat layer list and must
// reach the same trainable parameter count) on the same synthetic uint8 batch with SGD, momentum 0.9. A step is timed
// from feeding the batch until its loss is back on the CPU; warm-up steps are excluded.
// Targets: on the CPU ours ≥ 0.5× PyTorch on every model; on WebGPU ours faster than TF.js's webgpu backend.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { analyse } from '../../renderer/core/analysis';
import { GraphBuilder, model as makeModel } from '../../renderer/core/onnx/builder';
import { encodeModel } from '../../renderer/core/onnx/codec';
import { DataType } from '../../renderer/core/onnx/model';
import { EXPORT_OPSET } from '../../renderer/core/onnx/schema';
import { createNodeSession } from '../../renderer/runtime/ort-node';
import { chooseWasmThreads, type OpProfileRow } from '../../renderer/runtime/session';
import { buildGraph, CASES, initialValues, layerList, LEARNING_RATE, NORMALISATION, OPTIMIZER, ourStep, stepPlan, type BenchCase, syntheticBatch } from './training/cases';
import type { RunResult } from './training/run-ours';

const root = resolve(import.meta.dirname, '../..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const known = new Set(['--webgpu-only', '--webgpu-budget', '--skip-ceiling', '--models', '--steps', '--threads', '--webgpu-batch', '--skip-webgpu', '--skip-tfjs', '--skip-torch', '--skip-browser', '--profile']);
for (const a of argv) {
  if (a.startsWith('--') && !known.has(a)) throw new Error(`Unknown option '${a}'; the options are ${[...known].join(', ')}.`);
}
const modelIds = option('--models')?.split(',') ?? CASES.map((c) => c.id);
for (const id of modelIds) if (!CASES.some((c) => c.id === id)) throw new Error(`No benchmark case '${id}'; choose from ${CASES.map((c) => c.id).join(', ')}.`);
const cases = CASES.filter((c) => modelIds.includes(c.id));
const stepsOption = option('--steps');
if (stepsOption !== undefined && !(Number.isInteger(Number(stepsOption)) && Number(stepsOption) >= 1)) throw new Error(`--steps must be a whole number ≥ 1; got '${stepsOption}'.`);
const threadsOption = option('--threads') ?? 'auto';
if (threadsOption !== 'auto' && !(Number.isInteger(Number(threadsOption)) && Number(threadsOption) >= 1)) throw new Error(`--threads must be 'auto' or a whole number ≥ 1; got '${threadsOption}'.`);
const threadLimit = Math.min(availableParallelism(), 4);
/** The matrix-product ceiling runs on the threads the big models get. */
const ceilingThreads = threadsOption === 'auto' ? threadLimit : Number(threadsOption);
/** wasm threads for a case: as the trainer chooses them ('auto': all for big models, one for small), or as asked. */
const threadsFor = (c: BenchCase) => chooseWasmThreads(threadsOption === 'auto' ? 'auto' : Number(threadsOption), analyse(buildGraph(c)).totals.macs, threadsOption === 'auto' ? threadLimit : Number(threadsOption));
const webgpuBatch = Number(option('--webgpu-batch') ?? 8);
if (!(Number.isInteger(webgpuBatch) && webgpuBatch >= 1)) throw new Error(`--webgpu-batch must be a whole number ≥ 1; got '${option('--webgpu-batch')}'.`);
const webgpuBudget = Number(option('--webgpu-budget') ?? 150);
if (!(webgpuBudget > 0)) throw new Error(`--webgpu-budget must be a number of seconds > 0; got '${option('--webgpu-budget')}'.`);
/** Only the WebGPU rows (ours and TF.js): on SwiftShader a big model's step takes minutes, so they get their own run. */
const webgpuOnly = flag('--webgpu-only');
const TORCH_THREADS = 2;
const WARMUP = 1;

/** Measured steps per runtime: LeNet-5 steps are short, so more of them; slow runtimes get fewer to stay in budget. */
function measuredSteps(c: BenchCase, runtime: 'cpu' | 'slow'): number {
  if (stepsOption !== undefined) return runtime === 'slow' ? Math.min(Number(stepsOption), 2) : Number(stepsOption);
  if (runtime === 'slow') return 1;
  return c.id === 'lenet5' ? 10 : 3;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
/** Images/s with one decimal, or three significant digits below 1 (a SwiftShader step can take a minute). */
const rate = (imagesPerSecond: number) => (imagesPerSecond >= 1 ? imagesPerSecond.toFixed(1) : imagesPerSecond.toPrecision(3));

interface Row {
  model: string;
  runtime: string;
  kind: 'ours-cpu' | 'ours-webgpu' | 'torch' | 'tfjs-wasm' | 'tfjs-webgpu';
  imagesPerSecond?: number;
  note?: string;
}
const rows: Row[] = [];
const notes: string[] = [];
const record = (c: BenchCase, runtime: string, kind: Row['kind'], result: RunResult | string, batch = c.batch) => {
  if (typeof result === 'string') {
    rows.push({ model: c.id, runtime, kind, note: result });
    console.log(`  ${c.id.padEnd(12)} ${runtime.padEnd(32)} ${result}`);
    return;
  }
  const ms = median(result.stepMs);
  rows.push({ model: c.id, runtime, kind, imagesPerSecond: batch / (ms / 1000) });
  console.log(`  ${c.id.padEnd(12)} ${runtime.padEnd(32)} ${rate(batch / (ms / 1000)).padStart(8)} images/s  (median of ${result.stepMs.length} steps: ${ms.toFixed(0)} ms; loss ${result.losses[0]!.toFixed(3)} → ${result.losses.at(-1)!.toFixed(3)})`);
};

console.log(`Training throughput: SGD momentum ${OPTIMIZER.momentum}, lr ${LEARNING_RATE}, synthetic uint8 batch; ${WARMUP} warm-up step excluded`);
console.log(`machine: ${process.arch}, Node ${process.version}, ${availableParallelism()} cores; ours on onnxruntime-web wasm with ${threadsOption === 'auto' ? `threads chosen as the trainer does (${cases.map((c) => `${c.id} ${threadsFor(c)}`).join(', ')})` : `${threadsOption} thread(s)`}`);

// 1. Ours in Node (the CLI's runtime), optionally with a per-op profile of one step; each case in a process of its own
// (test/bench/training/node-case.ts), since the wasm runtime keeps the thread count of its first session.
const profiles = new Map<string, { rows: OpProfileRow[]; runMs: number; kernelMs: number }>();
const webgpuProfiles = new Map<string, { rows: OpProfileRow[]; runMs: number; kernelMs: number }>();
console.log('\nours, Node wasm:');
for (const c of webgpuOnly ? [] : cases) {
  const args = [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'test/bench/training/node-case.ts'), c.id, String(threadsFor(c)), String(measuredSteps(c, 'cpu'))];
  if (flag('--profile')) args.push('--profile');
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 900_000 });
  const last = child.stdout?.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !last.startsWith('{')) {
    record(c, `ours, Node wasm (${threadsFor(c)} thread)`, 'ours-cpu', `failed: ${(child.stderr || child.error?.message || '').trim().split('\n').at(-1)}`);
    continue;
  }
  const out = JSON.parse(last) as { result: RunResult; threads: number; profile?: { rows: OpProfileRow[]; runMs: number; kernelMs: number } };
  record(c, `ours, Node wasm (${out.threads} thread)`, 'ours-cpu', out.result);
  if (out.profile) profiles.set(c.id, out.profile);
}

// 2. PyTorch on the CPU. Debian's torch takes its BLAS from the libblas.so.3 alternative; without OpenBLAS that is
// the reference BLAS, many times slower, which would flatter us.
function ensureOpenBlas(): string | null {
  const library = '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3';
  if (existsSync(library)) return null;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (root && apt) {
    console.log('installing libopenblas0-pthread (PyTorch’s BLAS) with apt-get…');
    const installed = spawnSync('apt-get', ['install', '-y', 'libopenblas0-pthread'], { stdio: 'inherit' });
    if (installed.status === 0 && existsSync(library)) return null;
  }
  return `libopenblas0-pthread is missing (${library}); install it with 'apt-get install libopenblas0-pthread' (as root). PyTorch ran on the reference BLAS, so its figures are too low.`;
}

const torchResults = new Map<string, RunResult>();
if (!flag('--skip-torch') && !webgpuOnly) {
  console.log(`\nPyTorch CPU (${TORCH_THREADS} threads):`);
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    notes.push('PyTorch peer skipped: /usr/bin/python3 cannot import torch (Debian: apt-get install python3-torch).');
    console.log(`  skipped: ${notes.at(-1)}`);
  } else {
    const missing = ensureOpenBlas();
    if (missing) notes.push(missing);
    const blas = spawnSync('sh', ['-c', 'readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3'], { encoding: 'utf8' }).stdout.trim();
    notes.push(`PyTorch ${probe.stdout.trim()} (/usr/bin/python3), ${TORCH_THREADS} threads, BLAS ${blas || 'unknown'}.`);
    for (const c of cases) {
      const { layers, trainableParams } = layerList(c);
      const job = { cases: [{ ...c, layers, trainableParams }], steps: measuredSteps(c, 'cpu'), warmup: WARMUP, threads: TORCH_THREADS, learningRate: LEARNING_RATE, momentum: OPTIMIZER.momentum, normalisation: NORMALISATION };
      const out = execFileSync('/usr/bin/python3', [join(root, 'test/bench/training/torch_peer.py')], { input: JSON.stringify(job), env: { ...process.env, OMP_NUM_THREADS: String(TORCH_THREADS) }, maxBuffer: 1 << 24 });
      const result = JSON.parse(out.toString().trim().split('\n').at(-1)!) as RunResult & { params: number };
      torchResults.set(c.id, result);
      record(c, `PyTorch CPU (${TORCH_THREADS} threads)`, 'torch', result);
    }
  }
}

// 3. Chromium: ours (wasm, WebGPU) and TF.js (wasm, webgpu) on one page, served with cross-origin isolation so that
// wasm threads are available to both.
async function browserPart(): Promise<void> {
  if (!existsSync('/usr/bin/chromium')) {
    notes.push('Browser part skipped: no Chromium at /usr/bin/chromium.');
    return;
  }
  const outDir = mkdtempSync(join(tmpdir(), 'training-bench-'));
  await build({ entryPoints: [join(root, 'test/bench/training/page.ts')], bundle: true, format: 'esm', outfile: join(outDir, 'page.js'), external: ['/ort/*'], logLevel: 'error', platform: 'browser' });
  const payload = cases.map((c) => {
    const cpu = ourStep(c);
    const gpuCase = { ...c, batch: webgpuBatch };
    const gpu = ourStep(gpuCase, { webgpu: true });
    const initial = initialValues(cpu.weights);
    const index: Array<{ name: string; offset: number; length: number }> = [];
    let offset = 0;
    for (const [name, data] of Object.entries(initial)) {
      index.push({ name, offset, length: data.length });
      offset += data.length;
    }
    const blob = new Float32Array(offset);
    for (const e of index) blob.set(initial[e.name]!, e.offset);
    const { pixels, labels } = syntheticBatch(c);
    const small = syntheticBatch(gpuCase);
    const { layers, trainableParams } = layerList(c);
    return { c, layers, trainableParams, plans: { wasm: stepPlan(c, cpu.step), webgpu: stepPlan(gpuCase, gpu.step) }, files: { 'step-wasm.onnx': cpu.bytes, 'step-webgpu.onnx': gpu.bytes, 'initial.bin': new Uint8Array(blob.buffer), 'initial.json': Buffer.from(JSON.stringify(index)), 'pixels-wasm': pixels, 'labels-wasm': new Uint8Array(labels.buffer), 'pixels-webgpu': small.pixels, 'labels-webgpu': new Uint8Array(small.labels.buffer) } as Record<string, Uint8Array> };
  });
  const statics: Array<[string, string]> = [
    ['/ort/', join(root, 'node_modules/onnxruntime-web/dist/')],
    ['/tfjs-wasm/', join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/')],
  ];
  const server = createServer((request, response) => {
    const url = (request.url ?? '/').split('?')[0]!;
    const headers = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    const type = (file: string) => (file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('js') ? 'text/javascript' : file.endsWith('.html') ? 'text/html' : 'application/octet-stream');
    const caseMatch = /^\/case\/(\d+)\/(.+)$/.exec(url);
    let body: Uint8Array | string | undefined;
    let contentType = 'application/octet-stream';
    if (url === '/') {
      body = '<!doctype html><meta charset="utf-8"><title>training bench</title><script type="module" src="/page.js"></script>';
      contentType = 'text/html';
    } else if (url === '/page.js') {
      body = readFileSync(join(outDir, 'page.js'));
      contentType = 'text/javascript';
    } else if (caseMatch) {
      body = payload[Number(caseMatch[1])]?.files[caseMatch[2]!];
    } else {
      for (const [prefix, dir] of statics) {
        if (url.startsWith(prefix) && !url.includes('..') && existsSync(join(dir, url.slice(prefix.length)))) {
          body = readFileSync(join(dir, url.slice(prefix.length)));
          contentType = type(url);
        }
      }
    }
    if (body === undefined) {
      response.writeHead(404, headers);
      response.end();
      return;
    }
    response.writeHead(200, { ...headers, 'content-type': contentType });
    response.end(body);
  });
  await new Promise<void>((done) => server.listen(Number(process.env.MODEL_LAB_E2E_PORT ?? 0), '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', ...(flag('--profile') ? ['--enable-dawn-features=allow_unsafe_apis'] : []), '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    let page: Page | undefined;
    /** The pages' console: onnxruntime prints its profile there. */
    let consoleText = '';
    const freshPage = async () => {
      await page?.close().catch(() => undefined);
      page = await browser!.newPage();
      page.on('console', (message) => void (consoleText += `${message.text()}\n`));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction('typeof globalThis.benchOurs === "function"');
      return page;
    };
    await freshPage();
    const job = {
      cases: payload.map((p) => ({ ...p.c, layers: p.layers, trainableParams: p.trainableParams, plans: p.plans })),
      learningRate: LEARNING_RATE,
      momentum: OPTIMIZER.momentum,
      normalisation: NORMALISATION,
      webgpuBatch,
    };
    const jobJson = JSON.stringify(job);
    /** Runs one measurement in the page; a run past its budget is abandoned (the page is replaced). */
    const inPage = async <T,>(call: string, budgetSeconds: number): Promise<T | string> => {
      const timer = new Promise<string>((done) => setTimeout(() => done(`over its ${budgetSeconds} s budget: not measured`), budgetSeconds * 1000));
      try {
        const result = await Promise.race([page!.evaluate(`(async () => { const job = ${jobJson}; return ${call}; })()`) as Promise<T>, timer]);
        if (typeof result === 'string') await freshPage();
        return result;
      } catch (error) {
        await freshPage();
        return `failed: ${(error as Error).message.split('\n')[0]}`;
      }
    };
    const adapter = (await page!.evaluate('(async () => { const a = navigator.gpu ? await navigator.gpu.requestAdapter() : null; return a ? [a.info.vendor, a.info.architecture, a.info.description].filter(Boolean).join(" ") : null; })()')) as string | null;
    const webgpu = !flag('--skip-webgpu') && adapter !== null;
    if (!flag('--skip-webgpu')) {
      notes.push(adapter ? `WebGPU adapter: ${adapter}${/swiftshader/i.test(adapter) ? ' — SwiftShader, a CPU emulation of a GPU: its figures say nothing about real GPUs; few steps, tiny budget.' : ''} WebGPU rows (ours and TF.js alike) train at batch ${webgpuBatch}.` : 'WebGPU: no adapter in this Chromium; WebGPU rows skipped.');
    }
    console.log(`\nChromium${adapter ? ` (WebGPU adapter: ${adapter})` : ''}:`);
    for (const [i, c] of cases.entries()) {
      const cpuSteps = { warmup: WARMUP, measured: measuredSteps(c, 'cpu') };
      const slowSteps = { warmup: WARMUP, measured: measuredSteps(c, 'slow') };
      // Each case on a fresh page: both wasm runtimes keep the thread count they start with. TF.js gets ours.
      const threads = threadsFor(c);
      if (!webgpuOnly) {
        if (i > 0) await freshPage();
        record(c, `ours, Chromium wasm (${threads} thread)`, 'ours-cpu', await inPage<RunResult>(`benchOurs(job, ${i}, 'wasm', ${JSON.stringify(cpuSteps)}, ${threads})`, 240));
      }
      if (!flag('--skip-tfjs') && !webgpuOnly) {
        const tfjs = await inPage<RunResult & { note: string; params: number }>(`benchTfjs(job, ${i}, 'wasm', ${JSON.stringify(c.id === 'lenet5' ? cpuSteps : slowSteps)}, ${threads})`, 240);
        if (typeof tfjs !== 'string' && tfjs.params !== payload[i]!.trainableParams) throw new Error(`TF.js built ${c.id} with ${tfjs.params} trainable parameters; ours has ${payload[i]!.trainableParams}.`);
        record(c, `TF.js wasm (${threads} thread)`, 'tfjs-wasm', tfjs);
        if (typeof tfjs !== 'string' && !notes.some((n) => n.startsWith('TF.js wasm:'))) notes.push(`TF.js wasm: ${tfjs.note.replace(/; \d+ thread\(s\)$/, '')}; the same thread count as ours for each model.`);
      }
      if (webgpu) {
        record(c, `ours, Chromium WebGPU (batch ${webgpuBatch})`, 'ours-webgpu', await inPage<RunResult>(`benchOurs(job, ${i}, 'webgpu', ${JSON.stringify(slowSteps)})`, webgpuBudget), webgpuBatch);
        if (flag('--profile')) {
          consoleText = '';
          const profiled = await inPage<RunResult>(`benchOurs(job, ${i}, 'webgpu', { warmup: 1, measured: 1 }, 1, true)`, webgpuBudget * 2);
          try {
            if (typeof profiled === 'string') throw new Error(profiled);
            webgpuProfiles.set(c.id, gpuProfile(consoleText));
          } catch (error) {
            notes.push(`WebGPU profile of ${c.id}: ${(error as Error).message}`);
          }
        }
        if (!flag('--skip-tfjs')) record(c, `TF.js webgpu (batch ${webgpuBatch})`, 'tfjs-webgpu', await inPage<RunResult>(`benchTfjs(job, ${i}, 'webgpu', ${JSON.stringify(slowSteps)})`, webgpuBudget), webgpuBatch);
      }
    }
  } finally {
    await browser?.close();
    server.close();
  }
}
if (!flag('--skip-browser')) await browserPart();

// 3b. The ceiling: one 1024² matrix product, the kernel that convolutions and dense layers spend their time in (im2col +
// GEMM on both sides), in onnxruntime-web's wasm build and in PyTorch, in this run. A compute-bound model's step cannot
// beat this ratio by much, however the step is compiled.
const GEMM_N = 1024;
let ceiling: { ours: number; torch?: number } | undefined;
if (!flag('--skip-ceiling') && !webgpuOnly) {
  const b = new GraphBuilder('gemm');
  b.input('a', DataType.FLOAT, [GEMM_N, GEMM_N]);
  b.input('b', DataType.FLOAT, [GEMM_N, GEMM_N]);
  b.output(b.add('Gemm', ['a', 'b'])[0]!, DataType.FLOAT);
  const session = await createNodeSession(encodeModel(makeModel(b.build(), { opset: EXPORT_OPSET })), { numThreads: ceilingThreads });
  try {
    const values = new Float32Array(GEMM_N * GEMM_N).map((_, i) => ((i * 7919) % 1000) / 1000);
    const feeds = { a: new session.ort.Tensor('float32', values, [GEMM_N, GEMM_N]), b: new session.ort.Tensor('float32', values, [GEMM_N, GEMM_N]) };
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = performance.now();
      const out = await session.session.run(feeds);
      await Object.values(out)[0]!.getData();
      times.push(performance.now() - started);
    }
    ceiling = { ours: (2 * GEMM_N ** 3) / (median(times.slice(1)) / 1000) / 1e9 };
  } finally {
    await session.release();
  }
  if (!flag('--skip-torch')) {
    const script = `import time, torch\ntorch.set_num_threads(${TORCH_THREADS})\na = torch.rand(${GEMM_N}, ${GEMM_N})\nts = []\nfor i in range(6):\n    t = time.perf_counter(); a @ a; ts.append(time.perf_counter() - t)\nts = sorted(ts[1:])\nprint(2 * ${GEMM_N} ** 3 / ts[len(ts) // 2] / 1e9)`;
    const run = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(TORCH_THREADS) } });
    if (run.status === 0) ceiling.torch = Number(run.stdout.trim());
  }
  console.log(`\n${GEMM_N}² matrix product: onnxruntime-web wasm in Node (${ceilingThreads} thread) ${ceiling.ours.toFixed(1)} GFLOP/s` + (ceiling.torch ? `, PyTorch (${TORCH_THREADS} threads) ${ceiling.torch.toFixed(1)} GFLOP/s → ${(ceiling.ours / ceiling.torch).toFixed(2)}×` : ''));
}

// 4. The table: images/s and ratios against the peers, then the targets.
const find = (model: string, kind: Row['kind'], runtime?: string) => rows.find((r) => r.model === model && r.kind === kind && (!runtime || r.runtime.startsWith(runtime)) && r.imagesPerSecond !== undefined)?.imagesPerSecond;
console.log('\nimages/s (one image = one forward and backward pass and its share of the update)');
const header = ['model', 'runtime', 'images/s', '× PyTorch', '× TF.js'];
const table: string[][] = [];
for (const r of rows) {
  const torch = find(r.model, 'torch');
  const tfjs = find(r.model, r.kind === 'ours-webgpu' ? 'tfjs-webgpu' : 'tfjs-wasm');
  const ours = r.kind === 'ours-cpu' || r.kind === 'ours-webgpu';
  const ratio = (peer: number | undefined) => (ours && r.imagesPerSecond !== undefined && peer !== undefined ? `${(r.imagesPerSecond / peer).toFixed(2)}×` : '');
  table.push([r.model, r.runtime, r.imagesPerSecond !== undefined ? rate(r.imagesPerSecond) : r.note ?? '', r.kind === 'ours-webgpu' ? '' : ratio(torch), ratio(tfjs)]);
}
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
for (const row of [header, ...table]) console.log(row.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  '));

console.log('\ntargets:');
for (const c of cases) {
  const torch = find(c.id, 'torch');
  const node = find(c.id, 'ours-cpu', 'ours, Node');
  const chromium = find(c.id, 'ours-cpu', 'ours, Chromium');
  const tfjsWasm = find(c.id, 'tfjs-wasm');
  if (torch !== undefined) {
    for (const [where, ours] of [['Node', node], ['Chromium', chromium]] as const) {
      if (ours !== undefined) console.log(`  ${c.id.padEnd(12)} CPU (${where} wasm) ≥ 0.5× PyTorch: ${(ours / torch).toFixed(2)}× — ${ours / torch >= 0.5 ? 'met' : 'MISSED'}${tfjsWasm ? `; ${(ours / tfjsWasm).toFixed(1)}× TF.js wasm` : ''}`);
    }
  }
  const gpu = find(c.id, 'ours-webgpu');
  const tfjsGpu = find(c.id, 'tfjs-webgpu');
  if (gpu !== undefined && tfjsGpu !== undefined) console.log(`  ${c.id.padEnd(12)} WebGPU faster than TF.js webgpu: ${(gpu / tfjsGpu).toFixed(2)}× — ${gpu > tfjsGpu ? 'met' : 'MISSED'}`);
}
if (ceiling?.torch) {
  console.log(`  ceiling: onnxruntime-web's wasm matrix product runs at ${(ceiling.ours / ceiling.torch).toFixed(2)}× PyTorch's here; models whose step is dominated by convolutions and dense layers (alexnet-d2l, resnet18) land near that ratio`);
}
if (notes.length > 0) {
  console.log('\nnotes:');
  for (const n of notes) console.log(`  - ${n}`);
}
console.log('  - The machine may be shared: compare ratios within one run, not figures across runs.');

/**
 * GPU time by op type from onnxruntime's WebGPU profile: its 'Api' events carry each program's GPU timestamps
 * (Chromium must expose 'timestamp-query': the bench starts it with Dawn's allow_unsafe_apis under --profile), named
 * 'node&OpType&program'. Averaged over the profiled runs.
 */
function gpuProfile(trace: string): { rows: OpProfileRow[]; runMs: number; kernelMs: number } {
  const start = trace.indexOf('[');
  const end = trace.lastIndexOf(']');
  if (start < 0 || end < start) throw new Error('no onnxruntime profile was printed');
  const events = JSON.parse(trace.slice(start, end + 1)) as Array<{ cat: string; name: string; dur: number }>;
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const gpu = events.filter((e) => e.cat === 'Api');
  if (runs.length === 0 || gpu.length === 0) throw new Error('the profile holds no GPU timestamps (is timestamp-query available?)');
  const byOp = new Map<string, { count: number; us: number }>();
  for (const e of gpu) {
    const op = e.name.split('&')[1] ?? e.name;
    const entry = byOp.get(op) ?? { count: 0, us: 0 };
    entry.count += 1 / runs.length;
    entry.us += e.dur / runs.length;
    byOp.set(op, entry);
  }
  const kernelUs = [...byOp.values()].reduce((sum, e) => sum + e.us, 0);
  const rows = [...byOp].map(([op, e]) => ({ op, count: Math.round(e.count), ms: e.us / 1000, share: e.us / kernelUs })).sort((a, b) => b.ms - a.ms);
  return { rows, runMs: runs.reduce((sum, r) => sum + (r as unknown as { dur: number }).dur, 0) / runs.length / 1000, kernelMs: kernelUs / 1000 };
}

function printProfiles(title: string, table: Map<string, { rows: OpProfileRow[]; runMs: number; kernelMs: number }>): void {
  if (table.size === 0) return;
  console.log(`\nper-op profile of one step (${title}; kernel time by op type after fusion):`);
  for (const [id, p] of table) {
    console.log(`  ${id}: run ${p.runMs.toFixed(0)} ms, kernels ${p.kernelMs.toFixed(0)} ms`);
    for (const r of p.rows.slice(0, 12)) console.log(`    ${r.op.padEnd(18)} ${String(r.count).padStart(4)} × ${r.ms.toFixed(1).padStart(9)} ms  ${(100 * r.share).toFixed(1).padStart(5)}%`);
  }
}
printProfiles('Node wasm, onnxruntime enableProfiling', profiles);
printProfiles(`Chromium WebGPU at batch ${webgpuBatch}, GPU timestamps from onnxruntime's WebGPU profiler`, webgpuProfiles);
