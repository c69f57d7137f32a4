/**
 * @tessera/layers: modules, losses, optimisers, data helpers and tools (summary, profiler,
 * safetensors) for training ConvNets on any Tessera backend. Imports only @tessera/core.
 */
export { Module, canFuseRelu, formatPattern } from './module.js';
export type {
  ModuleOptions,
  ParameterInfo,
  LoadStateDictOptions,
  ReluFusable,
  ShapePattern,
} from './module.js';
export { Linear, type LinearOptions } from './linear.js';
export { Conv2d, type Conv2dOptions } from './conv2d.js';
export { LocallyConnected2d, type LocallyConnected2dOptions } from './locally-connected.js';
export { ReLU, Sigmoid, Tanh } from './activations.js';
export { MaxPool2d, AvgPool2d, type Pool2dOptions } from './pooling.js';
export { Flatten } from './flatten.js';
export {
  Sequential,
  type SequentialItem,
  type SequentialOptions,
  type PlanStep,
} from './sequential.js';
export * from './init.js';
export * from './losses.js';
export { Optimizer, type UpdateResult } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, type AdamOptions } from './optim/adam.js';
export { constantLr, cosineDecay, type LrSchedule } from './optim/schedule.js';
export {
  trainStep,
  countCorrect,
  type TrainStepOptions,
  type TrainStepResult,
} from './train-step.js';
export { evaluate, predict, formatConfusion, type Evaluation } from './metrics.js';
export {
  fit,
  earlyStopping,
  type FitOptions,
  type FitHistory,
  type FitCallbacks,
  type FitControl,
  type BatchLog,
  type EpochLog,
  type CheckpointOptions,
  type EarlyStoppingOptions,
} from './fit.js';
export {
  saveCheckpoint,
  loadCheckpoint,
  CHECKPOINT_FORMAT,
  type TrainingPosition,
} from './checkpoint.js';
export { summary, type ModelSummary, type SummaryRow } from './summary.js';
export {
  compareConnectivity,
  type ConnectivityComparison,
  type ConnectivityOptions,
  type ConnectivityRow,
} from './connectivity.js';
export { profile, type ProfileOptions, type ProfileResult, type ProfileRow } from './profiler.js';
export * from './safetensors.js';
export { FormatError } from './errors.js';
export { formatCount, formatCompact, renderTable } from './format.js';
export * from './data/dataset.js';
export * from './data/batches.js';
export { randomShift, type Augmentation } from './data/augment.js';
export * from './data/idx.js';
export * from './data/images.js';
export { loadMnist, loadMnistAll, type MnistOptions, type MnistSplit } from './data/mnist.js';
export * from './models.js';
