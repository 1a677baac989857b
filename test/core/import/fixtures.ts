// The PyTorch fixtures (test/fixtures/onnx, written by make_fixtures.py with torch 1.13): each model's .onnx exports,
// a fixed input and PyTorch's output for it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel } from '../../../renderer/core/onnx/codec';
import type { Model } from '../../../renderer/core/onnx/model';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'onnx');

export interface FixtureFile {
  opset: number;
  dynamic_batch: boolean;
  batchnorm_fused: boolean;
  torch_lrn?: boolean;
}

export interface Fixture {
  model: string;
  torch: string;
  files: Record<string, FixtureFile>;
  input: { dims: number[]; data: number[] };
  output: { dims: number[]; data: number[] };
}

export const MODELS = ['lenet', 'alexnet', 'resnet', 'inception', 'lrneven'] as const;

export function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
}

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, file)));
}

export function fixtureModel(file: string): Model {
  return decodeModel(fixtureBytes(file));
}

/** Every .onnx file of every fixture. */
export function importableFiles(): Array<{ model: string; file: string; info: FixtureFile }> {
  return MODELS.flatMap((model) => Object.entries(fixture(model).files).map(([file, info]) => ({ model, file, info })));
}

export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  return max;
}

/** The float32 bit patterns of a tensor's values, for bit-identity checks. */
export function bits(values: Float32Array | ArrayLike<number>): number[] {
  const floats = values instanceof Float32Array ? values : Float32Array.from(values);
  return Array.from(new Uint32Array(floats.buffer, floats.byteOffset, floats.length));
}
