import { AppError } from '../../../preload/result';

export type OnnxErrorCode =
  | 'onnx-decode' // the bytes are not an ONNX model, or not one we can read
  | 'onnx-unsupported' // a valid model that uses something outside what we support
  | 'onnx-invalid' // a model that breaks the ONNX rules (checker, shape inference)
  | 'onnx-build' // a builder was called with values that cannot make a valid model
  | 'onnx-run'; // the reference interpreter could not run a node

/** Every expected failure of the ONNX codec, checker and reference interpreter. Messages name the node and quote the value. */
export class OnnxError extends AppError {
  declare readonly code: OnnxErrorCode;
  constructor(code: OnnxErrorCode, message: string) {
    super(code, message);
    this.name = 'OnnxError';
  }
}

/** `Conv 'conv1'` or `Conv (node #3)` for messages. */
export function describeNode(node: { opType: string; name: string }, index?: number): string {
  if (node.name) return `${node.opType} node '${node.name}'`;
  return index === undefined ? `${node.opType} node (unnamed)` : `${node.opType} node #${index} (unnamed)`;
}
