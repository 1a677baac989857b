// Runs our training step N times on one onnxruntime-web module, feeding each step's parameters and optimiser state
// back as the next step's inputs, as the trainer does. Environment-free (no fs, no DOM): the Node runner imports it,
// and the browser page gets it bundled, so both measure the same loop.
import type * as Ort from 'onnxruntime-web';

/** What the loop needs to know about a compiled step (plain data, so it crosses into the page as JSON). */
export interface StepPlan {
  batch: string;
  labels: string;
  learningRate: string;
  loss: string;
  /** Input name → shape, for parameters, optimiser state and running statistics, with their output names. */
  carried: Array<{ input: string; output: string; shape: number[] }>;
  /** Inputs fed but never updated (frozen parameters). */
  fixed: Array<{ input: string; shape: number[] }>;
  masks: Array<{ name: string; shape: number[]; p: number }>;
  batchShape: number[];
}

export interface RunResult {
  /** Milliseconds per measured step, from feeding the inputs until the loss is on the CPU. */
  stepMs: number[];
  losses: number[];
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * `initial` holds the starting value of every carried or fixed input (missing ones start at zero: optimiser state).
 * The first `warmup` steps are run but not timed. Outputs left on the GPU are disposed once replaced.
 */
export async function runSteps(
  ort: typeof Ort,
  session: Ort.InferenceSession,
  plan: StepPlan,
  initial: Record<string, Float32Array>,
  data: { pixels: Uint8Array; labels: Int32Array; learningRate: number },
  steps: { warmup: number; measured: number },
): Promise<RunResult> {
  const resident = new Map<string, Ort.Tensor>();
  for (const c of [...plan.carried, ...plan.fixed]) {
    const start = initial[c.input] ?? new Float32Array(count(c.shape));
    if (start.length !== count(c.shape)) throw new Error(`Initial value of '${c.input}' has ${start.length} values; its shape [${c.shape.join(', ')}] needs ${count(c.shape)}.`);
    resident.set(c.input, new ort.Tensor('float32', Float32Array.from(start), c.shape));
  }
  const batch = new ort.Tensor('uint8', data.pixels, plan.batchShape);
  const labels = new ort.Tensor('int32', data.labels, [data.labels.length]);
  const lr = new ort.Tensor('float32', Float32Array.of(data.learningRate), []);
  // Dropout masks are drawn afresh every step (as the trainer does), from a cheap generator.
  let state = 987654321;
  const masks = plan.masks.map((m) => ({ ...m, data: new Float32Array(count(m.shape)) }));
  const drawMasks = () => {
    for (const m of masks) {
      const keep = 1 / (1 - m.p);
      for (let i = 0; i < m.data.length; i++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        m.data[i] = state / 4294967296 >= m.p ? keep : 0;
      }
    }
  };
  const stepMs: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < steps.warmup + steps.measured; i++) {
    const started = performance.now();
    drawMasks();
    const feeds: Record<string, Ort.Tensor> = { [plan.batch]: batch, [plan.labels]: labels, [plan.learningRate]: lr };
    for (const [name, tensor] of resident) feeds[name] = tensor;
    for (const m of masks) feeds[m.name] = new ort.Tensor('float32', m.data, m.shape);
    const results = await session.run(feeds);
    const loss = (await results[plan.loss]!.getData()) as Float32Array;
    for (const c of plan.carried) {
      const previous = resident.get(c.input)!;
      resident.set(c.input, results[c.output]!);
      if (previous.location === 'gpu-buffer') previous.dispose();
    }
    const elapsed = performance.now() - started;
    if (!Number.isFinite(loss[0]!)) throw new Error(`Step ${i + 1} gave loss ${loss[0]}.`);
    losses.push(loss[0]!);
    if (i >= steps.warmup) stepMs.push(elapsed);
  }
  for (const tensor of resident.values()) if (tensor.location === 'gpu-buffer') tensor.dispose();
  return { stepMs, losses };
}

