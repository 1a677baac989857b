// The one error class of ONNX import. Every failure — unreadable bytes, an unsupported opset or op, a node that
// has no layer equivalent, a mapping that does not check out — is an ImportError whose message names the ONNX node
// (name and op) where there is one and says why, so nothing is ever half-imported.
import { AppError } from '../../../preload/result';

export class ImportError extends AppError {
  declare readonly code: 'onnx-import';
  constructor(message: string) {
    super('onnx-import', message);
    this.name = 'ImportError';
  }
}

/** `Conv node '/features/features.0/Conv'` or `Conv node #3 (unnamed)`. */
export function nodeLabel(node: { name: string; opType: string }, index: number): string {
  return node.name ? `${node.opType} node '${node.name}'` : `${node.opType} node #${index} (unnamed)`;
}
