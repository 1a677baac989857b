// Every zoo model's training step, proved numerically: one small step in onnxruntime-web (wasm, in Node) gives the
// loss, the number correct and every parameter's gradient of the float64 reference interpreter, and for the models
// marked in ZOO_STEP_SIZES the reference's gradients agree with central finite differences of its own loss (which
// catches a wrong rule that both would share).
//
// What float32 can be asked for. The comparison is tight (TOLERANCE of each layer's gradient scale) and holds because
// the fixture keeps the problem well conditioned, which this test asserts rather than assumes: the softmax is not
// saturated (p − 1 would cancel), and every BatchNorm channel normalises over enough values and magnifies its
// input's rounding at most MAX_BATCH_NORM_AMPLIFICATION times. What remains is discrete: ReLU's gradient mask and max
// pooling's first-maximum mask are decisions, and a float32 run decides a near-tie (an input of ±1e-7) differently
// from float64 now and then (3 of ResNet-50's 1,662,288 decisions here, 8 of Inception-v3's 8,967,760), which moves
// a gradient by a whole term, not by rounding (with a batch of 2, 3 such ReLUs put ResNet-50's layer3.4.bn1.bias
// 30% off). So the reference follows onnxruntime's decisions, and every decision where the two differ must be a
// near-tie of the reference's own values (within DECISION_TIE of the compared tensors' scale).
//
// Cost, measured on 2 cores (each model logs its times): the float64 reference interpreter dominates, and on the deep
// BatchNorm models it does not get cheaper with smaller inputs (its loops pay per row, and the rows are short), so
// the sizes in ZOO_STEP_SIZES are set by conditioning; about 4 minutes in all, Inception-v3 alone 55 s. Finite
// differences cost two to six more forward passes each, so they run only for models that together cover every layer
// kind and every way values fan out and join: in full (along all gradients and for two scalars) for LeNet-5 (tanh,
// average pool), LeNet-5-ReLU (max pool), AlexNet-paper (LRN, grouped convolution, dropout) and NiN (1×1
// convolutions, global average pool); along all gradients for torchvision AlexNet (adaptive average pool), GoogLeNet
// (concatenation, ceil-mode pool, BatchNorm) and ResNet-18 (residual Add, strided 1×1 shortcut). The other models use
// only those layer kinds, and every rule has its own finite-difference test in test/core/autodiff.
import { describe, expect, it } from 'vitest';
import { zoo } from '../../models/index';
import { node as makeNode } from '../../renderer/core/onnx/builder';
import { encodeModel } from '../../renderer/core/onnx/codec';
import { DataType, type Graph } from '../../renderer/core/onnx/model';
import { fromTensor, refTensor, runGraph, runNode, type RefTensor } from '../../renderer/core/onnx/reference';
import { EXPORT_OPSET } from '../../renderer/core/onnx/schema';
import { seededRandom } from '../../renderer/core/random';
import { createNodeSession } from '../../renderer/runtime/ort-node';
import type { ModelSession } from '../../renderer/runtime/session';
import { decisionValues, pruned, withOutputs, ZOO_STEP_CLASSES, ZOO_STEP_SIZES, zooStep, type StepFeed } from './zoo-step-fixture';

/** ORT (float32) against the float64 reference: max |a − b| ≤ TOLERANCE · (the layer's largest |b|), per tensor. */
const TOLERANCE = 1e-3;
/** A decision onnxruntime and the reference take differently must have |a − b| ≤ DECISION_TIE · max(|a|, |b|). */
const DECISION_TIE = 1e-4;
/**
 * Conditioning: the fewest values a BatchNorm channel normalises over (its backward pass removes dY's projections on
 * 1 and x̂, which cancels digits when there are few: Inception-v3 at 75×75, 4 values per channel in Mixed_7, was off
 * by 7.6e-3), the largest (|μ| + σ)/σ over BatchNorm channels, and the largest probability of a true class.
 */
const MIN_BATCH_NORM_VALUES = 8;
const MAX_BATCH_NORM_AMPLIFICATION = 50;
const MAX_TRUE_CLASS_PROBABILITY = 0.99;
/**
 * Finite differences of the float64 loss: the step, and the tolerances along every gradient at once (many terms, so
 * its rounding is ~1e-9 here and it can be held tighter) and for single scalars. A step of 1e-6 moved some of
 * GoogLeNet's 1.2 million ReLU inputs across zero and was off by 3e-4; 1e-7 crosses none.
 */
const FD_STEP = 1e-7;
const FD_DIRECTION_TOLERANCE = 1e-6;
const FD_SCALARS = 2;
const FD_TOLERANCE = 1e-4;

const refFeed = (f: StepFeed): RefTensor => refTensor(f.dims, f.data, f.data instanceof Uint8Array ? DataType.UINT8 : f.data instanceof Int32Array ? DataType.INT32 : DataType.FLOAT);

const maxAbs = (data: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < data.length; i++) m = Math.max(m, Math.abs(data[i]!));
  return m;
};

interface Disagreement {
  value: string;
  index: number;
  margin: number;
  scale: number;
}

/**
 * The float64 reference on `graph`, taking each decision value from `decisions` (onnxruntime's) instead of its own,
 * and listing where its own decision differs, with that element's margin |a − b| and its inputs' scale.
 */
function referenceFollowing(
  graph: Graph,
  feeds: Record<string, RefTensor>,
  decisions: Map<string, ArrayLike<number>>,
  wanted: readonly string[],
): { values: Map<string, RefTensor>; disagreements: Disagreement[]; decided: number } {
  // Values are dropped after their last use (Inception-v3's would hold gigabytes), except the wanted ones.
  const lastUse = new Map<string, number>();
  graph.nodes.forEach((node, index) => node.inputs.forEach((name) => lastUse.set(name, index)));
  for (const name of wanted) lastUse.set(name, Infinity);
  const values = new Map<string, RefTensor>();
  for (const t of graph.initializers) values.set(t.name, fromTensor(t));
  for (const [name, t] of Object.entries(feeds)) values.set(name, t);
  const disagreements: Disagreement[] = [];
  let decided = 0;
  graph.nodes.forEach((node, index) => {
    const inputs = node.inputs.map((name) => {
      if (name === '') return undefined;
      const value = values.get(name);
      if (!value) throw new Error(`The reference has no value '${name}' for node '${node.name}'.`);
      return value;
    });
    const outputs = runNode(node, inputs, EXPORT_OPSET);
    node.outputs.forEach((name, i) => {
      const own = outputs[i];
      if (name === '' || !own) return;
      const taken = decisions.get(name);
      if (!taken) {
        values.set(name, own);
        return;
      }
      decided += own.data.length;
      let margins: Float64Array | undefined;
      let scale = 0;
      for (let k = 0; k < own.data.length; k++) {
        if (own.data[k] === (taken[k] ? 1 : 0)) continue;
        if (!margins) {
          // |a − b| of the compared inputs, broadcast as the op does; a decision of one input (Not) has no margin.
          margins = inputs.length === 2 ? runNode(makeNode('Sub', node.inputs, ['margin']), inputs, EXPORT_OPSET)[0]!.data.map(Math.abs) : own.data.map(() => Infinity);
          scale = Math.max(...inputs.map((t) => maxAbs(t!.data)));
        }
        disagreements.push({ value: name, index: k, margin: margins[k]!, scale });
      }
      values.set(name, { ...own, data: Float64Array.from(taken, (v) => (v ? 1 : 0)) });
    });
    for (const name of node.inputs) if (lastUse.get(name) === index) values.delete(name);
  });
  return { values, disagreements, decided };
}

describe('every zoo model: one training step matches the float64 reference', () => {
  it('has an input size for every zoo model', () => expect(Object.keys(ZOO_STEP_SIZES).sort()).toEqual(zoo.map((z) => z.id).sort()));

  for (const entry of zoo) {
    it(entry.id, { timeout: 600_000 }, async () => {
      const started = performance.now();
      const { step, model, gradients, logits, batchNorms, feeds, batch, input } = zooStep(entry, {});
      const { finiteDifferences } = ZOO_STEP_SIZES[entry.id]!;
      const results = [step.outputs.loss, step.outputs.correct, logits, ...gradients.values()];
      const decisions = decisionValues(withOutputs(model, results)).map((d) => d.name);
      const ortModel = withOutputs(model, [...results, ...decisions]);
      const session = await createNodeSession(encodeModel(ortModel));
      const ort = new Map<string, ArrayLike<number>>();
      try {
        const tensors: Parameters<ModelSession['run']>[0] = {};
        for (const { name } of ortModel.graph.inputs) {
          const f = feeds[name]!;
          const type = f.data instanceof Uint8Array ? 'uint8' : f.data instanceof Int32Array ? 'int32' : 'float32';
          tensors[name] = new session.ort.Tensor(type, f.data, f.dims);
        }
        const out = await session.run(tensors, ortModel.graph.outputs.map((o) => o.name));
        for (const { name } of ortModel.graph.outputs) ort.set(name, (await out[name]!.getData()) as ArrayLike<number>);
      } finally {
        await session.release();
      }
      const ortMs = performance.now() - started;

      const refFeeds = Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, refFeed(f)]));
      const feedsOf = (g: Graph): Record<string, RefTensor> => Object.fromEntries(g.inputs.map((i) => [i.name, refFeeds[i.name]!]));
      const wanted = [...results, ...batchNorms.flatMap((bn) => [bn.mean, bn.variance])];
      const graph = pruned(model.graph, wanted);
      const followed = new Map(decisions.map((name) => [name, ort.get(name)!]));
      const { values: reference, disagreements, decided } = referenceFollowing(graph, refFeeds, followed, wanted);
      const referenceMs = performance.now() - started - ortMs;
      const value = (name: string) => reference.get(name)!.data;

      // Conditioning, so that float32 can be held to TOLERANCE: an unsaturated softmax, well-scaled BatchNorm.
      const logitValues = value(logits);
      const labels = feeds[step.inputs.labels]!.data;
      for (let n = 0; n < batch; n++) {
        const row = Array.from(logitValues.subarray(n * ZOO_STEP_CLASSES, (n + 1) * ZOO_STEP_CLASSES));
        const top = Math.max(...row);
        const p = Math.exp(row[labels[n]!]! - top) / row.reduce((sum, l) => sum + Math.exp(l - top), 0);
        expect(p, `image ${n}'s true class has probability ${p}: the softmax saturates; scale the classifier down (CLASSIFIER_SCALE)`).toBeLessThanOrEqual(MAX_TRUE_CLASS_PROBABILITY);
      }
      let amplification = { factor: 1, at: '' };
      const fewest = batchNorms.reduce((least, bn) => (bn.count < least.count ? bn : least), { layer: '', count: Infinity });
      expect(fewest.count, `BatchNorm '${fewest.layer}' normalises over ${fewest.count} values per channel; grow the batch or the input in ZOO_STEP_SIZES`).toBeGreaterThanOrEqual(
        MIN_BATCH_NORM_VALUES,
      );
      for (const bn of batchNorms) {
        const mean = value(bn.mean);
        const variance = value(bn.variance);
        for (let c = 0; c < mean.length; c++) {
          const sigma = Math.sqrt(variance[c]!);
          const factor = (Math.abs(mean[c]!) + sigma) / sigma;
          if (!(factor <= amplification.factor)) amplification = { factor, at: `${bn.layer} channel ${c}` };
        }
      }
      expect(
        amplification.factor,
        `BatchNorm ${amplification.at} has (|mean| + σ)/σ = ${amplification.factor}: it magnifies float32 rounding that much; grow the batch or the input in ZOO_STEP_SIZES`,
      ).toBeLessThanOrEqual(MAX_BATCH_NORM_AMPLIFICATION);

      const farFromTie = disagreements.filter((d) => !(d.margin <= DECISION_TIE * d.scale));
      expect(
        farFromTie.slice(0, 5).map((d) => `${d.value}[${d.index}]: |a − b| = ${d.margin} (inputs' scale ${d.scale})`),
        `decisions onnxruntime takes differently from the reference away from a tie (${farFromTie.length} of ${disagreements.length} differing)`,
      ).toEqual([]);

      const loss = value(step.outputs.loss)[0]!;
      expect(Number.isFinite(loss) && loss > 0, `reference loss ${loss}`).toBe(true);
      const ortLoss = ort.get(step.outputs.loss)![0]!;
      expect(Math.abs(ortLoss - loss), `loss: onnxruntime ${ortLoss}, reference ${loss}`).toBeLessThanOrEqual(TOLERANCE * Math.max(1, loss));
      expect(ort.get(step.outputs.correct)![0]).toBe(value(step.outputs.correct)[0]);

      // Each tensor on its layer's scale, the largest |g| over the layer's weight and bias: where the loss does not
      // depend on a parameter (a bias followed by BatchNorm, which subtracts it again; DenseNet's norm0 scale, which
      // every later BatchNorm divides out) its gradient is a sum of the layer's terms that cancel to nothing, and
      // float32 can only give it to within their rounding.
      const layerOf = (param: string) => param.slice(0, param.lastIndexOf('.'));
      const layerScale = new Map<string, number>();
      for (const [param, gradient] of gradients) layerScale.set(layerOf(param), Math.max(layerScale.get(layerOf(param)) ?? 0, maxAbs(value(gradient))));
      let worst = { ratio: 0, param: '' };
      const failures: string[] = [];
      for (const [param, gradient] of gradients) {
        const expected = value(gradient);
        const actual = ort.get(gradient)!;
        const scale = layerScale.get(layerOf(param))!;
        expect(scale, `the reference gradients of layer '${layerOf(param)}' are all zero`).toBeGreaterThan(0);
        let difference = 0;
        let at = 0;
        for (let i = 0; i < expected.length; i++) {
          const d = Math.abs(actual[i]! - expected[i]!);
          if (!(d <= difference)) [difference, at] = [d, i];
        }
        const ratio = difference / scale;
        if (ratio > worst.ratio) worst = { ratio, param };
        if (!(ratio <= TOLERANCE)) failures.push(`${param}[${at}]: onnxruntime ${actual[at]}, reference ${expected[at]} (layer scale ${scale.toExponential(2)})`);
      }
      expect(failures, `gradients of ${entry.id} differing by more than ${TOLERANCE} of their layer's scale`).toEqual([]);

      const fd: string[] = [];
      const fdStarted = performance.now();
      if (finiteDifferences !== 'none') {
        // Finite differences are of the float64 loss, so they need the float64 reference's own decisions.
        const own = disagreements.length === 0 ? reference : new Map(Object.entries(runGraph(graph, EXPORT_OPSET, feedsOf(graph), [...gradients.values()])));
        const gradientOf = (param: string) => own.get(gradients.get(param)!)!.data;
        // Central differences of the float64 loss: along one direction that moves every trained parameter tensor by a
        // unit step along its own gradient, so each tensor adds its ‖g‖ to the derivative (at FD_DIRECTION_TOLERANCE a
        // 10% error in any tensor with ‖g‖ above 1e-5 of the sum shows), then for the largest-gradient scalar of a few
        // tensors chosen by seed. Tensors whose gradient cancels to rounding (see above) have no direction to step
        // along and are left out.
        const forward = pruned(model.graph, [step.outputs.loss]);
        const lossAt = (params: readonly string[], shift: (param: string, data: Float64Array) => void) => {
          const shifted = feedsOf(forward);
          for (const param of params) {
            const t = refFeed(feeds[param]!);
            shift(param, t.data);
            shifted[param] = t;
          }
          return runGraph(forward, EXPORT_OPSET, shifted, [step.outputs.loss])[step.outputs.loss]!.data[0]!;
        };
        const norms = new Map([...gradients.keys()].map((p) => [p, Math.sqrt(gradientOf(p).reduce((sum, v) => sum + v * v, 0))]));
        const params = [...gradients.keys()].filter((p) => maxAbs(gradientOf(p)) > 1e-6 * layerScale.get(layerOf(p))!);
        const along = (sign: number) => (param: string, data: Float64Array) => {
          const g = gradientOf(param);
          const scale = (sign * FD_STEP) / norms.get(param)!;
          for (let i = 0; i < data.length; i++) data[i]! += scale * g[i]!;
        };
        // d loss along the direction = Σ over tensors of g·(g/‖g‖) = Σ ‖g‖.
        const analytic = params.reduce((sum, p) => sum + norms.get(p)!, 0);
        const directional = (lossAt(params, along(1)) - lossAt(params, along(-1))) / (2 * FD_STEP);
        const directionError = Math.abs(directional - analytic) / analytic;
        fd.push(`all tensors ${directionError.toExponential(1)}`);
        expect(directionError, `loss derivative along every gradient: finite difference ${directional}, reference ${analytic}`).toBeLessThanOrEqual(FD_DIRECTION_TOLERANCE);
        const random = seededRandom(11);
        for (let k = 0; k < (finiteDifferences === 'full' ? FD_SCALARS : 0); k++) {
          const param = params.splice(Math.floor(random() * params.length), 1)[0]!;
          const g = gradientOf(param);
          let index = 0;
          for (let i = 1; i < g.length; i++) if (Math.abs(g[i]!) > Math.abs(g[index]!)) index = i;
          const nudge = (delta: number) => (_: string, data: Float64Array) => {
            data[index]! += delta;
          };
          const numeric = (lossAt([param], nudge(FD_STEP)) - lossAt([param], nudge(-FD_STEP))) / (2 * FD_STEP);
          const error = Math.abs(numeric - g[index]!) / Math.abs(g[index]!);
          fd.push(`${param}[${index}] ${error.toExponential(1)}`);
          expect(error, `d loss / d ${param}[${index}]: finite difference ${numeric}, reference gradient ${g[index]}`).toBeLessThanOrEqual(FD_TOLERANCE);
        }
      }
      const fdMs = performance.now() - fdStarted;
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `${entry.id.padEnd(13)} batch ${batch} × ${input.join('×')}: ${gradients.size} gradients, worst ${worst.ratio.toExponential(2)} of layer scale (${worst.param}); ` +
          (batchNorms.length > 0 ? `BatchNorm ≥ ${fewest.count} values per channel, amplification ${amplification.factor.toFixed(1)}; ` : '') +
          `${disagreements.length} of ${decided} decisions differ` +
          (disagreements.length > 0 ? ` (worst margin ${Math.max(...disagreements.map((d) => d.margin / d.scale)).toExponential(1)} of scale); ` : '; ') +
          (finiteDifferences !== 'none' ? `finite differences ${fd.join(', ')}; ` : '') +
          `onnxruntime ${(ortMs / 1000).toFixed(1)} s, reference ${(referenceMs / 1000).toFixed(1)} s, finite differences ${(fdMs / 1000).toFixed(1)} s, total ${seconds.toFixed(1)} s`,
      );
    });
  }
});
