/**
 * The seam between the command line and where the work runs. `LocalRunner` runs
 * everything in this process through the libs; `GrpcRunner` (given `--server`) runs it on
 * the services, where a "model directory" is a registered model reference
 * (`name`, `name@alias`, `name:version`).
 */
import type {
  AugmentationKind,
  EngineEvent,
  EvaluationReport,
  InferenceRuntime,
} from '../../engine/src/index.js';
import type { DecisionMargin, Genotype, InferenceSettings } from '../../nas/src/index.js';
import type { RuntimeChoice } from '../../onnx/src/index.js';
import type { DataRequest } from './dataset-prep.js';

/** Callbacks and cancellation for one call. */
export interface RunContext {
  onEvent?: (e: EngineEvent) => void;
  signal?: AbortSignal;
  /** When the command started (`Date.now()`); `--time-limit` counts from here [when the run starts]. */
  startedAt?: number;
}

/** Options shared by search and training. */
export interface LoopRequest {
  data: DataRequest;
  /** Architecture size preset: tiny | small | paper (train also: auto, planned from the data). */
  preset: string;
  /** Override of the preset's width: C for NAS-Unet, baseWidth for U-Net. */
  channels?: number;
  /** Override of the preset's (or the plan's) depth: DownSC cells for NAS-Unet, poolings for U-Net. */
  depth?: number;
  seed: number;
  /** Run directory for checkpoints, results and plots. */
  outDir: string;
  /** Continue from the checkpoint in `outDir`. */
  resume: boolean;
  /** Replace an earlier run's files in `outDir` instead of refusing to [false]. */
  overwrite?: boolean;
  /** Maximum epochs; a training without it runs its planned steps. */
  epochs?: number;
  maxSteps?: number;
  /** Wall-time budget of this call, seconds. */
  timeLimitSeconds?: number;
  /** Slices per batch; a training without it uses the planned size. */
  batchSize?: number;
  /** Training augmentation [planned: flips, or spatial for small datasets]; through a server only `none` or the recipe's flips. */
  augment?: AugmentationKind;
  diceWeight: number;
  checkpointIntervalSeconds: number;
  checkpointEverySteps?: number;
  /** Patch height and width [planned]. */
  patch?: [number, number];
  /** Share of each batch centred on foreground [planned: 1/3]. */
  foregroundShare?: number;
  /** Wall time the planner sizes the run for, seconds [3600]. */
  timeBudgetSeconds?: number;
  /** Data-parallel worker threads [planned: the cores of the machine, capped]. */
  workers?: number;
}

/** A search request; what it leaves out is planned from the data (or, with a server, the service's defaults). */
export interface SearchRequest extends LoopRequest {
  warmupSteps?: number;
  patience?: number;
  /** Candidate ops the supernet leaves out [planned: all but up_dil_conv; [] = the spec's complete sets]. */
  excludedOps?: string[];
  /** Adam learning rate of the alphas [planned: the spec's 3e-4]. */
  alphaLr?: number;
  /** Refuse configurations estimated above this many MiB. */
  memoryLimitMb?: number;
}

/** What a search produced. */
export interface SearchSummary {
  genotype: Genotype;
  /** Path of genotype.json. */
  genotypeFile: string;
  initialValLoss: number | null;
  valLoss: number;
  valDice: number;
  epochs: number;
  steps: number;
  reason: string;
  /**
   * By how much each choice of the genotype was won (softmax weight), narrowest first, from
   * the alphas of the last epoch; null when no epoch finished.
   */
  decisions: DecisionMargin[] | null;
  /** Files written (plots, results). */
  files: string[];
  /** Through a server: the registered genotype version and the search job's id. */
  genotypeRef?: { name: string; version: number };
  jobId?: string;
}

/** What a multi-seed search (through a server) produced. */
export interface MultiSeedSummary {
  groupId: string;
  /** One per seed, in the order given. */
  jobs: Array<{
    seed: number;
    jobId: string;
    genotypeRef: { name: string; version: number };
    genotype: Genotype;
    /** As in {@link SearchSummary}. */
    decisions: DecisionMargin[] | null;
  }>;
  /** How far the genotypes agree (see GetSearchGroup). */
  agreement: { genotypes: number; distinct: number; edgeShare: number; opShare: number };
  /** search-group.json, the summary as written. */
  file: string;
}

/** A training request. */
export interface TrainRequest extends LoopRequest {
  /** `nasunet` (needs `genotype`) or the `unet` baseline. */
  arch: 'nasunet' | 'unet';
  genotype?: Genotype;
  /** Through a server: a registered genotype version to train (instead of `genotype`). */
  genotypeRef?: { name: string; version: number };
  /** The file `genotype` was read from; a server run reuses the registered version a search recorded beside it. */
  genotypeFile?: string;
  /** Initial learning rate of the cosine schedule. */
  lr: number;
  /** Neighbouring slices on each side as extra input channels (2.5D) [planned]. */
  contextSlices?: number;
  /** Test-time mirroring and postprocessing to record in the model [planned on the validation cases]. */
  inference?: Partial<InferenceSettings>;
}

/** What a training produced. */
export interface TrainSummary {
  /** Model bundle directory (manifest.json + weights.bin). */
  modelDir: string;
  initialValDice: number | null;
  bestValDice: number;
  bestEpoch: number;
  epochs: number;
  steps: number;
  reason: string;
  parameterCount: number;
  files: string[];
  /** Through a server: the registered model version and the training job's id. */
  model?: { name: string; version: number };
  jobId?: string;
}

/** An evaluation request. */
export interface EvaluateRequest {
  modelDir: string;
  data: DataRequest;
  /** Which cases: the seeded test split (same seed as training), validation, or all. */
  split: 'test' | 'val' | 'all';
  seed: number;
  outDir: string;
  hd95: boolean;
  /** What computes the forward passes in this process [auto]; a server uses its own setting. */
  runtime?: RuntimeChoice;
}

/** Evaluation result and the files written. */
export interface EvaluateSummary {
  report: EvaluationReport;
  jsonPath: string;
  textPath: string;
  /** The runtime that computed the forward passes (in-process runs only). */
  runtime?: InferenceRuntime;
}

/** A segmentation request: one image (PNG/TIFF/GIF) or NIfTI volume. */
export interface SegmentRequest {
  modelDir: string;
  /** An image or NIfTI file, or (with `dicom`) a folder holding one DICOM series. */
  input: string;
  /** `input` is a DICOM series folder: the mask is written as a DICOM SEG on it. */
  dicom?: boolean;
  /**
   * Instead of `input`: a series on a PACS, segmented into a DICOM SEG stored back there.
   * `url` is its DICOMweb base URL (in-process only; a service uses the PACS it is
   * configured with); `input` then only names the outputs.
   */
  pacs?: { url?: string | undefined; study: string; series: string };
  outDir: string;
  /** What computes the forward passes in this process [auto]; a server uses its own setting. */
  runtime?: RuntimeChoice;
}

/** Files written by a segmentation (see segment-files.ts), and the voxel count per class. */
export interface SegmentSummary {
  /** The mask to look at: a palette PNG (pixel values = label codes) or the .nii.gz. */
  maskPath: string;
  /** The raw label codes: a grey PNG, or the same .nii.gz as `maskPath`. */
  labelsPath: string;
  /** The image with the mask blended in and a legend of the class names. */
  overlayPath: string;
  classVoxels: Record<string, number>;
  /** The SEG stored on the PACS (with `pacs`): its UIDs. */
  stored?: { sopInstanceUid: string; seriesInstanceUid: string };
  /** The runtime that computed the forward passes (in-process runs only). */
  runtime?: InferenceRuntime;
}

/** Where commands run. */
export interface Runner {
  search(req: SearchRequest, ctx: RunContext): Promise<SearchSummary>;
  /** A multi-seed search; only through a server. */
  searchSeeds?(req: SearchRequest, seeds: number[], ctx: RunContext): Promise<MultiSeedSummary>;
  train(req: TrainRequest, ctx: RunContext): Promise<TrainSummary>;
  evaluate(req: EvaluateRequest, ctx: RunContext): Promise<EvaluateSummary>;
  segment(req: SegmentRequest, ctx: RunContext): Promise<SegmentSummary>;
}
