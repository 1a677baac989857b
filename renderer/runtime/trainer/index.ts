// The trainer: runs a compiled training step again and again on onnxruntime-web, in a worker or in Node.
export { channelStatistics, DataError, epochBatches, epochPlan, loadSplit, MemoryDataSource, SplitData, type DataDescription, type DataSource } from './data';
export { evaluateSplit, normalise, outputIsProbabilities, scoreLogits, type EvalOptions, type EvalResult, type Normalisation } from './evaluate';
export { packTensors, unpackTensors } from './pack';
export { deriveSeed, epochPermutation, fillDropoutMask, seededRandom } from './random';
export { checkSchedule, learningRateAt, PlateauMonitor, ScheduleError, type LrSchedule, type ScheduleConfig, type SchedulePosition } from './schedule';
export { decodeLabelBytes, describeManifest, StoreDataSource, type DatasetApi } from './store-source';
export {
  Trainer,
  TrainerError,
  type EpochMetrics,
  type InferenceBuilder,
  type StepMetrics,
  type TrainerEvent,
  type TrainerOptions,
  type TrainerState,
  type TrainingResult,
} from './trainer';
export { startTrainerWorker, TrainerClient, type FromWorker, type PortLike, type ToWorker, type TrainConfig } from './worker-protocol';
