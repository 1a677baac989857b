// LayerGraph → ONNX: the forward model (export, inference), its training form, and fresh weights.
export { INPUT_NAME, LoweringError, lowerEvaluation, lowerInference, lowerTraining, parameterShapes, type EvaluationLowerOptions, type InferenceModel, type InferenceOptions, type TrainingLowerOptions } from './lower';
export { initialiseWeights, type InitOptions } from './init';
