/**
 * libs/cli public API: the command tree, the Runner seam (for a future gRPC-backed
 * runner) and its in-process implementation.
 */
export { buildProgram, main, type CliIo, type RunnerFactory } from './main.js';
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
export { prepareData, toSliceSet, sliceSpacing, type DataRequest, type PreparedData } from './dataset-prep.js';
export { runDemo, DEMO, type DemoOptions, type DemoResult } from './demo.js';
