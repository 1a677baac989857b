// ONNX import: an .onnx file (torch.onnx.export of a torchvision-style CNN, or a Model Lab export) → LayerGraph + weights.
export { importOnnx, shortestFloat32, type GraphInput, type ImportOptions, type ImportResult } from './onnx-import';
export { ImportError } from './errors';
export { METADATA_CLASSES_KEY, METADATA_GRAPH_KEY } from './metadata';
export { expectedParameters } from './parameters';
