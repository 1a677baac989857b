// One benchmark case of ours on onnxruntime-web wasm in Node, in a process of its own: the wasm runtime keeps the thread
// count of its first session, so each case's count (chosen as the trainer chooses it) needs a fresh process.
//   npx tsx test/bench/training/node-case.ts <case id> <threads> <measured steps> [--profile]
// Prints one JSON line: { result, threads, profile? }.
import { createNodeSession, endNodeProfiling } from '../../../renderer/runtime/ort-node';
import { opProfile } from '../../../renderer/runtime/session';
import { CASES, initialValues, LEARNING_RATE, ourStep, stepPlan, syntheticBatch } from './cases';
import { runSteps } from './run-ours';

const [id, threadsText, stepsText] = process.argv.slice(2);
const c = CASES.find((entry) => entry.id === id);
if (!c) throw new Error(`No benchmark case '${id}'.`);
const threads = Number(threadsText);
const measured = Number(stepsText);
const { step, weights, bytes } = ourStep(c);
const batch = { ...syntheticBatch(c), learningRate: LEARNING_RATE };
const session = await createNodeSession(bytes, { numThreads: threads });
const out: Record<string, unknown> = {};
try {
  out.result = await runSteps(session.ort, session.session, stepPlan(c, step), initialValues(weights), batch, { warmup: 1, measured });
  out.threads = session.report.numThreads;
} finally {
  await session.release();
}
if (process.argv.includes('--profile')) {
  // A session of its own: recording every kernel's time slows the measured one.
  const profiled = await createNodeSession(bytes, { numThreads: threads, profile: true });
  try {
    await runSteps(profiled.ort, profiled.session, stepPlan(c, step), initialValues(weights), batch, { warmup: 1, measured: 1 });
    out.profile = opProfile(endNodeProfiling(profiled));
  } finally {
    await profiled.release();
  }
}
process.stdout.write(`\n${JSON.stringify(out)}\n`);
