// Reading node attributes with the schema's defaults for the model's opset, and with a clear error when an
// attribute has the wrong type. Used by shape inference and the reference interpreter.

import { describeNode, OnnxError } from './errors';
import type { Attribute, Node, Tensor } from './model';
import { opVersion } from './schema';

export class AttributeReader {
  constructor(
    readonly node: Node,
    readonly opset: number,
  ) {}

  private find(name: string): Attribute | undefined {
    return this.node.attributes.find((a) => a.name === name);
  }

  private fail(name: string, expected: string, found: Attribute): never {
    throw new OnnxError(
      'onnx-invalid',
      `${describeNode(this.node)}: attribute '${name}' should be ${expected}, but it is ${found.type.toUpperCase()} ${JSON.stringify(found.value)}.`,
    );
  }

  private schemaDefault(name: string): unknown {
    return opVersion(this.node.opType, this.opset)?.attrs[name]?.default;
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  int(name: string): number | undefined;
  int(name: string, fallback: number): number;
  int(name: string, fallback?: number): number | undefined {
    const a = this.find(name);
    if (a === undefined) return fallback ?? (this.schemaDefault(name) as number | undefined);
    if (a.type !== 'int') this.fail(name, 'an INT', a);
    return a.value;
  }

  float(name: string): number | undefined;
  float(name: string, fallback: number): number;
  float(name: string, fallback?: number): number | undefined {
    const a = this.find(name);
    if (a === undefined) return fallback ?? (this.schemaDefault(name) as number | undefined);
    // Some exporters write whole floats as INT; accept them when reading.
    if (a.type === 'int') return a.value;
    if (a.type !== 'float') this.fail(name, 'a FLOAT', a);
    return a.value;
  }

  ints(name: string): number[] | undefined {
    const a = this.find(name);
    if (a === undefined) return (this.schemaDefault(name) as number[] | undefined)?.slice();
    if (a.type !== 'ints') this.fail(name, 'INTS', a);
    return a.value;
  }

  floats(name: string): number[] | undefined {
    const a = this.find(name);
    if (a === undefined) return undefined;
    if (a.type !== 'floats') this.fail(name, 'FLOATS', a);
    return a.value;
  }

  string(name: string): string | undefined;
  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined {
    const a = this.find(name);
    if (a === undefined) return fallback ?? (this.schemaDefault(name) as string | undefined);
    if (a.type !== 'string') this.fail(name, 'a STRING', a);
    return a.value;
  }

  tensor(name: string): Tensor | undefined {
    const a = this.find(name);
    if (a === undefined) return undefined;
    if (a.type !== 'tensor') this.fail(name, 'a TENSOR', a);
    return a.value;
  }
}
