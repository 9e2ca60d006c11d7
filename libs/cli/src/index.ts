/**
 * libs/cli public API: the command tree, the Runner seam with its in-process
 * (`LocalRunner`) and gRPC (`GrpcRunner`, `--server`) implementations, and the demos.
 */
export { buildProgram, main, type CliIo, type RunnerFactory } from './program.js';
export { LocalRunner } from './local-runner.js';
export type {
  Runner,
  RunContext,
  LoopRequest,
  SearchRequest,
  SearchSummary,
  TrainRequest,
  TrainSummary,
  EvaluateRequest,
  EvaluateSummary,
  SegmentRequest,
  SegmentSummary,
} from './runner.js';
export { EXIT, EXIT_CODES_HELP, exitCodeFor } from './exit-codes.js';
export {
  prepareData,
  toSliceSet,
  sliceSpacing,
  type DataRequest,
  type PreparedData,
} from './dataset-prep.js';
export { runDemo, DEMO, type DemoOptions, type DemoResult } from './demo.js';
export {
  GrpcRunner,
  parseAddress,
  parseModelRef,
  serverAddresses,
  type GrpcRunnerOptions,
  type ServerAddresses,
} from './grpc-runner.js';
export { runGrpcDemo, GRPC_DEMO, type GrpcDemoOptions, type GrpcDemoResult } from './demo-grpc.js';
export { ensureDataset, datasetName, syntheticAsFiles, type DatasetFiles } from './grpc-dataset.js';
export { SERVER_HELP, type RunnerOptions } from './program.js';
export { savePlot, type Panel } from './plots.js';
export { saveAlphaPlots, type AlphaTrajectory } from './alpha-plots.js';
