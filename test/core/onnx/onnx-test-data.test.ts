// The ONNX project's own operator test cases as an independent oracle: its serializer's files must decode, pass our
// checker (opset 11 and later) and give the ONNX reference outputs through our float64 interpreter.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../renderer/core/onnx/checker';
import { decodeModel, decodeTensorProto, encodeModel } from '../../../renderer/core/onnx/codec';
import { opsetVersion, type Model } from '../../../renderer/core/onnx/model';
import { fromTensor, REFERENCE_OPS, runReference, type RefTensor } from '../../../renderer/core/onnx/reference';

const VENDORED = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'onnx-node');
const DEBIAN = '/usr/share/libonnx-testdata/data/node';

/** Cases of the full suite that use our ops but a feature the reference deliberately lacks. */
const KNOWN_GAPS: Array<[RegExp, string]> = [
  [/_3d(_|$)/, 'the reference runs 1-D and 2-D convolution and pooling only'],
  [/^test_training_dropout/, 'Dropout in training mode is random; masks are fed as inputs instead'],
  [/STRING/, 'the reference is numeric only'],
  [/^test_identity_(opt|sequence)$/, 'optional and sequence types are not supported'],
  [/^test_maxpool_with_argmax/, 'the MaxPool Indices output is not supported'],
];

function maxRelativeError(expected: RefTensor, actual: RefTensor): number {
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i]!;
    const a = actual.data[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    worst = Math.max(worst, Math.abs(e - a) / Math.max(1, Math.abs(e)));
  }
  return worst;
}

/** Runs one case folder (model.onnx plus input_N.pb / output_N.pb in `dataDir`); returns a problem or undefined. */
function runCase(model: Model, dataDir: string): string | undefined {
  const initializers = new Set(model.graph.initializers.map((t) => t.name));
  const feeds: Record<string, RefTensor> = {};
  model.graph.inputs
    .filter((i) => !initializers.has(i.name))
    .forEach((input, i) => {
      const file = join(dataDir, `input_${i}.pb`);
      if (existsSync(file)) feeds[input.name] = fromTensor(decodeTensorProto(readFileSync(file), file));
    });
  const outputs = runReference(model, feeds);
  for (const [i, output] of model.graph.outputs.entries()) {
    const expected = fromTensor(decodeTensorProto(readFileSync(join(dataDir, `output_${i}.pb`))));
    const actual = outputs[output.name]!;
    if (JSON.stringify(actual.dims) !== JSON.stringify(expected.dims)) return `output '${output.name}' has dims [${actual.dims}], expected [${expected.dims}]`;
    const error = maxRelativeError(expected, actual);
    if (error > 1e-5) return `output '${output.name}' differs by ${error}`;
  }
  return undefined;
}

const usesOnlyOurOps = (m: Model) => m.graph.nodes.every((n) => n.domain === '' && REFERENCE_OPS.includes(n.opType));

describe('ONNX operator test cases (vendored subset)', () => {
  const cases = readdirSync(VENDORED).filter((name) => name.startsWith('test_'));

  it('has the cases it was written for', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
  });

  for (const name of cases) {
    it(name, () => {
      const dir = join(VENDORED, name);
      const model = decodeModel(readFileSync(join(dir, 'model.onnx')));
      expect(runCase(model, dir)).toBeUndefined();
      if ((opsetVersion(model) ?? 0) >= 11) expect(checkModel(model).issues).toEqual([]);
      expect(decodeModel(encodeModel(model))).toEqual(model);
    });
  }
});

describe.skipIf(!existsSync(DEBIAN))('ONNX operator test suite (Debian libonnx-testdata, when installed)', () => {
  it('every model decodes and survives encode → decode unchanged', () => {
    const failures: string[] = [];
    for (const name of readdirSync(DEBIAN)) {
      try {
        const model = decodeModel(readFileSync(join(DEBIAN, name, 'model.onnx')));
        expect(decodeModel(encodeModel(model))).toEqual(model);
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('every case using only our ops matches the ONNX outputs and passes the checker, except the named gaps', () => {
    const failures: string[] = [];
    let ran = 0;
    for (const name of readdirSync(DEBIAN).sort()) {
      const model = decodeModel(readFileSync(join(DEBIAN, name, 'model.onnx')));
      const dataDir = join(DEBIAN, name, 'test_data_set_0');
      if (!usesOnlyOurOps(model) || !existsSync(dataDir) || KNOWN_GAPS.some(([pattern]) => pattern.test(name))) continue;
      ran++;
      try {
        const problem = runCase(model, dataDir);
        if (problem) failures.push(`${name}: ${problem}`);
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
      if ((opsetVersion(model) ?? 0) >= 11) {
        for (const issue of checkModel(model).issues) failures.push(`${name}: checker: ${issue.message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(ran).toBeGreaterThan(300);
  });
});
