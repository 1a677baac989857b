// Benchmark (not a test): how long analyse() takes on DenseNet-121, the largest zoo graph (~430 layers after
// block expansion, 58 concatenations). Target: median under 20 ms in Node.
// Run: npx tsx test/bench/analysis.bench.ts [runs]
import { zooModel } from '../../models/index';
import { analyse } from '../../renderer/core/analysis';

const WARM_UP = 20;
const runs = Number(process.argv[2] ?? 100);
const TARGET_MS = 20;

const model = zooModel('densenet121');
if (!model) throw new Error("The zoo has no 'densenet121'; this benchmark needs it.");
const graph = model.build();

const first = analyse(graph);
if (first.issues.length > 0) throw new Error(`densenet121 does not analyse cleanly: ${first.issues[0]!.message}`);

for (let i = 0; i < WARM_UP; i++) analyse(graph);
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  analyse(graph);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
const median = at(0.5);
console.log(
  `analyse(densenet121): ${first.layers.length} layers, ${runs} runs after ${WARM_UP} warm-up runs on Node ${process.versions.node}\n` +
    `  median ${median.toFixed(2)} ms   min ${times[0]!.toFixed(2)} ms   p90 ${at(0.9).toFixed(2)} ms   max ${times[times.length - 1]!.toFixed(2)} ms\n` +
    `  target < ${TARGET_MS} ms: ${median < TARGET_MS ? 'met' : 'NOT met'}`,
);
process.exitCode = median < TARGET_MS ? 0 : 1;
