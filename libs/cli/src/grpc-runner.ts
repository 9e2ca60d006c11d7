/**
 * Runs the commands on the services of the suite over gRPC (`--server`): the dataset is
 * registered in the registry, search and training run as jobs whose Watch events drive
 * the same progress output as a local run, evaluation and segmentation are calls to the
 * training and segmentation services. Ctrl-C cancels the job on the server.
 *
 * Models are named, not folders: `modelDir` of {@link EvaluateRequest} and
 * {@link SegmentRequest} is a model reference `name`, `name@alias` or `name:version`
 * (see {@link parseModelRef}); a training returns `name:version` there.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BackendError, NotFoundError, ValidationError } from '../../core/src/index.js';
import { isNiftiPath } from '../../data/src/index.js';
import { dicomDirInputs, readDicomSeries, readSegmentationMask } from '../../dicom/src/index.js';
import { buildReport, formatReport, writeFileAtomic, type CaseMetrics } from '../../engine/src/index.js';
import {
  NASUNET_PRESETS,
  OP_NAMES,
  UNET_PRESETS,
  decisionMarginsOfWeights,
  parseGenotype,
  type AlphaArrays,
  type DecisionMargin,
  type Genotype,
  type PresetName,
} from '../../nas/src/index.js';
import {
  createRegistryClient,
  createSearchClient,
  createSegmentationClient,
  createTrainingClient,
  splitChunks,
  DEFAULT_CHUNK_BYTES,
  type AlphaMatrix__Output,
  type ClientConfig,
  type CreateGenotypeResponse__Output,
  type DicomSegmentationSummary__Output,
  type EvaluateResponse__Output,
  type GetGenotypeResponse__Output,
  type GetSearchGroupResponse__Output,
  type ModelRef,
  type ModelRegistryServiceClient,
  type SearchJob__Output,
  type SearchServiceClient,
  type SearchStateEvent__Output,
  type SegmentationServiceClient,
  type SegmentDicomSeriesResponse__Output,
  type SegmentResponse__Output,
  type SegmentStudyResponse__Output,
  type SegmentVolumeResponse__Output,
  type StartSearchResponse__Output,
  type StartTrainingResponse__Output,
  type TrainingServiceClient,
  type TrainingStateEvent__Output,
  type WatchSearchResponse__Output,
  type WatchTrainingResponse__Output,
} from '../../rpc/src/index.js';
import { DEFAULT_PORTS, type ServiceName } from '../../launcher/src/index.js';
import { callError, targetOf, unaryCall } from './grpc-calls.js';
import { ensureDataset } from './grpc-dataset.js';
import { followJob, type JobOutcome } from './grpc-watch.js';
import { readSegmentInput, writeDicomSegmentation, writeSegmentation } from './segment-files.js';
import type {
  EvaluateRequest,
  EvaluateSummary,
  MultiSeedSummary,
  RunContext,
  Runner,
  SearchRequest,
  SearchSummary,
  SegmentRequest,
  SegmentSummary,
  TrainRequest,
  TrainSummary,
} from './runner.js';

/** `host:port` of each service. */
export type ServerAddresses = Record<ServiceName, string>;

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** Validates a `host:port` address given to option `field`. */
export function parseAddress(value: string, field: string): string {
  const m = HOST_PORT.exec(value.trim());
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535)
    throw new ValidationError(`${field} ${value}: expected host:port (e.g. localhost:50052)`);
  return value.trim();
}

/**
 * The service addresses from the options: `server` (one ingress address for all four
 * services) and per-service overrides; a service without either is on 127.0.0.1 at the
 * default port of `npm start` (registry 50051, search 50052, training 50053, inference
 * 50054).
 */
export function serverAddresses(o: {
  server?: string;
  registry?: string;
  search?: string;
  training?: string;
  inference?: string;
}): ServerAddresses {
  const pick = (name: ServiceName, flag: string): string => {
    const v = o[name];
    if (v !== undefined) return parseAddress(v, flag);
    if (o.server !== undefined) return parseAddress(o.server, '--server');
    return `127.0.0.1:${DEFAULT_PORTS[name]}`;
  };
  return {
    registry: pick('registry', '--registry-server'),
    search: pick('search', '--search-server'),
    training: pick('training', '--training-server'),
    inference: pick('inference', '--inference-server'),
  };
}

/**
 * Parses a model reference: `name` (the latest version), `name@alias` or `name:version`.
 * @throws ValidationError naming `field`.
 */
export function parseModelRef(ref: string, field = '--model'): ModelRef & { name: string } {
  const m = /^([a-z0-9][a-z0-9._-]{0,63})(?:@([a-z0-9][a-z0-9._-]{0,63})|:(\d+))?$/.exec(ref);
  if (!m)
    throw new ValidationError(
      `${field} ${ref}: with a server, give a registered model as name, name@alias or name:version (names: lower-case letters, digits, . _ -)`,
    );
  if (m[2] !== undefined) return { name: m[1]!, alias: m[2] };
  if (m[3] !== undefined) {
    const version = Number(m[3]);
    if (version < 1) throw new ValidationError(`${field} ${ref}: versions start at 1`);
    return { name: m[1]!, version };
  }
  return { name: m[1]! };
}

/** Names a runner gives to what it registers. */
export interface GrpcRunnerOptions {
  /** Upload local dataset folders instead of registering their `file://` URI. */
  upload?: boolean;
  /** Genotype name for searches (and for a genotype a training registers); default `cli-genotype`. */
  genotypeName?: string;
  /** Model name for trainings; default `cli-model`. */
  modelName?: string;
  /** TLS and token of every call; default plaintext without a token. */
  connection?: ClientConfig;
}

/** Epochs and batch size of a training on the services when the command line gives none. */
export const SERVER_TRAIN_DEFAULTS = { epochs: 20, batchSize: 4 } as const;
/** What a search on the services runs when the command leaves it out. */
export const SERVER_SEARCH_DEFAULTS = { epochs: 10, batchSize: 2, patience: 3 } as const;
/** The size a service runs when the command leaves `--preset` at `auto` (planning runs in-process only). */
export const SERVER_DEFAULT_PRESET = 'tiny';

/** The fixed size preset a job on the services gets. */
function servicePreset(preset: string): string {
  return preset === 'auto' ? SERVER_DEFAULT_PRESET : preset;
}

/** The preset's search space name in the proto. */
const PRESET_ENUM: Record<string, string> = {
  tiny: 'SEARCH_SPACE_PRESET_TINY',
  small: 'SEARCH_SPACE_PRESET_SMALL',
  paper: 'SEARCH_SPACE_PRESET_PAPER',
};

/** Runs every command through the four services. Call {@link close} when done. */
export class GrpcRunner implements Runner {
  readonly registry: ModelRegistryServiceClient;
  readonly search_: SearchServiceClient;
  readonly training: TrainingServiceClient;
  readonly segmentation: SegmentationServiceClient;

  constructor(
    readonly addresses: ServerAddresses,
    private readonly options: GrpcRunnerOptions = {},
  ) {
    const connection = options.connection ?? {};
    this.registry = createRegistryClient(addresses.registry, connection);
    this.search_ = createSearchClient(addresses.search, connection);
    this.training = createTrainingClient(addresses.training, connection);
    this.segmentation = createSegmentationClient(addresses.inference, connection);
  }

  /** Closes the channels. */
  close(): void {
    for (const c of [this.registry, this.search_, this.training, this.segmentation]) c.close();
  }

  private get genotypeName(): string {
    return this.options.genotypeName ?? 'cli-genotype';
  }

  private get modelName(): string {
    return this.options.modelName ?? 'cli-model';
  }

  /** Registers (or finds) the dataset of a request. */
  private dataset(req: { data: SearchRequest['data']; resume?: boolean }) {
    if (req.resume)
      throw new ValidationError(
        '--resume: with a server, an interrupted job resumes on the server by itself; start a new job instead',
      );
    return ensureDataset(this.registry, req.data, {
      upload: Boolean(this.options.upload),
      onNote: (text) => void process.stderr.write(`nasunet: ${text}`),
    });
  }

  /** Registers the request's dataset and builds its StartSearch request (one seed). */
  private async searchRequest(req: SearchRequest) {
    const preset = PRESET_ENUM[servicePreset(req.preset)];
    if (!preset) throw new ValidationError(`--preset ${req.preset}: expected tiny, small or paper`);
    const epochs = req.epochs ?? SERVER_SEARCH_DEFAULTS.epochs;
    const ds = await this.dataset(req);
    return {
      epochs,
      ds,
      request: {
        dataset: { name: ds.name, digest: ds.digest },
        searchSpace: {
          preset,
          initChannels: req.channels ?? 0,
          depth: req.depth ?? 0,
          ...(req.excludedOps === undefined
            ? {}
            : req.excludedOps.length === 0
              ? { allOps: true }
              : { excludedOps: req.excludedOps }),
        },
        budget: {
          maxEpochs: epochs,
          maxSteps: req.maxSteps ?? 0,
          maxSeconds: req.timeLimitSeconds ?? 0,
        },
        seed: req.seed,
        genotypeName: this.genotypeName,
        hyperParameters: {
          batchSize: req.batchSize ?? SERVER_SEARCH_DEFAULTS.batchSize,
          patience: req.patience ?? SERVER_SEARCH_DEFAULTS.patience,
          maxCases: req.data.maxCases ?? 0,
          alphaLearningRate: req.alphaLr ?? 0,
        },
      },
    };
  }

  /** Follows search job `jobId` to its end. */
  private followSearch(jobId: string, maxEpochs: number, ctx: RunContext) {
    return followJob<WatchSearchResponse__Output>({
      kind: 'search',
      jobId,
      client: this.search_,
      maxEpochs,
      ...(ctx.onEvent ? { onEvent: ctx.onEvent } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  }

  async search(req: SearchRequest, ctx: RunContext): Promise<SearchSummary> {
    const { epochs, ds, request } = await this.searchRequest(req);
    const started = await unaryCall<StartSearchResponse__Output>(
      this.search_,
      'startSearch',
      request,
      'starting the search',
    );
    const jobId = started.job!.jobId;
    const outcome = await this.followSearch(jobId, epochs, ctx);
    const ref = (outcome.state as SearchStateEvent__Output).resultGenotype;
    if (!ref) throw new NotFoundError(`search job ${jobId} finished without a registered genotype`);
    const got = await unaryCall<GetGenotypeResponse__Output>(
      this.registry,
      'getGenotype',
      { genotype: { name: ref.name, version: ref.version } },
      `reading genotype ${ref.name}:${ref.version}`,
    );
    const genotype = parseGenotype(JSON.parse(got.genotype!.genotypeJson));
    mkdirSync(req.outDir, { recursive: true });
    const genotypeFile = join(req.outDir, 'genotype.json');
    writeFileAtomic(genotypeFile, JSON.stringify(genotype, null, 2) + '\n');
    const resultFile = join(req.outDir, 'search-result.json');
    const decisions = decisionsOf(outcome, started.job!);
    const summary = {
      jobId,
      dataset: { name: ds.name, digest: ds.digest },
      genotypeRef: { name: ref.name, version: ref.version },
      genotype,
      epochs: outcome.epochs,
      steps: outcome.step,
      valDice: outcome.valDice,
      decisions,
    };
    writeFileAtomic(resultFile, JSON.stringify(summary, null, 2) + '\n');
    return {
      genotype,
      genotypeFile,
      genotypeRef: summary.genotypeRef,
      jobId,
      initialValLoss: null,
      valLoss: outcome.valLoss,
      valDice: outcome.valDice,
      epochs: outcome.epochs,
      steps: outcome.step,
      reason: outcome.epochs >= epochs ? 'max_epochs' : 'early_stop',
      decisions,
      files: [genotypeFile, resultFile],
    };
  }

  /**
   * A multi-seed search: one request, one job per seed run in parallel by the services'
   * workers, each followed to its end (Ctrl-C cancels them all); then the genotypes and
   * their agreement (GetSearchGroup), also written to `search-group.json` in `outDir`.
   * @throws the first job's failure, after every job ended.
   */
  async searchSeeds(req: SearchRequest, seeds: number[], ctx: RunContext): Promise<MultiSeedSummary> {
    const { epochs, ds, request } = await this.searchRequest(req);
    const started = await unaryCall<StartSearchResponse__Output>(
      this.search_,
      'startSearch',
      { ...request, seed: 0, seeds },
      'starting the multi-seed search',
    );
    // Progress bars of parallel jobs would interleave: only the signal is passed on.
    const quiet = ctx.signal ? { signal: ctx.signal } : {};
    const ended = await Promise.allSettled(
      started.jobs.map((j) => this.followSearch(j.jobId, epochs, quiet)),
    );
    const failed = ended.find((e) => e.status === 'rejected');
    if (failed) throw failed.reason;
    const decisions = new Map(
      started.jobs.map((j, i) => {
        const e = ended[i] as PromiseFulfilledResult<JobOutcome<unknown>>;
        return [j.jobId, decisionsOf(e.value, j)];
      }),
    );
    const group = await unaryCall<GetSearchGroupResponse__Output>(
      this.search_,
      'getSearchGroup',
      { groupId: started.groupId },
      `reading multi-seed search ${started.groupId}`,
    );
    const a = group.agreement!;
    const summary = {
      groupId: group.groupId,
      dataset: { name: ds.name, digest: ds.digest },
      jobs: group.jobs.map((j) => ({
        seed: j.seed,
        jobId: j.jobId,
        genotypeRef: { name: j.resultGenotype!.name, version: j.resultGenotype!.version },
        genotype: parseGenotype(JSON.parse(j.genotypeJson)),
        decisions: decisions.get(j.jobId) ?? null,
      })),
      agreement: {
        genotypes: a.genotypes,
        distinct: a.distinctGenotypes,
        edgeShare: a.edgeShare,
        opShare: a.opShare,
      },
    };
    mkdirSync(req.outDir, { recursive: true });
    const file = join(req.outDir, 'search-group.json');
    writeFileAtomic(file, JSON.stringify(summary, null, 2) + '\n');
    return { ...summary, file };
  }

  /**
   * The registered version of `genotype` when `file` was written by a search through the
   * services (its `search-result.json` names the version) and the registry still holds
   * exactly that genotype under it; else null, and the genotype is registered anew.
   */
  private async registeredBySearch(
    genotype: Genotype,
    file: string | undefined,
  ): Promise<{ name: string; version: number } | null> {
    if (file === undefined) return null;
    const result = join(dirname(file), 'search-result.json');
    if (!existsSync(result)) return null;
    let ref: { name?: unknown; version?: unknown } | undefined;
    try {
      ref = (JSON.parse(readFileSync(result, 'utf8')) as { genotypeRef?: typeof ref }).genotypeRef;
    } catch {
      return null;
    }
    if (typeof ref?.name !== 'string' || typeof ref.version !== 'number') return null;
    const got = await unaryCall<GetGenotypeResponse__Output>(
      this.registry,
      'getGenotype',
      { genotype: { name: ref.name, version: ref.version } },
      `reading genotype ${ref.name}:${ref.version}`,
    ).catch(() => null);
    if (!got?.genotype) return null;
    const same =
      JSON.stringify(parseGenotype(JSON.parse(got.genotype.genotypeJson))) === JSON.stringify(genotype);
    return same ? { name: ref.name, version: ref.version } : null;
  }

  async train(req: TrainRequest, ctx: RunContext): Promise<TrainSummary> {
    const epochs = req.epochs ?? SERVER_TRAIN_DEFAULTS.epochs;
    const batchSize = req.batchSize ?? SERVER_TRAIN_DEFAULTS.batchSize;
    const ds = await this.dataset(req);
    const preset = servicePreset(req.preset) as PresetName;
    const base = req.arch === 'unet' ? UNET_PRESETS[preset] : NASUNET_PRESETS[preset];
    if (!base) throw new ValidationError(`--preset ${req.preset}: expected tiny, small or paper`);
    const width =
      req.channels ?? ('baseWidth' in base ? base.baseWidth : (base as { channels: number }).channels);
    let architecture: Record<string, unknown>;
    if (req.arch === 'unet') architecture = { baseline: 'BASELINE_ARCHITECTURE_UNET' };
    else if (req.genotypeRef) architecture = { genotype: req.genotypeRef };
    else if (req.genotype) {
      const known = await this.registeredBySearch(req.genotype, req.genotypeFile);
      if (known) architecture = { genotype: known };
      else {
        const created = await unaryCall<CreateGenotypeResponse__Output>(
          this.registry,
          'createGenotype',
          { name: this.genotypeName, genotypeJson: JSON.stringify(req.genotype) },
          `registering genotype ${this.genotypeName}`,
        );
        architecture = { genotype: { name: created.genotype!.name, version: created.genotype!.version } };
      }
    } else throw new ValidationError('no genotype: give --genotype <file|v2|v3> for --arch nasunet');
    const started = await unaryCall<StartTrainingResponse__Output>(
      this.training,
      'startTraining',
      {
        ...architecture,
        dataset: { name: ds.name, digest: ds.digest },
        hyperParameters: {
          epochs,
          batchSize,
          learningRate: req.lr,
          diceWeight: req.diceWeight,
          initChannels: width,
          depth: req.depth ?? base.depth,
          augment: req.augment !== 'none',
          validationFraction: Math.min(0.5, req.data.valFraction ?? 0.2),
          maxSteps: req.maxSteps ?? 0,
          maxSeconds: req.timeLimitSeconds ?? 0,
          maxCases: req.data.maxCases ?? 0,
          contextSlices: req.contextSlices ?? 0,
        },
        seed: req.seed,
        modelName: this.modelName,
      },
      'starting the training',
    );
    const jobId = started.job!.jobId;
    const outcome = await followJob<WatchTrainingResponse__Output>({
      kind: 'train',
      jobId,
      client: this.training,
      maxEpochs: epochs,
      ...(ctx.onEvent ? { onEvent: ctx.onEvent } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const model = (outcome.state as TrainingStateEvent__Output).resultModel;
    if (!model) throw new NotFoundError(`training job ${jobId} finished without a registered model`);
    const dice = outcome.epochDice;
    let best = 0;
    for (let i = 1; i < dice.length; i++) if ((dice[i] as number) > (dice[best] as number)) best = i;
    mkdirSync(req.outDir, { recursive: true });
    const resultFile = join(req.outDir, 'train-result.json');
    const modelRef = `${model.name}:${model.version}`;
    writeFileAtomic(
      resultFile,
      JSON.stringify(
        { jobId, model: modelRef, weightsDigest: model.weightsDigest, validationDice: dice },
        null,
        2,
      ) + '\n',
    );
    return {
      modelDir: modelRef,
      model: { name: model.name, version: model.version },
      jobId,
      initialValDice: null,
      bestValDice: dice.length > 0 ? (dice[best] as number) : NaN,
      bestEpoch: best,
      epochs: outcome.epochs,
      steps: outcome.step,
      reason:
        req.maxSteps !== undefined && outcome.step >= req.maxSteps
          ? 'max_steps'
          : outcome.epochs >= epochs
            ? 'max_epochs'
            : 'wall_time',
      parameterCount: NaN,
      files: [resultFile],
    };
  }

  async evaluate(req: EvaluateRequest, _ctx: RunContext): Promise<EvaluateSummary> {
    if (req.data.maxCases !== undefined)
      throw new ValidationError('--max-cases: evaluate with a server scores every case of the dataset');
    const model = parseModelRef(req.modelDir);
    const ds = await this.dataset(req);
    const res = await unaryCall<EvaluateResponse__Output>(
      this.training,
      'evaluate',
      { model, dataset: { name: ds.name, digest: ds.digest }, computeHd95: req.hd95 },
      `evaluating ${req.modelDir}`,
      10 * 60_000,
    );
    // Foreground classes named as the model names them (background as the dataset does).
    const classNames = [
      ds.classNames[0] ?? 'background',
      ...[...res.meanPerClass]
        .sort((a, b) => a.classIndex - b.classIndex)
        .map((m) => m.className || `class_${m.classIndex}`),
    ];
    const cases: CaseMetrics[] = res.cases.map((c) => {
      const byIndex = new Map(c.classes.map((m) => [m.classIndex, m]));
      const classes = classNames.slice(1).map((_, i) => {
        const m = byIndex.get(i + 1);
        return {
          dice: m?.dice ?? NaN,
          iou: m?.iou ?? NaN,
          hd95: m && Number.isFinite(m.hd95Mm) && m.hd95Mm >= 0 ? m.hd95Mm : null,
          truthVoxels: Number(m?.truthVoxels ?? 0),
          predVoxels: Number(m?.predVoxels ?? 0),
        };
      });
      const meanDice = classes.reduce((s, m) => s + m.dice, 0) / Math.max(1, classes.length);
      return { caseId: c.caseId, classes, meanDice, pixelAccuracy: c.pixelAccuracy };
    });
    const report = buildReport(cases, classNames);
    mkdirSync(req.outDir, { recursive: true });
    const jsonPath = join(req.outDir, 'report.json');
    const textPath = join(req.outDir, 'report.txt');
    const resolved = res.model ? `${res.model.name}:${res.model.version}` : req.modelDir;
    writeFileAtomic(
      jsonPath,
      JSON.stringify(
        { model: resolved, dataset: { name: ds.name, digest: res.datasetDigest }, ...report },
        null,
        2,
      ) + '\n',
    );
    writeFileAtomic(textPath, `model ${resolved} on dataset ${ds.name}\n` + formatReport(report));
    return { report, jsonPath, textPath };
  }

  async segment(req: SegmentRequest, _ctx: RunContext): Promise<SegmentSummary> {
    const model = parseModelRef(req.modelDir);
    if (req.pacs) return this.segmentStudy(model, req.pacs);
    if (req.dicom) return this.segmentDicomSeries(model, req);
    const volume = await readSegmentInput(req.input);
    const [X, Y, Z] = volume.shape;
    let mask: Uint8Array;
    let classVolumes: Array<{ classIndex: number; className: string; voxelCount: string }>;
    if (isNiftiPath(req.input)) {
      ({ mask, classVolumes } = await this.segmentVolume(model, readFileSync(req.input), req.input));
    } else {
      const png = /\.png$/i.test(req.input);
      const res = await unaryCall<SegmentResponse__Output>(
        this.segmentation,
        'segment',
        {
          model,
          ...(png
            ? { png: readFileSync(req.input) }
            : {
                raw: {
                  dtype: 'PIXEL_DTYPE_FLOAT32',
                  height: Y,
                  width: X,
                  channels: 1,
                  data: Buffer.from(Float32Array.from(volume.data).buffer),
                },
              }),
          maskEncoding: 'MASK_ENCODING_RAW_UINT8',
        },
        `segmenting ${req.input}`,
      );
      mask = new Uint8Array(res.mask!.data);
      classVolumes = res.classVolumes;
    }
    if (mask.length !== X * Y * Z)
      throw new ValidationError(
        `the server returned a mask of ${mask.length} voxels for ${X}x${Y}x${Z} input`,
      );
    // The service answers with class indices and the model's class names; the label code
    // of a class is not sent, so the written codes are the class indices.
    const classes = [...classVolumes]
      .sort((a, b) => a.classIndex - b.classIndex)
      .map((v) => ({ code: v.classIndex, name: v.className || `class_${v.classIndex}` }));
    const outside = mask.find((k) => k >= classes.length);
    if (outside !== undefined)
      throw new ValidationError(
        `the server returned class index ${outside} but named ${classes.length} classes`,
      );
    return writeSegmentation(req.input, volume, mask, classes, req.outDir);
  }

  /** SegmentVolume with the NIfTI bytes as chunks; returns the raw uint8 label volume. */
  private segmentVolume(
    model: ModelRef,
    bytes: Uint8Array,
    input: string,
  ): Promise<{
    mask: Uint8Array;
    classVolumes: Array<{ classIndex: number; className: string; voxelCount: string }>;
  }> {
    const address = targetOf(this.segmentation);
    const stream = this.segmentation.segmentVolume({ deadline: Date.now() + 10 * 60_000 });
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let summary: SegmentVolumeResponse__Output['summary'] = null;
      stream.on('data', (m: SegmentVolumeResponse__Output) => {
        if (m.summary) summary = m.summary;
        if (m.maskChunk) chunks.push(m.maskChunk);
      });
      stream.on('error', (err) => reject(callError(err, `segmenting ${input}`, address)));
      stream.on('end', () => {
        if (!summary) return reject(new ValidationError(`segmenting ${input}: the server sent no summary`));
        resolve({ mask: new Uint8Array(Buffer.concat(chunks)), classVolumes: summary.classVolumes });
      });
      stream.write({
        header: { model, format: 'VOLUME_INPUT_FORMAT_NIFTI', maskEncoding: 'MASK_ENCODING_RAW_UINT8' },
      });
      for (const c of splitChunks(bytes, DEFAULT_CHUNK_BYTES)) stream.write({ niftiChunk: Buffer.from(c) });
      stream.end();
    });
  }

  /**
   * SegmentStudy: the service segments a series on the PACS it is configured with and
   * stores the SEG there; nothing is written here.
   */
  private async segmentStudy(
    model: ModelRef,
    pacs: NonNullable<SegmentRequest['pacs']>,
  ): Promise<SegmentSummary> {
    if (pacs.url !== undefined) {
      throw new ValidationError(
        '--pacs: a service segments series of the PACS it is configured with; drop --pacs (or the server option)',
      );
    }
    const res = await unaryCall<SegmentStudyResponse__Output>(
      this.segmentation,
      'segmentStudy',
      { model, studyInstanceUid: pacs.study, seriesInstanceUid: pacs.series },
      'segmenting the series on the PACS',
      10 * 60_000,
    );
    const s = res.summary!;
    return {
      maskPath: '',
      labelsPath: '',
      overlayPath: '',
      classVoxels: Object.fromEntries(s.segments.map((g) => [g.label, Number(g.voxelCount)])),
      stored: { sopInstanceUid: s.segSopInstanceUid, seriesInstanceUid: s.segSeriesInstanceUid },
    };
  }

  /**
   * SegmentDicomSeries of the files of folder `req.input` (read here first, so that a bad
   * series is refused before it is sent); writes the SEG and the overlay drawn from it.
   */
  private async segmentDicomSeries(model: ModelRef, req: SegmentRequest): Promise<SegmentSummary> {
    const inputs = dicomDirInputs(req.input);
    const series = await readDicomSeries(inputs);
    const address = targetOf(this.segmentation);
    const stream = this.segmentation.segmentDicomSeries({ deadline: Date.now() + 10 * 60_000 });
    const { summary, seg } = await new Promise<{
      summary: DicomSegmentationSummary__Output;
      seg: Uint8Array;
    }>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let summary: DicomSegmentationSummary__Output | null = null;
      stream.on('data', (m: SegmentDicomSeriesResponse__Output) => {
        if (m.summary) summary = m.summary;
        if (m.segChunk) chunks.push(m.segChunk);
      });
      stream.on('error', (err) => reject(callError(err, `segmenting ${req.input}`, address)));
      stream.on('end', () =>
        summary
          ? resolve({ summary, seg: new Uint8Array(Buffer.concat(chunks)) })
          : reject(new ValidationError(`segmenting ${req.input}: the server sent no summary`)),
      );
      stream.write({ header: { model } });
      for (const { bytes } of inputs) {
        const parts = [...splitChunks(bytes, DEFAULT_CHUNK_BYTES)];
        parts.forEach((c, i) =>
          stream.write({ instanceChunk: { data: Buffer.from(c), last: i === parts.length - 1 } }),
        );
      }
      stream.end();
    });
    // The SEG's segment numbers are the model's class indices; background is class 0.
    const classes = [
      { code: 0, name: 'background' },
      ...summary.segments.map((g) => ({ code: g.segmentNumber, name: g.label })),
    ];
    const mask = readSegmentationMask(seg, series);
    return writeDicomSegmentation(req.input, series, mask, classes, seg, req.outDir);
  }
}

/**
 * By how much each choice of a search job's genotype was won, from the alphas streamed with
 * its last epoch and the search space the job resolved; null when no epoch finished.
 */
function decisionsOf(
  outcome: Pick<JobOutcome<unknown>, 'alphas'>,
  job: Pick<SearchJob__Output, 'searchSpace'>,
): DecisionMargin[] | null {
  const space = job.searchSpace;
  if (!outcome.alphas || !space) return null;
  return decisionMarginsOfWeights(alphaWeights(outcome.alphas), space.nodes, space.excludedOps);
}

/**
 * The streamed alpha matrices (softmax weights, columns named) as the derivation's arrays,
 * columns in each op set's order. A matrix missing or naming other ops is a contract
 * violation by the service.
 */
function alphaWeights(matrices: readonly AlphaMatrix__Output[]): AlphaArrays {
  const rows = (kind: keyof AlphaArrays): number[][] => {
    const m = matrices.find((x) => x.kind === kind);
    const names: readonly string[] = OP_NAMES[kind];
    const cols = names.map((op) => m?.ops.indexOf(op) ?? -1);
    if (!m || cols.some((c) => c < 0) || m.values.length !== m.edges * m.ops.length) {
      throw new BackendError(`the search service streamed a malformed ${kind} alpha matrix`);
    }
    return Array.from({ length: m.edges }, (_, e) => cols.map((c) => m.values[e * m.ops.length + c]!));
  };
  return { down: rows('down'), up: rows('up'), normal: rows('normal') };
}
