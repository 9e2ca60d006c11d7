/**
 * The `nasunet` command tree: search, train, evaluate, segment and demo, in this process
 * or, with `--server`, on the services over gRPC.
 * Run `nasunet --help` or `nasunet <command> --help` for every option and its default.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BACKEND_NAMES, type BackendName } from '../../tensor/src/index.js';
import { BackendError, ValidationError } from '../../core/src/index.js';
import {
  NEAR_TIE,
  POSTPROCESSING,
  PRESET_NAMES,
  describeMargins,
  type DecisionMargin,
  type InferenceSettings,
  type MirrorAxis,
  type Postprocessing,
} from '../../nas/src/index.js';
import { MAX_CONTEXT_SLICES } from '../../data/src/index.js';
import { isUid, uidTag } from '../../dicom/src/index.js';
import { DEFAULT_MAX_WORKERS } from '../../engine/src/data-parallel.js';
import { MIN_SLICES_PER_WORKER } from '../../engine/src/auto-config.js';
import { AUGMENTATIONS, type AugmentationKind } from '../../engine/src/sampler.js';
import { RUNTIME_CHOICES, type RuntimeChoice } from '../../onnx/src/index.js';
import { channelCredentials, readPem, type ClientConfig } from '../../rpc/src/index.js';
import { inCommandSpan } from './cli-span.js';
import { runDemo } from './demo.js';
import { runGrpcDemo } from './demo-grpc.js';
import { GrpcRunner, parseModelRef, serverAddresses, type ServerAddresses } from './grpc-runner.js';
import { EXIT, EXIT_CODES_HELP, exitCodeFor } from './exit-codes.js';
import { LocalRunner } from './local-runner.js';
import { exportBundleDir, exportRegisteredModel } from './export-model.js';
import { watchJob } from './job-watch.js';
import {
  cancelJob,
  formatTable,
  listAuditEvents,
  listDatasets,
  listGenotypes,
  listJobs,
  listModels,
  removeAlias,
  retireModel,
  setAlias,
} from './manage.js';
import { formatModelDetails, showModel } from './model-show.js';
import {
  addClassNamesOption,
  addDataOptions,
  dataRequest,
  excludedOpsOption,
  intOption,
  loadGenotype,
  MAX_DEPTH,
  numberOption,
  positiveNumberOption,
  seedsOption,
  sizeOption,
} from './options.js';
import { ProgressReporter } from './progress.js';
import type { LoopRequest, Runner, SearchRequest } from './runner.js';

/** What a command tells the runner factory. */
export interface RunnerOptions {
  backend: BackendName;
  /** Service addresses when a server option was given; absent = run in this process. */
  addresses?: ServerAddresses;
  /** TLS and token of the calls to the services (server only). */
  connection?: ClientConfig;
  /** Upload dataset folders instead of registering their file:// URI (server only). */
  upload?: boolean;
  /** Names of the registered genotype and model (server only). */
  genotypeName?: string;
  modelName?: string;
}

/** Creates the runner for a command: local, or gRPC when addresses are given. */
export type RunnerFactory = (opts: RunnerOptions) => Runner;

const defaultRunnerFactory: RunnerFactory = (o) =>
  o.addresses
    ? new GrpcRunner(o.addresses, {
        ...(o.upload !== undefined ? { upload: o.upload } : {}),
        ...(o.genotypeName !== undefined ? { genotypeName: o.genotypeName } : {}),
        ...(o.modelName !== undefined ? { modelName: o.modelName } : {}),
        ...(o.connection !== undefined ? { connection: o.connection } : {}),
      })
    : new LocalRunner(o.backend);

/** Help text of the server options, shown after each command's options. */
export const SERVER_HELP = `Running on the services (gRPC):
  Without a server option everything runs in this process. With --server <host:port>
  (one address that reaches all four services, e.g. an ingress) or per-service options
  (--registry-server, --search-server, --training-server, --inference-server; a service
  without one defaults to 127.0.0.1 at the port of 'npm start': registry 50051,
  search 50052, training 50053, inference 50054) the command runs on the services:
  the dataset is registered in the registry (a --data folder by its file:// URI when it
  lies under the registry's NASUNET_DATASET_ROOTS, else its files are uploaded, as with
  --upload; --synthetic is always uploaded), search and training run as server jobs whose progress streams here, and
  Ctrl-C cancels the job on the server. --model then names a registered model:
  name (latest version), name@alias or name:version. The services choose their own
  compute backend (NASUNET_BACKEND where they run) and their own checkpoints.
  Secured services: --tls-ca (or --tls with a certificate from a public CA) connects over
  TLS, --tls-cert/--tls-key add a client certificate where one is required, and --token
  (or NASUNET_TOKEN) sends a token with the scope the command needs (segment, train,
  search, registry:read, registry:write; admin for alias, retire and audit).`;

const SERVER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Parses a registry name option. */
function nameOption(v: string): string {
  if (!SERVER_NAME.test(v))
    throw new InvalidArgumentError(
      `expected a name of lower-case letters, digits, . _ - (max 64), got '${v}'`,
    );
  return v;
}

/** `--runtime` of the commands that segment (evaluate, segment). */
function runtimeOption(): Option {
  return new Option(
    '--runtime <name>',
    'what computes the forward passes in this process: onnx (ONNX Runtime on CPU), tfjs (the --backend engine) or auto (onnx on the wasm and cpu backends); a server uses its NASUNET_INFERENCE_RUNTIME',
  )
    .choices(RUNTIME_CHOICES)
    .default('auto');
}

/** Adds --server and the per-service address options. */
function addServerOptions(cmd: Command): Command {
  return cmd
    .option('--server <host:port>', 'run on the services at this address (all four behind one address)')
    .option('--registry-server <host:port>', 'address of the registry service (default port 50051)')
    .option('--search-server <host:port>', 'address of the search service (default port 50052)')
    .option('--training-server <host:port>', 'address of the training service (default port 50053)')
    .option('--inference-server <host:port>', 'address of the segmentation service (default port 50054)')
    .addOption(
      new Option('--token <token>', 'bearer token sent to the services (scopes: see below)').env(
        'NASUNET_TOKEN',
      ),
    )
    .option('--tls', "connect over TLS, trusting the system's certificate authorities", false)
    .addOption(
      new Option('--tls-ca <file>', 'connect over TLS, trusting this CA certificate (PEM)').env(
        'NASUNET_TLS_CA',
      ),
    )
    .option('--tls-cert <file>', 'client certificate (PEM) for services that require one; with --tls-key')
    .option('--tls-key <file>', 'private key (PEM) of --tls-cert')
    .addHelpText('after', `\n${SERVER_HELP}`);
}

/** TLS and token of the calls to the services, from the options of {@link addServerOptions}. */
function connectionOf(o: Record<string, unknown>): ClientConfig {
  const ca = o['tlsCa'] as string | undefined;
  const cert = o['tlsCert'] as string | undefined;
  const key = o['tlsKey'] as string | undefined;
  if ((cert === undefined) !== (key === undefined))
    throw new ValidationError('--tls-cert and --tls-key go together: give both or neither');
  const tls = Boolean(o['tls']) || ca !== undefined || cert !== undefined;
  return {
    ...(tls
      ? {
          credentials: channelCredentials({
            ...(ca !== undefined ? { ca: readPem('--tls-ca', ca) } : {}),
            ...(cert !== undefined
              ? { cert: readPem('--tls-cert', cert), key: readPem('--tls-key', key!) }
              : {}),
          }),
        }
      : {}),
    ...(o['token'] !== undefined ? { token: o['token'] as string } : {}),
  };
}

/** The service addresses from the options, or undefined when none was given. */
function addressesOf(o: Record<string, unknown>): ServerAddresses | undefined {
  const keys = ['server', 'registryServer', 'searchServer', 'trainingServer', 'inferenceServer'];
  if (!keys.some((k) => o[k] !== undefined)) return undefined;
  const str = (k: string): string | undefined => o[k] as string | undefined;
  const given: Parameters<typeof serverAddresses>[0] = {};
  const map: Array<[keyof typeof given, string]> = [
    ['server', 'server'],
    ['registry', 'registryServer'],
    ['search', 'searchServer'],
    ['training', 'trainingServer'],
    ['inference', 'inferenceServer'],
  ];
  for (const [to, from] of map) {
    const v = str(from);
    if (v !== undefined) given[to] = v;
  }
  return serverAddresses(given);
}

/** Runner options of a command's parsed options. */
function runnerOptions(o: Record<string, unknown>): RunnerOptions {
  const addresses = addressesOf(o);
  return {
    backend: o['backend'] as BackendName,
    ...(addresses ? { addresses, connection: connectionOf(o) } : {}),
    ...(o['upload'] !== undefined ? { upload: Boolean(o['upload']) } : {}),
    ...(o['genotypeName'] !== undefined ? { genotypeName: o['genotypeName'] as string } : {}),
    ...(o['modelName'] !== undefined ? { modelName: o['modelName'] as string } : {}),
  };
}

/**
 * Options that steer only an in-process run. The services pick their own backend,
 * checkpoints and data handling, so with a server these would be silently ignored: they are
 * refused instead (by attribute name, per command; `*` = every command but `demo`).
 */
const LOCAL_ONLY_OPTIONS: Record<string, string[]> = {
  '*': [
    'backend',
    'sliceAxis',
    'skipBadCases',
    'testFraction',
    'checkpointInterval',
    'checkpointEverySteps',
    'overwrite',
  ],
  search: ['warmupSteps', 'patch', 'foregroundShare', 'augment', 'timeBudget', 'workers'],
  train: ['patch', 'foregroundShare', 'augment', 'timeBudget', 'workers', 'mirror', 'postprocess'],
  evaluate: ['split'],
};

/** Refuses, before anything runs, local-only options given on the command line together with a server. */
function refuseLocalOnlyOptions(cmd: Command): void {
  if (cmd.name() === 'demo' || !addressesOf(cmd.opts())) return;
  const given = [...(LOCAL_ONLY_OPTIONS['*'] ?? []), ...(LOCAL_ONLY_OPTIONS[cmd.name()] ?? [])].filter(
    (k) => cmd.getOptionValueSource(k) === 'cli',
  );
  if (given.length === 0) return;
  const flags = given.map((k) => cmd.options.find((opt) => opt.attributeName() === k)?.long ?? k);
  throw new ValidationError(
    `${flags.join(', ')}: only for in-process runs; with a server the services decide these (drop the option or the server address)`,
  );
}

/** Runs `fn` with the command's runner and closes it (gRPC channels) afterwards. */
async function withRunner<T>(
  command: string,
  make: RunnerFactory,
  o: Record<string, unknown>,
  fn: (r: Runner) => Promise<T>,
): Promise<T> {
  const opts = runnerOptions(o);
  const runner = make(opts);
  try {
    // Through a server, one span over the command makes all its calls one trace.
    return opts.addresses ? await inCommandSpan(`cli.${command}`, () => fn(runner)) : await fn(runner);
  } finally {
    (runner as Partial<{ close(): void }>).close?.();
  }
}

/** A figure with 4 decimals, or '-' when the run did not report it. */
const fmt4 = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : '-');

/** How firmly a search chose its genotype, and what a near tie means for the user. */
function decisionsLine(decisions: readonly DecisionMargin[]): string {
  const near = decisions.some((m) => m.margin < NEAR_TIE);
  return (
    describeMargins(decisions) +
    (near ? '; a near-tied choice may go the other way with another seed or more alpha steps' : '')
  );
}

function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--backend <name>',
        'compute backend (also NASUNET_BACKEND): auto picks tensorflow if installed, else webgpu on a hardware GPU, else wasm',
      )
        .choices([...BACKEND_NAMES])
        .default(process.env['NASUNET_BACKEND'] ?? 'auto'),
    )
    .option('--seed <n>', 'seed of weight init, data split, data order and augmentation', intOption(0), 0)
    .option('--quiet', 'no progress output on stderr', false)
    .option('--json', 'print every progress event as one JSON line on stdout', false);
}

/**
 * Options of search and train. With `d.epochs` / `d.batch` absent (train), the automatic
 * configuration plans them and the preset defaults to `auto`.
 */
function addLoopOptions(cmd: Command, d: { epochs?: number; batch?: number }): Command {
  const planned = d.epochs === undefined;
  return cmd
    .option('--out <dir>', 'run directory for checkpoints, results and plots', 'nasunet-run')
    .addOption(
      planned
        ? new Option(
            '--preset <name>',
            'architecture size: auto plans width and depth from the data and the budgets (in-process; on the services it means tiny); tiny, small and paper are fixed sizes',
          )
            .choices(['auto', ...PRESET_NAMES])
            .default('auto')
        : new Option('--preset <name>', 'architecture size preset')
            .choices([...PRESET_NAMES])
            .default('tiny'),
    )
    .option(
      '--channels <n>',
      "override the preset's width (C per cell node for NAS-Unet, first-level width for U-Net)",
      intOption(1),
    )
    .option(
      '--depth <n>',
      "override the preset's depth (DownSC cells for NAS-Unet, poolings for U-Net); inputs are padded to a multiple of 2^(depth+1) (NAS-Unet) or 2^depth (U-Net)",
      intOption(1, MAX_DEPTH),
    )
    .option(
      '--epochs <n>',
      planned ? 'passes over the training slices (default: the planned steps)' : 'maximum number of epochs',
      intOption(1),
      d.epochs,
    )
    .option(
      '--max-steps <n>',
      planned
        ? 'optimisation steps (default: planned from the data and --time-budget: 2000 for training, warm-up + 1000 to 1500 alpha updates for a search)'
        : 'maximum number of optimisation steps (default: no limit)',
      intOption(1),
    )
    .option(
      '--time-limit <seconds>',
      'wall-time budget of this invocation in seconds (default: no limit)',
      numberOption(0.001),
    )
    .option(
      '--batch-size <n>',
      planned ? 'slices per batch (default: planned, 16 where memory and time allow)' : 'slices per batch',
      intOption(1),
      d.batch,
    )
    .option(
      '--dice-weight <w>',
      'weight of the soft Dice term in the loss (CE + w * Dice)',
      numberOption(0),
      1,
    )
    .option(
      '--checkpoint-interval <seconds>',
      'seconds between mid-epoch checkpoints (one is also written every epoch)',
      numberOption(0),
      60,
    )
    .option('--checkpoint-every-steps <n>', 'also write a checkpoint every N steps', intOption(1))
    .option('--resume', 'continue the run whose checkpoint is in --out (same options and seed)', false)
    .option('--overwrite', "replace an earlier run's checkpoint, results and plots in --out", false);
}

function loopRequest(o: Record<string, unknown>): LoopRequest {
  return {
    data: dataRequest(o),
    preset: o['preset'] as string,
    ...(o['channels'] !== undefined ? { channels: o['channels'] as number } : {}),
    ...(o['depth'] !== undefined ? { depth: o['depth'] as number } : {}),
    seed: o['seed'] as number,
    outDir: o['out'] as string,
    resume: Boolean(o['resume']),
    overwrite: Boolean(o['overwrite']),
    ...(o['epochs'] !== undefined ? { epochs: o['epochs'] as number } : {}),
    ...(o['maxSteps'] !== undefined ? { maxSteps: o['maxSteps'] as number } : {}),
    ...(o['timeLimit'] !== undefined ? { timeLimitSeconds: o['timeLimit'] as number } : {}),
    ...(o['batchSize'] !== undefined ? { batchSize: o['batchSize'] as number } : {}),
    ...(o['augment'] !== undefined ? { augment: o['augment'] as AugmentationKind } : {}),
    diceWeight: o['diceWeight'] as number,
    checkpointIntervalSeconds: o['checkpointInterval'] as number,
    ...(o['checkpointEverySteps'] !== undefined
      ? { checkpointEverySteps: o['checkpointEverySteps'] as number }
      : {}),
    ...(o['patch'] !== undefined ? { patch: o['patch'] as [number, number] } : {}),
    ...(o['foregroundShare'] !== undefined ? { foregroundShare: o['foregroundShare'] as number } : {}),
    ...(o['timeBudget'] !== undefined ? { timeBudgetSeconds: o['timeBudget'] as number } : {}),
    ...(o['workers'] !== undefined ? { workers: o['workers'] as number } : {}),
  };
}

/** Options of the automatic configuration shared by search and train (in-process only). */
function addPlanOptions(cmd: Command): Command {
  return cmd
    .option(
      '--patch <HxW>',
      'training patch size (default: planned; whole slices when they are at most 256 px)',
      sizeOption,
    )
    .option(
      '--foreground-share <f>',
      'share of each batch centred on a foreground pixel (default: planned, 1/3)',
      numberOption(0, 1),
    )
    .addOption(
      new Option(
        '--augment <kind>',
        'training augmentation: flips (left-right, the recipe), spatial (flips, shifts and elastic deformation) or none (default: planned; spatial under 1000 slices)',
      ).choices(AUGMENTATIONS),
    )
    .option(
      '--time-budget <seconds>',
      'wall time the automatic configuration sizes the steps (and the net) for (default: 3600)',
      numberOption(1),
    )
    .option(
      '--workers <n>',
      `data-parallel worker threads sharing each batch, one per core (default: the cores of this machine, at most ${DEFAULT_MAX_WORKERS} and at least ${MIN_SLICES_PER_WORKER} slices per worker; 1 steps in one thread)`,
      intOption(1),
    );
}

/** `--mirror` values besides `auto`. */
const MIRROR_CHOICES = ['none', 'width', 'height', 'width,height'];

/** The inference settings `train --mirror/--postprocess` fix (`auto` or absent: planned). */
function inferenceOverrides(o: Record<string, unknown>): Partial<InferenceSettings> {
  const mirror = o['mirror'] as string | undefined;
  const post = o['postprocess'] as Postprocessing | 'auto' | undefined;
  return {
    ...(mirror !== undefined && mirror !== 'auto'
      ? { mirror: mirror === 'none' ? [] : (mirror.split(',') as MirrorAxis[]) }
      : {}),
    ...(post !== undefined && post !== 'auto' ? { postprocessing: post } : {}),
  };
}

/** The --model value: as given, or the default of the mode (local folder or registered name). */
function modelOf(o: Record<string, unknown>): string {
  const m = o['model'] as string | undefined;
  if (m !== undefined) return m;
  return addressesOf(o) ? 'cli-model' : join('nasunet-run', 'model');
}

/** What a command needs from the process: output streams and a cancellation signal. */
export interface CliIo {
  out: (s: string) => void;
  signal: AbortSignal;
}

/** Builds the command tree. */
export function buildProgram(io: CliIo, makeRunner: RunnerFactory = defaultRunnerFactory): Command {
  const program = new Command('nasunet')
    .description(
      'NAS-Unet for medical image segmentation: differentiable architecture search, training, evaluation and segmentation.',
    )
    .addHelpText(
      'after',
      `\n${EXIT_CODES_HELP}\n\n${SERVER_HELP}\n\nQuick start: nasunet demo   (search -> train -> register -> segment on the synthetic set, through locally started services)\n             nasunet demo --local   (the same in this process)`,
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .hook('preAction', (_program, action) => refuseLocalOnlyOptions(action));

  const reporter = (o: Record<string, unknown>): ProgressReporter =>
    new ProgressReporter({ quiet: Boolean(o['quiet']), json: Boolean(o['json']) });
  const print = (o: Record<string, unknown>, human: string, result: unknown): void => {
    if (o['json']) io.out(JSON.stringify({ type: 'result', ...(result as object) }) + '\n');
    else io.out(human);
  };

  /** `search --seeds`: one multi-seed search on the services. */
  const searchSeeds = async (o: Record<string, unknown>, request: SearchRequest, seeds: number[]) => {
    if (search.getOptionValueSource('seed') === 'cli')
      throw new ValidationError('--seed and --seeds: give one (--seeds runs one job per seed)');
    if (!addressesOf(o))
      throw new ValidationError(
        '--seeds: a multi-seed search runs its seeds in parallel on the services; give --server (in this process, run one search per --seed)',
      );
    const r = await withRunner('search', makeRunner, o, (runner) =>
      runner.searchSeeds!(request, seeds, { signal: io.signal }),
    );
    const a = r.agreement;
    print(
      o,
      r.jobs
        .map(
          (j) =>
            `seed ${j.seed}: genotype ${j.genotypeRef.name} version ${j.genotypeRef.version} (job ${j.jobId})\n${JSON.stringify(j.genotype)}\n` +
            (j.decisions ? `decisions: ${decisionsLine(j.decisions)}\n` : ''),
        )
        .join('') +
        `agreement of ${a.genotypes} genotypes: ${a.distinct} distinct, edge share ${a.edgeShare.toFixed(4)}, op share ${a.opShare.toFixed(4)}\nfiles: ${r.file}\n`,
      { command: 'search', ...r },
    );
  };

  const search = program
    .command('search')
    .description(
      'search a NAS-Unet cell genotype (DARTS, first-order bilevel) on a dataset; writes genotype.json, plots and a resumable checkpoint into --out',
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  addServerOptions(
    addCommonOptions(addClassNamesOption(addDataOptions(addPlanOptions(addLoopOptions(search, {}))))),
  )
    .option(
      '--upload',
      'with a server: upload the --data folder instead of registering its file:// URI',
      false,
    )
    .option(
      '--genotype-name <name>',
      'with a server: registry name of the found genotype',
      nameOption,
      'cli-genotype',
    )
    .option(
      '--warmup-steps <n>',
      'steps before the first architecture (alpha) update (default: planned, a fifth of the alpha updates up to 200; with a server the search service warms up for half the epochs, at most 10)',
      intOption(0),
    )
    .option(
      '--patience <n>',
      'stop when the derived genotype is unchanged for this many epochs (default: planned, 5; with a server 3; sent to the server too)',
      intOption(1),
    )
    .option(
      '--alpha-lr <rate>',
      "Adam learning rate of the architecture parameters (alphas), in (0, 1] (default: the spec's 3e-4; sent to the server too)",
      positiveNumberOption(1),
    )
    .addOption(
      new Option(
        '--exclude-ops <ops>',
        'candidate ops the supernet leaves out, comma-separated op keys (default: up_dil_conv, which writes one output pixel in four)',
      ).argParser(excludedOpsOption),
    )
    .addOption(
      new Option('--all-ops', "search the spec's complete op sets (up_dil_conv included)").conflicts(
        'excludeOps',
      ),
    )
    .option(
      '--memory-limit <MiB>',
      'refuse configurations whose estimated training memory exceeds this (default: 80% of RAM)',
      intOption(1),
    )
    .option(
      '--seeds <list>',
      'with a server: a multi-seed search, one job per seed run in parallel (2..16 distinct integers, e.g. 1,2,3); prints each genotype and how far they agree',
      seedsOption,
    )
    .action(async (o: Record<string, unknown>) => {
      const startedAt = Date.now();
      const request = {
        ...loopRequest(o),
        ...(o['warmupSteps'] !== undefined ? { warmupSteps: o['warmupSteps'] as number } : {}),
        ...(o['patience'] !== undefined ? { patience: o['patience'] as number } : {}),
        ...(o['alphaLr'] !== undefined ? { alphaLr: o['alphaLr'] as number } : {}),
        ...(o['allOps'] === true ? { excludedOps: [] } : {}),
        ...(o['excludeOps'] !== undefined ? { excludedOps: o['excludeOps'] as string[] } : {}),
        ...(o['memoryLimit'] !== undefined ? { memoryLimitMb: o['memoryLimit'] as number } : {}),
      };
      const seeds = o['seeds'] as number[] | undefined;
      if (seeds) return searchSeeds(o, request, seeds);
      const rep = reporter(o);
      try {
        const r = await withRunner('search', makeRunner, o, (runner) =>
          runner.search(request, { onEvent: rep.onEvent, signal: io.signal, startedAt }),
        );
        print(
          o,
          `search finished (${r.reason}) after ${r.epochs} epoch(s), ${r.steps} steps: val loss ${fmt4(r.valLoss)}` +
            (r.initialValLoss !== null ? ` (from ${r.initialValLoss.toFixed(4)})` : '') +
            `, val Dice ${fmt4(r.valDice)}\n` +
            (r.decisions ? `decisions: ${decisionsLine(r.decisions)}\n` : '') +
            `genotype: ${r.genotypeFile}` +
            (r.genotypeRef ? ` (registered as ${r.genotypeRef.name} version ${r.genotypeRef.version})` : '') +
            `\n${JSON.stringify(r.genotype)}\nfiles: ${r.files.join(', ')}\n`,
          { command: 'search', ...r },
        );
      } finally {
        rep.stop();
      }
    });

  const train = program
    .command('train')
    .description(
      'train a derived NAS-Unet (from a genotype) or the U-Net baseline; writes a model bundle into --out/model',
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  addServerOptions(
    addCommonOptions(addClassNamesOption(addDataOptions(addPlanOptions(addLoopOptions(train, {}))))),
  )
    .option(
      '--upload',
      'with a server: upload the --data folder instead of registering its file:// URI',
      false,
    )
    .option(
      '--model-name <name>',
      'with a server: registry name of the trained model',
      nameOption,
      'cli-model',
    )
    .option(
      '--genotype-name <name>',
      'with a server: registry name under which the --genotype is registered',
      nameOption,
      'cli-genotype',
    )
    .addOption(
      new Option('--arch <key>', 'architecture to train').choices(['nasunet', 'unet']).default('nasunet'),
    )
    .option(
      '--genotype <file|name>',
      'genotype JSON file or a reference genotype (v2, v3); default: genotype.json in --out when present',
    )
    .option(
      '--lr <rate>',
      'initial learning rate of AdamW (cosine schedule to 0; weight decay 5e-4)',
      numberOption(1e-7, 1),
      1e-3,
    )
    .option(
      '--context-slices <k>',
      `neighbouring slices on each side given to the network as extra input channels (2.5D) (0 to ${MAX_CONTEXT_SLICES}; default: planned, 2 for volumes unless memory is short, 0 for 2D images; with --server 0)`,
      intOption(0, MAX_CONTEXT_SLICES),
    )
    .addOption(
      new Option(
        '--mirror <axes>',
        'test-time mirroring recorded in the model: none, width, height or width,height (default: auto, along the axes training flipped when that raises the validation Dice)',
      ).choices(['auto', ...MIRROR_CHOICES]),
    )
    .addOption(
      new Option(
        '--postprocess <mode>',
        'postprocessing recorded in the model (default: auto, the one that raises the validation Dice most, if any)',
      ).choices(['auto', ...POSTPROCESSING]),
    )
    .action(async (o: Record<string, unknown>) => {
      const startedAt = Date.now();
      const rep = reporter(o);
      try {
        const arch = o['arch'] as 'nasunet' | 'unet';
        let genotypeRef = o['genotype'] as string | undefined;
        if (arch === 'nasunet' && genotypeRef === undefined) {
          const f = join(o['out'] as string, 'genotype.json');
          if (!existsSync(f))
            throw new ValidationError(
              `no genotype: give --genotype <file|v2|v3> or run 'nasunet search' into --out first (${f} not found)`,
            );
          genotypeRef = f;
        }
        const genotype =
          arch === 'nasunet' && genotypeRef !== undefined ? loadGenotype(genotypeRef) : undefined;
        const r = await withRunner('train', makeRunner, o, (runner) =>
          runner.train(
            {
              ...loopRequest(o),
              arch,
              lr: o['lr'] as number,
              ...(o['contextSlices'] !== undefined ? { contextSlices: o['contextSlices'] as number } : {}),
              inference: inferenceOverrides(o),
              ...(genotype ? { genotype } : {}),
              ...(genotype && genotypeRef !== undefined && existsSync(genotypeRef)
                ? { genotypeFile: genotypeRef }
                : {}),
            },
            { onEvent: rep.onEvent, signal: io.signal, startedAt },
          ),
        );
        print(
          o,
          `training finished (${r.reason}) after ${r.epochs} epoch(s), ${r.steps} steps` +
            (Number.isFinite(r.parameterCount) ? `; ${r.parameterCount} parameters` : '') +
            `\nbest val Dice ${fmt4(r.bestValDice)} (epoch ${r.bestEpoch + 1})` +
            (r.initialValDice !== null ? `, untrained ${r.initialValDice.toFixed(4)}` : '') +
            `\nmodel: ${r.modelDir}${r.model ? ' (registered)' : ''}\nfiles: ${r.files.join(', ')}\n`,
          { command: 'train', ...r },
        );
      } finally {
        rep.stop();
      }
    });

  const evaluateCmd = program
    .command('evaluate')
    .description(
      'evaluate a trained model bundle: per-case, per-class Dice, IoU and HD95 (3D per case for volumes); writes report.json and report.txt',
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  addServerOptions(addCommonOptions(addDataOptions(evaluateCmd)))
    .option(
      '--upload',
      'with a server: upload the --data folder instead of registering its file:// URI',
      false,
    )
    .option(
      '--model <dir|ref>',
      `model bundle directory (manifest.json + weights.bin) [${join('nasunet-run', 'model')}]; with a server a registered model: name, name@alias or name:version [cli-model]`,
    )
    .addOption(
      new Option(
        '--split <name>',
        'cases to evaluate: the seeded test split (use the training seed), val, or all',
      )
        .choices(['test', 'val', 'all'])
        .default('test'),
    )
    .option('--out <dir>', 'where report.json and report.txt go', 'nasunet-run')
    .option('--no-hd95', 'skip the 95% Hausdorff distance (faster on large volumes)')
    .addOption(runtimeOption())
    .action(async (o: Record<string, unknown>) => {
      const r = await withRunner('evaluate', makeRunner, o, (runner) =>
        runner.evaluate(
          {
            modelDir: modelOf(o),
            data: dataRequest(o),
            split: o['split'] as 'test' | 'val' | 'all',
            seed: o['seed'] as number,
            outDir: o['out'] as string,
            hd95: o['hd95'] !== false,
            runtime: o['runtime'] as RuntimeChoice,
          },
          { signal: io.signal },
        ),
      );
      const { readFileSync } = await import('node:fs');
      print(o, readFileSync(r.textPath, 'utf8') + `\nreport: ${r.jsonPath}, ${r.textPath}\n`, {
        command: 'evaluate',
        meanDice: r.report.meanDice,
        meanIou: r.report.meanIou,
        nCases: r.report.nCases,
        jsonPath: r.jsonPath,
        textPath: r.textPath,
        ...(r.runtime === undefined ? {} : { runtime: r.runtime }),
      });
    });

  const segmentCmd = program
    .command('segment')
    .description(
      'segment one 2D image (PNG/TIFF/GIF), NIfTI volume or DICOM series; writes <stem>-mask.png (palette PNG: coloured, pixel values = label codes) and <stem>-labels.png (grey PNG of the raw label codes), <stem>-mask.nii.gz (label codes) for a volume or <stem>-seg.dcm (DICOM SEG) for a series, and <stem>-overlay.png with a legend of the class names; --study/--series segment a series on a PACS and store the SEG there',
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  addServerOptions(addCommonOptions(segmentCmd))
    .option('--input <file>', 'image (.png, .tif, .tiff, .gif) or volume (.nii, .nii.gz)')
    .option(
      '--dicom <dir>',
      'instead of --input: a folder holding one DICOM image series; writes <folder>-seg.dcm, a DICOM SEG on it',
    )
    .option(
      '--study <uid>',
      'instead of --input: segment series --series of this study on a PACS and store the DICOM SEG there',
    )
    .option('--series <uid>', 'with --study: the image series to segment')
    .option(
      '--pacs <url>',
      'with --study, in-process: DICOMweb base URL of the PACS [NASUNET_DICOMWEB_URL]; credentials from NASUNET_DICOMWEB_USER and NASUNET_DICOMWEB_PASSWORD_FILE (with a server: the PACS the service is configured with)',
    )
    .option(
      '--model <dir|ref>',
      `model bundle directory [${join('nasunet-run', 'model')}]; with a server a registered model: name, name@alias or name:version [cli-model]`,
    )
    .option('--out <dir>', 'output directory', 'nasunet-run')
    .addOption(runtimeOption())
    .action(async (o: Record<string, unknown>) => {
      if ([o['input'], o['dicom'], o['study']].filter((v) => v !== undefined).length !== 1)
        throw new ValidationError(
          'segment: give exactly one of --input <file> and --dicom <dir> (or --study <uid>)',
        );
      if ((o['study'] === undefined) !== (o['series'] === undefined))
        throw new ValidationError('segment: --study and --series go together');
      if (o['pacs'] !== undefined && o['study'] === undefined)
        throw new ValidationError('segment: --pacs needs --study and --series');
      const pacs =
        o['study'] === undefined
          ? undefined
          : {
              url: o['pacs'] as string | undefined,
              study: o['study'] as string,
              series: o['series'] as string,
            };
      if (pacs && (!isUid(pacs.study) || !isUid(pacs.series)))
        throw new ValidationError('segment: --study and --series must be DICOM UIDs (digits and dots)');
      const dicom = o['dicom'] !== undefined;
      // A PACS series names its outputs by a digest of its UID, never by the UID itself.
      const input = pacs ? `series-${uidTag(pacs.series)}` : ((dicom ? o['dicom'] : o['input']) as string);
      const r = await withRunner('segment', makeRunner, o, (runner) =>
        runner.segment(
          {
            modelDir: modelOf(o),
            input,
            dicom,
            ...(pacs ? { pacs } : {}),
            outDir: o['out'] as string,
            runtime: o['runtime'] as RuntimeChoice,
          },
          { signal: io.signal },
        ),
      );
      const files = r.maskPath
        ? `mask: ${r.maskPath}\nlabels: ${r.labelsPath}\noverlay: ${r.overlayPath}\n`
        : '';
      const stored = r.stored
        ? `stored on the PACS: SEG series ${r.stored.seriesInstanceUid}, instance ${r.stored.sopInstanceUid}\n`
        : '';
      print(o, `${files}${stored}voxels per class: ${JSON.stringify(r.classVoxels)}\n`, {
        command: 'segment',
        ...r,
      });
    });

  addServerOptions(
    program
      .command('export')
      .description(
        'write a model as an ONNX file (opset 17; input "image" NHWC [N, H, W, C] preprocessed slices, output "probabilities" NHWC [N, H, W, classes]) for ONNX Runtime or Triton',
      )
      .option(
        '--model <dir|ref>',
        `model bundle directory [${join('nasunet-run', 'model')}]; with a server a registered model: name, name@alias or name:version [cli-model]`,
      )
      .addOption(new Option('--format <name>', 'output format').choices(['onnx']).default('onnx'))
      .requiredOption('--out <file>', 'the file to write, e.g. model.onnx')
      .option('--json', 'print JSON', false)
      .addHelpText('after', `\n${EXIT_CODES_HELP}`),
  ).action(async (o: Record<string, unknown>) => {
    const outPath = o['out'] as string;
    const r = addressesOf(o)
      ? await withServices('export', makeRunner, o, (runner) =>
          exportRegisteredModel(runner, parseModelRef(modelOf(o), '--model'), outPath),
        )
      : await exportBundleDir(modelOf(o), outPath);
    print(o, `onnx: ${r.path} (${r.bytes} bytes, ${r.source})\n`, { command: 'export', ...r });
  });

  const demo = program
    .command('demo')
    .description(
      'search -> train -> register -> alias production -> evaluate -> segment on the built-in synthetic set, through the gRPC services (started locally on free ports unless a server option names running ones); --local runs it all in this process. A few minutes on 2 CPU cores; prints the genotype, the model version and the test Dice',
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
  addServerOptions(addCommonOptions(demo))
    .option('--local', 'run in this process instead of through the services', false)
    .option('--out <dir>', 'output directory [runs/demo; nasunet-demo with --local]')
    .option('--search-epochs <n>', 'search epochs (through the services)', intOption(1))
    .option('--train-epochs <n>', 'training epochs (through the services)', intOption(1))
    .option('--cases <n>', 'synthetic phantoms to search and train on (through the services)', intOption(3))
    .action(async (o: Record<string, unknown>) => {
      const rep = reporter(o);
      const log = (s: string): void => (o['json'] ? undefined : io.out(s));
      try {
        const addresses = addressesOf(o);
        if (o['local']) {
          if (addresses) throw new ValidationError('give either --local or a server option, not both');
          await runDemo(makeRunner({ backend: o['backend'] as BackendName }), {
            outDir: (o['out'] as string | undefined) ?? 'nasunet-demo',
            seed: o['seed'] as number,
            onEvent: rep.onEvent,
            signal: io.signal,
            log,
          });
          return;
        }
        const r = await inCommandSpan('cli.demo', () =>
          runGrpcDemo({
            outDir: (o['out'] as string | undefined) ?? join('runs', 'demo'),
            seed: o['seed'] as number,
            ...(addresses ? { addresses, connection: connectionOf(o) } : {}),
            backend: o['backend'] as string,
            ...(o['searchEpochs'] !== undefined ? { searchEpochs: o['searchEpochs'] as number } : {}),
            ...(o['trainEpochs'] !== undefined ? { trainEpochs: o['trainEpochs'] as number } : {}),
            ...(o['cases'] !== undefined ? { cases: o['cases'] as number } : {}),
            onEvent: rep.onEvent,
            signal: io.signal,
            log,
          }),
        );
        if (o['json']) io.out(JSON.stringify({ type: 'result', command: 'demo', ...r }) + '\n');
      } finally {
        rep.stop();
      }
    });
  registerManageCommands(program, io, makeRunner);
  return program;
}

/** Runs `fn` with the services of the options; management needs them (the registry lives there). */
async function withServices<T>(
  command: string,
  make: RunnerFactory,
  o: Record<string, unknown>,
  fn: (r: GrpcRunner) => Promise<T>,
): Promise<T> {
  if (!addressesOf(o)) {
    throw new ValidationError(
      `${command} talks to the services: give --server or --registry-server (and the others)`,
    );
  }
  return withRunner(command, make, o, (runner) => {
    if (!(runner instanceof GrpcRunner)) throw new ValidationError(`${command} needs the services`);
    return fn(runner);
  });
}

/**
 * `models`, `model`, `genotypes`, `datasets`, `alias`, `retire`, `audit`, `jobs`, `watch`
 * and `cancel`: what the services hold.
 */
function registerManageCommands(program: Command, io: CliIo, make: RunnerFactory): void {
  const out = (o: Record<string, unknown>, rows: unknown, table: string): void =>
    io.out(o['json'] ? JSON.stringify(rows) + '\n' : table);
  addServerOptions(
    program
      .command('models')
      .description('list registered model versions: aliases, architecture, genotype, validation Dice')
      .option('--name <name>', 'only the versions of this model', nameOption)
      .option('--json', 'print JSON', false),
  ).action(async (o: Record<string, unknown>) => {
    const rows = await withServices('models', make, o, (r) => listModels(r, (o['name'] as string) ?? ''));
    out(
      o,
      rows,
      formatTable(
        ['model', 'state', 'aliases', 'architecture', 'genotype', 'val Dice', 'created'],
        rows.map((m) => [
          `${m.name}:${m.version}`,
          m.retired ? 'retired' : 'active',
          m.aliases.join(',') || '-',
          m.architecture,
          m.genotype,
          m.validationDice === null ? '-' : m.validationDice.toFixed(4),
          m.createdAt,
        ]),
      ),
    );
  });
  addServerOptions(
    program
      .command('genotypes')
      .description('list registered genotype versions')
      .option('--json', 'print JSON', false),
  ).action(async (o: Record<string, unknown>) => {
    const rows = await withServices('genotypes', make, o, (r) => listGenotypes(r));
    out(
      o,
      rows,
      formatTable(
        ['genotype', 'created'],
        rows.map((g) => [`${g.name}:${g.version}`, g.createdAt]),
      ),
    );
  });
  addServerOptions(
    program
      .command('model')
      .description(
        'show one model version: state (active or retired), aliases, metrics, config, lineage (dataset, training job, genotype, search job), genotype cells, artifacts',
      )
      .argument('<ref>', 'name (its latest version that is not retired), name:version or name@alias')
      .option('--json', 'print JSON', false),
  ).action(async (ref: string, o: Record<string, unknown>) => {
    const model = parseModelRef(ref, 'model');
    const details = await withServices('model', make, o, (r) => showModel(r, model));
    out(o, details, formatModelDetails(details));
  });
  addServerOptions(
    program
      .command('datasets')
      .description('list registered datasets: layout, cases, classes, files, size, digest')
      .option('--json', 'print JSON', false),
  ).action(async (o: Record<string, unknown>) => {
    const rows = await withServices('datasets', make, o, (r) => listDatasets(r));
    out(
      o,
      rows,
      formatTable(
        ['dataset', 'layout', 'cases', 'classes', 'files', 'size', 'digest', 'created'],
        rows.map((d) => [
          d.name,
          d.layout,
          String(d.caseCount),
          d.classNames.join(','),
          String(d.fileCount),
          `${(d.sizeBytes / 2 ** 20).toFixed(1)} MiB`,
          `${d.digest.slice(0, 19)}...`,
          d.createdAt,
        ]),
      ),
    );
  });
  addServerOptions(
    program
      .command('alias')
      .description(
        'point an alias of a model at a version (name alias version), or remove it (--remove name alias)',
      )
      .argument('<name>', 'model name', nameOption)
      .argument('<alias>', 'alias, e.g. production', nameOption)
      .argument('[version]', 'version to point at', intOption(1))
      .option('--remove', 'remove the alias instead', false),
  ).action(async (name: string, alias: string, version: number | undefined, o: Record<string, unknown>) => {
    if (o['remove'] ? version !== undefined : version === undefined) {
      throw new ValidationError(
        o['remove'] ? '--remove takes no version' : 'give the version the alias points at',
      );
    }
    const before = await withServices('alias', make, o, (r) =>
      o['remove'] ? removeAlias(r, name, alias) : setAlias(r, name, alias, version as number),
    );
    io.out(
      o['remove']
        ? `${name}@${alias} removed (it pointed at version ${before})\n`
        : `${name}@${alias} -> version ${version}${before > 0 ? ` (was ${before})` : ''}\n`,
    );
  });
  addServerOptions(
    program
      .command('retire')
      .description(
        'retire a model version for good: it is no longer the latest, no alias may point at it (move the alias first), and segmentation serves it only when named as name:version',
      )
      .argument('<name>', 'model name', nameOption)
      .argument('<version>', 'the version to retire', intOption(1))
      .option('--reason <text>', 'why, kept in the registry (at most 1000 characters)', '')
      .option('--json', 'print JSON', false),
  ).action(async (name: string, version: number, o: Record<string, unknown>) => {
    const r = await withServices('retire', make, o, (g) =>
      retireModel(g, name, version, o['reason'] as string),
    );
    const reason = r.reason ? ` (${r.reason})` : '';
    out(
      o,
      { name, version, ...r },
      r.alreadyRetired
        ? `${name}:${version} was already retired at ${r.retiredAt}${reason}\n`
        : `${name}:${version} retired${reason}; it is served only when named as ${name}:${version}\n`,
    );
  });
  addServerOptions(
    program
      .command('audit')
      .description(
        'list the audit trail, newest first: every alias move and retirement with who made it (the name of their token) and when',
      )
      .option('--name <name>', 'only the events of this model', nameOption)
      .option('--json', 'print JSON', false),
  ).action(async (o: Record<string, unknown>) => {
    const rows = await withServices('audit', make, o, (r) => listAuditEvents(r, (o['name'] as string) ?? ''));
    out(
      o,
      rows,
      formatTable(
        ['time', 'actor', 'action', 'model', 'change', 'reason'],
        rows.map((e) => [e.time, e.actor || '-', e.action, e.model, e.change, e.reason || '-']),
      ),
    );
  });
  addServerOptions(
    program
      .command('jobs')
      .description('list search and training jobs with their state and result')
      .addOption(new Option('--kind <kind>', 'which jobs').choices(['search', 'train', 'all']).default('all'))
      .option('--json', 'print JSON', false),
  ).action(async (o: Record<string, unknown>) => {
    const kinds = o['kind'] === 'all' ? (['search', 'train'] as const) : [o['kind'] as 'search' | 'train'];
    const rows = await withServices('jobs', make, o, (r) => listJobs(r, [...kinds]));
    out(
      o,
      rows,
      formatTable(
        ['kind', 'job', 'state', 'output', 'created', 'error'],
        rows.map((j) => [
          j.kind,
          j.jobId,
          j.state.replace(/^JOB_STATE_/, '').toLowerCase(),
          j.output,
          j.createdAt,
          j.error || '-',
        ]),
      ),
    );
  });
  addServerOptions(
    program
      .command('cancel')
      .description('cancel a search or training job (it checkpoints and stops)')
      .argument('<job-id>', 'the job')
      .addOption(
        new Option('--kind <kind>', 'search or training job')
          .choices(['search', 'train'])
          .makeOptionMandatory(),
      ),
  ).action(async (jobId: string, o: Record<string, unknown>) => {
    const state = await withServices('cancel', make, o, (r) =>
      cancelJob(r, o['kind'] as 'search' | 'train', jobId),
    );
    io.out(`${jobId}: ${state.replace(/^JOB_STATE_/, '').toLowerCase()}\n`);
  });
  addServerOptions(
    program
      .command('watch')
      .description(
        'follow a search or training job until it ends (a finished job replays its history): progress on stderr, then its result; exit 0 when done, 1 when it failed, 130 when cancelled (Ctrl-C stops watching, the job goes on)',
      )
      .argument('<job-id>', 'the job (see nasunet jobs)')
      .addOption(
        new Option('--kind <kind>', 'search or training job')
          .choices(['search', 'train'])
          .makeOptionMandatory(),
      )
      .option('--quiet', 'no progress output on stderr', false)
      .option('--json', 'print every progress event and the result as JSON lines on stdout', false),
  ).action(async (jobId: string, o: Record<string, unknown>) => {
    const rep = new ProgressReporter({ quiet: Boolean(o['quiet']), json: Boolean(o['json']) });
    try {
      const w = await withServices('watch', make, o, (r) =>
        watchJob(r, o['kind'] as 'search' | 'train', jobId, { onEvent: rep.onEvent, signal: io.signal }),
      );
      io.out(
        o['json']
          ? JSON.stringify({ type: 'result', command: 'watch', ...w }) + '\n'
          : `${w.kind} job ${w.jobId} ${w.state.replace(/^JOB_STATE_/, '').toLowerCase()} after ${w.epochs} epoch(s), ${w.steps} steps` +
              (w.valDice !== null ? `, val Dice ${w.valDice.toFixed(4)}` : '') +
              `: ${w.result}\n`,
      );
    } finally {
      rep.stop();
    }
  });
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT.CANCELLED);
    process.stderr.write(
      '\ninterrupted: stopping after the current step and writing a checkpoint (on a server: cancelling the job there; nasunet watch only stops watching); Ctrl-C again to quit at once\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const program = buildProgram({ out: (s) => void process.stdout.write(s), signal: controller.signal });
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return EXIT.OK;
      return EXIT.USAGE;
    }
    const code = exitCodeFor(err);
    const e = err as Error;
    process.stderr.write(
      `nasunet: ${code === EXIT.UNEXPECTED && !(err instanceof BackendError) ? (e?.stack ?? String(err)) : (e?.message ?? String(err))}\n`,
    );
    return code;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
