/**
 * Recipe benchmark: does our engine train a U-Net as well as PyTorch does under one
 * identical protocol (protocol.ts)? Both implementations start from the same initial
 * weights and train on the same slices; each seed is run by both, and the mean test Dice
 * of the seeds is compared at every protocol step (target: within 0.02).
 *
 * `node dist/bench/recipe/main.js [--stage prepare|run|trace|report|all] [--out DIR] [--data DIR]
 *  [--seeds 0,1,2] [--workers 2] [--steps 500,1000,2000] [--width 16] [--context-slices 0]
 *  [--batches shared|own] [--trace-steps 300] [--python PATH]
 *  [--benchmarks FILE]`
 *
 * Stages resume from the files in `--out` (default `runs/bench-recipe/`): finished runs are
 * read back, and our engine's runs continue from their checkpoints. `--workers 2` runs two
 * trainings at a time, one per core. Lines of `<out>/notes.txt` are added to the report.
 *
 * Stage `trace` is the lockstep check: from the first seed's initial weights and batches, the
 * loss of each of the first `--trace-steps` steps in our engine, in PyTorch on one thread
 * and in PyTorch on two. Two runs of the same recipe drift apart only by float rounding
 * (summation order), amplified by training; PyTorch against itself on another thread count
 * shows how fast that drift is, and ours against PyTorch must drift no faster.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ValidationError } from '../../libs/core/src/index.js';
import { contextChannels, validateContextSlices } from '../../libs/data/src/index.js';
import { makeBatch, saveWeights } from '../../libs/engine/src/index.js';
import { UNet } from '../../libs/nas/src/index.js';
import { initBackend, tf, type Tensor4D } from '../../libs/tensor/src/index.js';
import { findTorchPython, machine, readNotes, writeSection } from '../common/files.js';
import { loadSplitSlices, type SplitSlices } from '../hippocampus/data.js';
import { readCurve, readTrace, runOurs, traceOurs } from './engine-run.js';
import {
  BATCH_DRAWS,
  DEFAULT_OUT,
  DEFAULT_PROTOCOL,
  FILES,
  type BatchDraws,
  type RecipeProtocol,
} from './protocol.js';
import { recipeSection, sectionHeading } from './report.js';
import { writeBatchSchedule } from './schedule.js';
import { orderedTestCases, writeTwinData } from './twin-data.js';

type Stage = 'prepare' | 'run' | 'trace' | 'report' | 'all';

interface Options {
  stage: Stage;
  out: string;
  data: string;
  seeds: number[];
  workers: number;
  only: string | null;
  traceSteps: number;
  protocol: RecipeProtocol;
  python: string | undefined;
  benchmarks: string;
}

const log = (msg: string): void => {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

function intList(v: string, what: string): number[] {
  const out = v.split(',').map((s) => Number(s.trim()));
  if (out.length === 0 || !out.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new ValidationError(`${what}: expected comma-separated non-negative integers, got '${v}'`);
  }
  return out;
}

function parseOptions(argv: string[]): Options {
  const o = new Command()
    .name('bench-recipe')
    .option('--stage <stage>', 'prepare | run | trace | report | all', 'all')
    .option('--out <dir>', 'run folder', DEFAULT_OUT)
    .option('--data <dir>', 'MSD hippocampus folder', '../shared/data/msd-hippocampus')
    .option('--seeds <list>', 'training seeds', '0,1,2')
    .option('--workers <n>', 'trainings at a time', '2')
    .option(
      '--steps <list>',
      'evaluation steps (the schedule ends at the last)',
      DEFAULT_PROTOCOL.steps.join(','),
    )
    .option('--width <n>', 'U-Net base width', String(DEFAULT_PROTOCOL.width))
    .option('--context-slices <k>', 'neighbouring slices on each side as extra input channels (2.5D)', '0')
    .option('--batches <draws>', 'shared (the twin replays our batches and flips) | own', 'shared')
    .option('--trace-steps <n>', 'steps of the lockstep loss traces (stage trace)', '300')
    .option('--only <job>', 'run one job in this process (ours:SEED or trace-ours:SEED)')
    .option('--python <path>', 'Python with torch (default: python3, then /usr/bin/python3)')
    .option('--benchmarks <file>', 'BENCHMARKS.md to update', 'BENCHMARKS.md')
    .exitOverride()
    .parse(argv, { from: 'user' })
    .opts<Record<string, string | undefined>>();
  const stage = o['stage'] as Stage;
  if (!['prepare', 'run', 'trace', 'report', 'all'].includes(stage)) {
    throw new ValidationError(`--stage: expected prepare, run, trace, report or all, got '${stage}'`);
  }
  const workers = Number(o['workers']);
  if (!Number.isInteger(workers) || workers < 1 || workers > 8) {
    throw new ValidationError(`--workers: expected an integer 1..8, got '${o['workers']}'`);
  }
  const steps = intList(o['steps'] as string, '--steps').sort((a, b) => a - b);
  const [width] = intList(o['width'] as string, '--width');
  const [traceSteps] = intList(o['traceSteps'] as string, '--trace-steps');
  if (!traceSteps) throw new ValidationError('--trace-steps must be positive');
  if (steps[0] === 0 || !width) throw new ValidationError('--steps and --width must be positive');
  const contextSlices = Number(o['contextSlices']);
  validateContextSlices(contextSlices);
  const batches = o['batches'] as BatchDraws;
  if (!BATCH_DRAWS.includes(batches)) {
    throw new ValidationError(`--batches: expected ${BATCH_DRAWS.join(' or ')}, got '${batches}'`);
  }
  const data = resolve(o['data'] as string);
  if (!existsSync(data)) throw new ValidationError(`--data: ${data} does not exist`);
  return {
    stage,
    out: resolve(o['out'] as string),
    data,
    seeds: intList(o['seeds'] as string, '--seeds'),
    workers,
    only: o['only'] ?? null,
    traceSteps,
    protocol: { ...DEFAULT_PROTOCOL, steps, width, contextSlices, batches },
    python: o['python'],
    benchmarks: resolve(o['benchmarks'] as string),
  };
}

/** The protocol of an existing run folder, or `fresh` written as its protocol. */
function protocolOf(out: string, fresh: RecipeProtocol): RecipeProtocol {
  const path = join(out, FILES.protocol);
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as RecipeProtocol;
  mkdirSync(out, { recursive: true });
  writeFileSync(path, JSON.stringify(fresh, null, 2) + '\n');
  return fresh;
}

async function loadSets(opts: Options, p: RecipeProtocol): Promise<SplitSlices> {
  return loadSplitSlices({
    dataDir: opts.data,
    testCases: p.testCases,
    valCases: p.valCases,
    splitSeed: p.splitSeed,
    sliceAxis: 2,
    padMultiple: 16,
    contextSlices: p.contextSlices ?? 0,
  });
}

/** Data dump for the twin and the initial weights of every seed. */
async function prepare(opts: Options, p: RecipeProtocol): Promise<void> {
  const sets = await loadSets(opts, p);
  writeTwinData(join(opts.out, FILES.data), sets.train, sets.test);
  for (const seed of opts.seeds) {
    const path = join(opts.out, FILES.init(seed));
    if (existsSync(path)) continue;
    const net = new UNet(
      {
        inChannels: contextChannels(p.contextSlices ?? 0),
        nClasses: sets.train.nClasses,
        baseWidth: p.width,
        depth: p.depth,
      },
      { seed },
    );
    saveWeights(path, net, { names: net.namedWeights().map((w) => w.name) });
    const first = orderedTestCases(sets.test).slices.slice(0, 4);
    const logits = tf.tidy(() => net.apply(makeBatch(sets.test, first).x as Tensor4D, false));
    writeFileSync(
      join(opts.out, FILES.initLogits(seed)),
      Buffer.from((logits.dataSync() as Float32Array).buffer),
    );
    tf.dispose(logits);
    net.dispose();
  }
  if (p.batches === 'shared') {
    for (const seed of opts.seeds) writeBatchSchedule(opts.out, p, sets.train, seed);
  }
  log(
    `prepared ${sets.train.slices.length} training / ${sets.val.slices.length} validation / ` +
      `${sets.test.slices.length} test slices of ${sets.train.height} x ${sets.train.width}`,
  );
}

/**
 * Jobs: one seed of one implementation over the whole protocol (`ours`, `torch`), or the
 * losses of its first steps only (`trace-ours`, and PyTorch on one and on two threads).
 */
const JOB_KINDS = ['ours', 'torch', 'trace-ours', 'trace-torch1', 'trace-torch2'] as const;
type JobKind = (typeof JOB_KINDS)[number];

function parseJob(job: string): { kind: JobKind; seed: number } {
  const m = /^([a-z0-9-]+):(\d+)$/.exec(job);
  const kind = m?.[1] as JobKind | undefined;
  if (!m || kind === undefined || !JOB_KINDS.includes(kind)) {
    throw new ValidationError(
      `job: expected KIND:SEED with KIND one of ${JOB_KINDS.join(', ')}, got '${job}'`,
    );
  }
  return { kind, seed: Number(m[2]) };
}

/** Runs one job as a child process: our engine through this script, the twin through Python. */
function runJob(opts: Options, job: string, python: string): Promise<void> {
  const { kind, seed } = parseJob(job);
  const here = dirname(fileURLToPath(import.meta.url));
  const twin = join(here, '../../../bench/recipe/torch_twin.py');
  const ours = kind === 'ours' || kind === 'trace-ours';
  const threads = kind === 'trace-torch2' ? '2' : '1';
  const [cmd, args] = ours
    ? [
        process.execPath,
        [
          fileURLToPath(import.meta.url),
          ...['--stage', 'run', '--out', opts.out, '--data', opts.data],
          ...['--trace-steps', String(opts.traceSteps), '--only', job],
        ],
      ]
    : [
        python,
        [
          ...[twin, '--dir', opts.out, '--seed', String(seed), '--threads', threads],
          ...(kind === 'torch' ? [] : ['--trace', String(opts.traceSteps)]),
        ],
      ];
  return new Promise((res, rej) => {
    log(`start ${job}`);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    if (ours) child.stdout.pipe(process.stdout);
    else {
      const file = kind === 'torch' ? FILES.curve('torch', seed) : FILES.trace(`torch${threads}`, seed);
      child.stdout.pipe(createWriteStream(join(opts.out, file)));
    }
    const stop = (sig: NodeJS.Signals): void => void child.kill(sig);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.on('error', rej);
    child.on('exit', (code) =>
      code === 0 ? (log(`done ${job}`), res()) : rej(new Error(`${job} exited with ${code}`)),
    );
  });
}

/** Runs `jobs`, `opts.workers` at a time. */
async function runJobs(opts: Options, jobs: string[], python: string): Promise<void> {
  const queue = [...jobs];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) await runJob(opts, job, python);
  };
  await Promise.all(Array.from({ length: Math.min(opts.workers, jobs.length) }, worker));
}

/** The lockstep traces of the first seed: ours, PyTorch on one thread and on two. */
async function runTraces(opts: Options): Promise<void> {
  const python = findTorchPython(opts.python);
  if (python === undefined) return log('traces skipped: no python3 that can import torch');
  const seed = opts.seeds[0]!;
  const jobs = (['ours', 'torch1', 'torch2'] as const)
    .filter((impl) => readTrace(join(opts.out, FILES.trace(impl, seed))).length < opts.traceSteps)
    .map((impl) => `trace-${impl}:${seed}`);
  await runJobs(opts, jobs, python);
}

async function runAll(opts: Options, p: RecipeProtocol): Promise<void> {
  const python = findTorchPython(opts.python);
  const last = p.steps[p.steps.length - 1] as number;
  const finished = (impl: string, seed: number): boolean =>
    readCurve(join(opts.out, FILES.curve(impl, seed))).some((c) => c.step === last);
  const jobs: string[] = [];
  for (const seed of opts.seeds) {
    if (!finished('ours', seed)) jobs.push(`ours:${seed}`);
    if (python === undefined) log('PyTorch twin skipped: no python3 that can import torch');
    else if (!finished('torch', seed)) jobs.push(`torch:${seed}`);
  }
  await runJobs(opts, jobs, python ?? 'python3');
}

function report(opts: Options, p: RecipeProtocol): void {
  const curves = (impl: string) => opts.seeds.map((s) => readCurve(join(opts.out, FILES.curve(impl, s))));
  const seed = opts.seeds[0]!;
  const traces = (['ours', 'torch1', 'torch2'] as const).map((impl) =>
    readTrace(join(opts.out, FILES.trace(impl, seed))),
  );
  const section = recipeSection(
    p,
    relative(process.cwd(), opts.out),
    opts.seeds,
    curves('ours'),
    curves('torch'),
    { ...machine(), load: loadavg()[0] as number },
    readNotes(opts.out),
    traces.every((t) => t.length > 0)
      ? { seed, ours: traces[0]!, torch1: traces[1]!, torch2: traces[2]! }
      : undefined,
  );
  process.stdout.write(section + '\n');
  writeSection(opts.benchmarks, sectionHeading(p), section);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const p = protocolOf(opts.out, opts.protocol);
  await initBackend({ backend: 'wasm' });
  if (opts.only !== null) {
    const { kind, seed } = parseJob(opts.only);
    if (kind !== 'ours' && kind !== 'trace-ours') {
      throw new ValidationError(`--only: expected ours:SEED or trace-ours:SEED, got '${opts.only}'`);
    }
    const sets = await loadSets(opts, p);
    if (kind === 'ours') await runOurs(opts.out, p, sets, seed, log);
    else await traceOurs(opts.out, p, sets, seed, opts.traceSteps, join(opts.out, FILES.trace('ours', seed)));
    return;
  }
  if (opts.stage !== 'report') await prepare(opts, p);
  if (opts.stage === 'run' || opts.stage === 'all') await runAll(opts, p);
  if (opts.stage === 'trace' || opts.stage === 'all') await runTraces(opts);
  if (opts.stage === 'report' || opts.stage === 'all') report(opts, p);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-recipe: ${(e as Error).message}\n`);
  process.exit(1);
});
