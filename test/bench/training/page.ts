// The benchmark's browser side, bundled by esbuild (training.bench.ts) and served with the page: our training step on
// onnxruntime-web's wasm and WebGPU bundles (loaded from onnxruntime-web's dist/, the files the app's build ships),
// and the TensorFlow.js peer on its wasm and webgpu backends, built from the same layer list as ours.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's index registers no gradients; training needs them all.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import type * as Ort from 'onnxruntime-web';
import { runSteps, type RunResult, type StepPlan } from './run-ours';

interface LayerSpec {
  id: string;
  kind: string;
  inputs: string[];
  attrs: Record<string, any>;
}

export interface PageCase {
  id: string;
  input: [number, number, number];
  batch: number;
  classes: number;
  layers: LayerSpec[];
  trainableParams: number;
  /** The step's plan as lowered for each EP (the WebGPU lowering has workarounds). */
  plans: Record<'wasm' | 'webgpu', StepPlan>;
}

interface Job {
  cases: PageCase[];
  learningRate: number;
  momentum: number;
  normalisation: { mean: number[]; std: number[] };
  /** WebGPU runs (ours and TF.js) use this smaller batch: SwiftShader emulates the GPU on the CPU. */
  webgpuBatch: number;
}

const fetchBytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());

async function batchOf(index: number, ep: 'wasm' | 'webgpu'): Promise<{ pixels: Uint8Array; labels: Int32Array }> {
  const pixels = await fetchBytes(`/case/${index}/pixels-${ep}`);
  const labels = new Int32Array((await fetchBytes(`/case/${index}/labels-${ep}`)).buffer);
  return { pixels, labels };
}

/** Our step on one onnxruntime-web bundle. The initial values come as one float32 blob with an index. */
async function ours(job: Job, index: number, ep: 'wasm' | 'webgpu', steps: { warmup: number; measured: number }, threads = 1, profile = false): Promise<RunResult & { adapter?: string }> {
  const ort = (await import(/* @vite-ignore */ ep === 'webgpu' ? '/ort/ort.webgpu.bundle.min.mjs' : '/ort/ort.wasm.bundle.min.mjs')) as typeof Ort;
  // Read once, by the bundle's first session: the bench gives every case with its own thread count a fresh page.
  ort.env.wasm.numThreads = threads;
  const c = job.cases[index]!;
  const bytes = await fetchBytes(`/case/${index}/step-${ep}.onnx`);
  const index_ = (await (await fetch(`/case/${index}/initial.json`)).json()) as Array<{ name: string; offset: number; length: number }>;
  const blob = new Float32Array((await fetchBytes(`/case/${index}/initial.bin`)).buffer);
  const initial: Record<string, Float32Array> = {};
  for (const e of index_) initial[e.name] = blob.subarray(e.offset, e.offset + e.length);
  const options: Ort.InferenceSession.SessionOptions = { executionProviders: [ep] };
  if (ep === 'webgpu') {
    // Parameters and optimiser state stay on the GPU between steps; only the loss comes back (as the trainer does).
    const locations: Record<string, 'cpu' | 'gpu-buffer'> = {};
    for (const carried of c.plans.webgpu.carried) locations[carried.output] = 'gpu-buffer';
    options.preferredOutputLocation = locations;
  }
  // Profiling records every kernel's time; the bench reads onnxruntime's trace from the console (endProfiling prints it).
  if (profile) options.enableProfiling = true;
  const session = await ort.InferenceSession.create(bytes, options);
  try {
    const result = await runSteps(ort, session, c.plans[ep], initial, { ...(await batchOf(index, ep)), learningRate: job.learningRate }, steps);
    if (profile) session.endProfiling();
    let adapter: string | undefined;
    if (ep === 'webgpu') {
      const info = (await navigator.gpu.requestAdapter())?.info;
      adapter = info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') : 'unknown adapter';
    }
    return { ...result, ...(adapter ? { adapter } : {}) };
  } finally {
    await session.release();
  }
}

// tfjs-backend-wasm 4.22 ships no Conv2DBackpropFilter kernel, so no conv net trains on it as shipped. This registers
// one built from its own XNNPACK Conv2D: dW = Conv2D(xᵀ [C, H, W, N], dyᵀ [oh, ow, N, M] as the filter,
// dilation = forward stride), cropped to the kernel and transposed back to [kh, kw, C, M].
let backpropFilterRegistered = false;
function registerWasmConv2DBackpropFilter(): void {
  if (backpropFilterRegistered) return;
  backpropFilterRegistered = true;
  const kernel = (name: string) => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`tfjs-backend-wasm has no ${name} kernel.`);
    return k.kernelFunc;
  };
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dimRoundingMode, filterShape } = attrs as unknown as { strides: [number, number]; pad: any; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
      const [kh, kw, channels, outChannels] = filterShape;
      const run = (name: string, ins: Record<string, tf.TensorInfo>, at: Record<string, unknown>) => kernel(name)({ inputs: ins, attrs: at as any, backend }) as tf.TensorInfo;
      const xT = run('Transpose', { x }, { perm: [3, 1, 2, 0] });
      const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
      const p = info.padInfo;
      const full = run('Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], pad: [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]], dataFormat: 'NHWC', dilations: strides, dimRoundingMode });
      const cropped = run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [channels, kh, kw, outChannels] });
      const out = run('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] });
      for (const t of [xT, dyT, full, cropped]) (backend as tf.KernelBackend).disposeData(t.dataId);
      return out;
    },
  });
}

/** The TF.js peer: the layer list in NHWC, SGD with momentum, normalisation inside the step. */
async function tfjsPeer(job: Job, index: number, backendName: 'wasm' | 'webgpu', steps: { warmup: number; measured: number }, threads = 1): Promise<RunResult & { note: string; params: number }> {
  let note = '';
  if (backendName === 'wasm') {
    setWasmPaths('/tfjs-wasm/');
    setThreadsCount(threads);
    registerWasmConv2DBackpropFilter();
    note = 'Conv2DBackpropFilter kernel registered by this benchmark (XNNPACK Conv2D + transposes)';
  }
  if (!(await tf.setBackend(backendName))) throw new Error(`TF.js could not start its ${backendName} backend.`);
  await tf.ready();
  if (backendName === 'wasm') note += `; ${globalThis.crossOriginIsolated ? threads : 1} thread(s)`;
  const c = { ...job.cases[index]! };
  if (backendName === 'webgpu') c.batch = job.webgpuBatch;
  const [ch, h, w] = c.input;
  const { pixels, labels } = await batchOf(index, backendName);
  // NCHW bytes → NHWC, TF.js's native layout (a data-pipeline choice, outside the timed step).
  const nhwc = new Int32Array(pixels.length);
  for (let n = 0; n < c.batch; n++) for (let k = 0; k < ch; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) nhwc[((n * h + y) * w + x) * ch + k] = pixels[((n * ch + k) * h + y) * w + x]!;
  const images = tf.tensor4d(nhwc, [c.batch, h, w, ch], 'int32');
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), c.classes);
  const scale = tf.tensor1d(job.normalisation.std.map((s) => 1 / (255 * s)));
  const shift = tf.tensor1d(job.normalisation.mean.map((m, i) => m / job.normalisation.std[i]!));
  const vars = new Map<string, tf.Variable>();
  const param = (name: string, shape: number[], init: number | 'kaiming') => {
    let v = vars.get(name);
    if (!v) {
      v = tf.variable(init === 'kaiming' ? tf.randomNormal(shape, 0, Math.sqrt(2 / shape.slice(0, -1).reduce((a, b) => a * b, 1)), 'float32', 1) : tf.fill(shape, init));
      vars.set(name, v);
    }
    return v;
  };
  const forward = (input: tf.Tensor4D, training: boolean): tf.Tensor => {
    const values = new Map<string, tf.Tensor>();
    let out: tf.Tensor = input;
    for (const layer of c.layers) {
      const a = layer.attrs;
      const ins = layer.inputs.map((i) => values.get(i)!);
      const x = ins[0] as tf.Tensor4D;
      switch (layer.kind) {
        case 'Input':
          out = input;
          break;
        case 'Conv2d': {
          if (a.groups !== 1) throw new Error(`${layer.id}: grouped convolutions are not in this peer.`);
          const cin = x.shape[3];
          const filter = param(`${layer.id}.w`, [a.kernel[0], a.kernel[1], cin, a.outChannels], 'kaiming') as tf.Tensor4D;
          const [t, l, b, r] = a.padding as number[];
          out = tf.conv2d(x, filter, a.stride, [[0, 0], [t!, b!], [l!, r!], [0, 0]], 'NHWC', a.dilation);
          if (a.bias) out = tf.add(out, param(`${layer.id}.b`, [a.outChannels], 0));
          break;
        }
        case 'Dense': {
          const fin = x.shape[1]!;
          out = tf.matMul(x as unknown as tf.Tensor2D, param(`${layer.id}.w`, [fin, a.outFeatures], 'kaiming') as tf.Tensor2D);
          if (a.bias) out = tf.add(out, param(`${layer.id}.b`, [a.outFeatures], 0));
          break;
        }
        case 'BatchNorm': {
          // Batch statistics (training mode); running statistics are not kept (not part of the gradient step).
          const channels = x.shape[3];
          const { mean, variance } = tf.moments(x, [0, 1, 2]);
          out = tf.batchNorm(x, mean, variance, param(`${layer.id}.beta`, [channels], 0), param(`${layer.id}.gamma`, [channels], 1), a.eps);
          break;
        }
        case 'ReLU':
          out = tf.relu(x);
          break;
        case 'Sigmoid':
          out = tf.sigmoid(x);
          break;
        case 'MaxPool2d':
        case 'AvgPool2d': {
          const pads = a.padding as number[] | undefined;
          const pad = pads && pads.some((p) => p !== 0) ? ([[0, 0], [pads[0]!, pads[0]!], [pads[1]!, pads[1]!], [0, 0]] as any) : 'valid';
          out = layer.kind === 'MaxPool2d' ? tf.maxPool(x, a.kernel, a.stride, pad) : tf.avgPool(x, a.kernel, a.stride, pad);
          break;
        }
        case 'AdaptiveAvgPool2d':
          if (a.outputSize[0] !== 1 || a.outputSize[1] !== 1) throw new Error(`${layer.id}: only global average pooling is in this peer.`);
          out = tf.mean(x, [1, 2], true);
          break;
        case 'Flatten':
          out = tf.reshape(x, [x.shape[0], -1]);
          break;
        case 'Dropout':
          out = training ? tf.dropout(x, a.p) : x;
          break;
        case 'Add':
          out = tf.addN(ins);
          break;
        default:
          throw new Error(`${layer.id}: layer kind ${layer.kind} is not in this peer.`);
      }
      values.set(layer.id, out);
    }
    return out;
  };
  const normalise = () => tf.sub(tf.mul(tf.cast(images, 'float32'), scale), shift) as tf.Tensor4D;
  tf.tidy(() => void forward(normalise(), false)); // creates the variables
  const params = [...vars.values()].reduce((sum, v) => sum + v.size, 0);
  const optimizer = tf.train.momentum(job.learningRate, job.momentum);
  const stepMs: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < steps.warmup + steps.measured; i++) {
    const started = performance.now();
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(oneHot, forward(normalise(), true)) as tf.Scalar, true)!;
    const loss = (await cost.data())[0]!;
    cost.dispose();
    const elapsed = performance.now() - started;
    losses.push(loss);
    if (i >= steps.warmup) stepMs.push(elapsed);
  }
  optimizer.dispose();
  for (const v of vars.values()) v.dispose();
  tf.dispose([images, oneHot, scale, shift]);
  return { stepMs, losses, note, params };
}

Object.assign(globalThis, { benchOurs: ours, benchTfjs: tfjsPeer });
