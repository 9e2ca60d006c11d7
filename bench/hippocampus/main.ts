/**
 * Hippocampus benchmark (issue 9): does the NAS-Unet search find cells that beat random
 * cells and U-Nets on real MRI, by a margin the per-case confidence interval supports?
 *
 * `node dist/bench/hippocampus/main.js --stage search|train|eval|all [--out DIR] [--data DIR]
 *  [--workers N] [--only NAMES] [--full] [--config JSON] [--benchmarks FILE] [--partial]`
 *
 * Every stage works from files in the output directory (default `runs/bench-hippocampus/`,
 * `runs/bench-hippocampus-full/` with `--full`) and resumes from its checkpoints; a
 * finished piece is read back, not redone. `--workers 2` runs the two searches, or the
 * trainings (network x seed), in separate processes (wasm uses one core per process). The
 * first run writes `config.json` with the sizes (defaults in config.ts, `--full` for the
 * long run, overridden by `--config '{"train":{"steps":1000}}'`); later runs reuse it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { initBackend } from '../../libs/tensor/src/index.js';
import { ValidationError } from '../../libs/core/src/index.js';
import { formatGenotype } from '../../libs/nas/src/index.js';
import { loadOrCreateConfig, type BenchConfig } from './config.js';
import { prepareBenchData, type BenchData } from './data.js';
import { runEvalStage, type EvalRecord } from './eval-stage.js';
import { genotypeAgreement } from './genotypes.js';
import { NET_NAMES, netSpecs, padMultipleOf, type NetName } from './networks.js';
import { readNotes, writeSection } from '../common/files.js';
import { checks, markdownSection, netResults, resultsTable, sectionHeading } from './report.js';
import {
  finalDecisionMargins,
  finalWeightSpread,
  readSearchRecord,
  runSearchStage,
  type SearchRecord,
} from './search-stage.js';
import { readTrainRecord, runTrainStage, type TrainRecord } from './train-stage.js';

type Stage = 'search' | 'train' | 'eval' | 'all';
const STAGES: readonly Stage[] = ['search', 'train', 'eval', 'all'];

interface Options {
  stage: Stage;
  out: string;
  data: string;
  workers: number;
  only: string[] | null;
  config: Partial<BenchConfig>;
  full: boolean;
  /** Evaluate the networks and seeds trained so far instead of refusing while some are missing. */
  partial: boolean;
  benchmarks: string;
}

const log = (msg: string): void => {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

function parseOptions(argv: string[]): Options {
  const p = new Command()
    .name('bench-hippocampus')
    .option('--stage <stage>', 'search | train | eval | all', 'all')
    .option(
      '--out <dir>',
      'output directory [runs/bench-hippocampus, runs/bench-hippocampus-full with --full]',
    )
    .option('--full', 'the long run: batch-8 searches of 3000 alpha updates, 4000 training steps', false)
    .option('--data <dir>', 'MSD hippocampus folder', '../shared/data/msd-hippocampus')
    .option('--workers <n>', 'processes for the searches / trainings', '1')
    .option(
      '--only <names>',
      'comma-separated searches (their seeds, e.g. 1) or trainings (network:seed, e.g. found:0) to run in this process',
    )
    .option('--config <json>', 'partial configuration for a new output directory')
    .option('--benchmarks <file>', 'BENCHMARKS.md to update', 'BENCHMARKS.md')
    .option(
      '--partial',
      'eval: report the networks and seeds trained so far (the section lists what is missing)',
      false,
    )
    .exitOverride()
    .parse(argv, { from: 'user' });
  const o = p.opts<Record<string, string | boolean | undefined>>();
  const stage = o['stage'] as Stage;
  if (!STAGES.includes(stage))
    throw new ValidationError(`--stage: expected one of ${STAGES.join(', ')}, got '${stage}'`);
  const workers = Number(o['workers']);
  if (!Number.isInteger(workers) || workers < 1 || workers > 8)
    throw new ValidationError(`--workers: expected an integer 1..8, got '${o['workers']}'`);
  let config: Partial<BenchConfig> = {};
  if (o['config'] !== undefined) {
    try {
      config = JSON.parse(String(o['config'])) as Partial<BenchConfig>;
    } catch (e) {
      throw new ValidationError(`--config: not valid JSON (${(e as Error).message})`);
    }
  }
  const data = resolve(o['data'] as string);
  if (!existsSync(data)) throw new ValidationError(`--data: ${data} does not exist`);
  return {
    stage,
    out: resolve(
      (o['out'] as string | undefined) ??
        (o['full'] ? 'runs/bench-hippocampus-full' : 'runs/bench-hippocampus'),
    ),
    full: Boolean(o['full']),
    partial: Boolean(o['partial']),
    data,
    workers,
    only: o['only']
      ? String(o['only'])
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : null,
    config,
    benchmarks: resolve(o['benchmarks'] as string),
  };
}

/** Runs this script in `n` child processes, each with its share of `names` as `--only`. */
async function inWorkers(
  opts: Options,
  stage: 'search' | 'train',
  names: string[],
  n: number,
  cost: Record<string, number> = {},
): Promise<void> {
  const script = fileURLToPath(import.meta.url);
  // Longest-first greedy assignment by estimated relative cost.
  const groups: string[][] = Array.from({ length: Math.min(n, names.length) }, () => []);
  const load = groups.map(() => 0);
  const sorted = [...names].sort((a, b) => (cost[b] ?? 1) - (cost[a] ?? 1));
  for (const name of sorted) {
    const k = load.indexOf(Math.min(...load));
    groups[k]?.push(name);
    load[k] = (load[k] ?? 0) + (cost[name] ?? 1);
  }
  const runs = groups.map(
    (g, k) =>
      new Promise<void>((res, rej) => {
        log(`worker ${k + 1}: ${stage} ${g.join(',')}`);
        const child = spawn(
          process.execPath,
          [script, '--stage', stage, '--out', opts.out, '--data', opts.data, '--only', g.join(',')],
          { stdio: 'inherit' },
        );
        // Stopping the parent stops its workers; each resumes from its checkpoint next time.
        const stop = (sig: NodeJS.Signals): void => void child.kill(sig);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        child.on('error', rej);
        child.on('exit', (code) =>
          code === 0
            ? res()
            : rej(new Error(`worker ${k + 1} (${stage} ${g.join(',')}) exited with ${code}`)),
        );
      }),
  );
  await Promise.all(runs);
}

async function searches(opts: Options, cfg: BenchConfig, data: BenchData): Promise<SearchRecord[]> {
  const seeds = cfg.search.seeds.filter((s) => opts.only === null || opts.only.includes(String(s)));
  const pending = seeds.filter((s) => readSearchRecord(opts.out, s) === null);
  if (opts.workers > 1 && opts.only === null && pending.length > 1) {
    await inWorkers(opts, 'search', pending.map(String), opts.workers);
  }
  const out: SearchRecord[] = [];
  for (const seed of seeds) out.push(await runSearchStage(cfg, data, opts.out, seed, log));
  return out;
}

function foundGenotype(opts: Options, cfg: BenchConfig): SearchRecord {
  const r = readSearchRecord(opts.out, cfg.search.seeds[0]);
  if (r === null)
    throw new ValidationError(
      `no finished search with seed ${cfg.search.seeds[0]} in ${opts.out}; run --stage search first`,
    );
  return r;
}

async function trainings(opts: Options, cfg: BenchConfig, data: BenchData): Promise<TrainRecord[]> {
  const specs = netSpecs(
    cfg,
    foundGenotype(opts, cfg).genotype,
    data.train.nClasses,
    data.height,
    data.width,
  );
  for (const s of specs) log(`network ${s.name}: ${s.note}`);
  const jobs = specs.flatMap((spec) =>
    cfg.train.seeds.map((seed) => ({ spec, seed, key: `${spec.name}:${seed}` })),
  );
  const chosen = jobs.filter((j) => opts.only === null || opts.only.includes(j.key));
  const pending = chosen.filter((j) => readTrainRecord(opts.out, j.spec.name, j.seed) === null);
  if (opts.workers > 1 && opts.only === null && pending.length > 1) {
    // Relative step cost measured here: NAS-Unets about 3x the matched U-Net, the wide U-Net 2x.
    const cost: Record<string, number> = {};
    for (const j of pending) {
      cost[j.key] = j.spec.architecture === 'nasunet' ? 3 : j.spec.name === 'unet-wide' ? 2 : 1;
    }
    await inWorkers(
      opts,
      'train',
      pending.map((j) => j.key),
      opts.workers,
      cost,
    );
  }
  const out: TrainRecord[] = [];
  for (const j of chosen) out.push(await runTrainStage(cfg, data, opts.out, j.spec, j.seed, log));
  return out;
}

function evaluation(opts: Options, cfg: BenchConfig, data: BenchData): void {
  const evals: EvalRecord[] = [];
  const missing: string[] = [];
  for (const name of NET_NAMES) {
    for (const seed of cfg.train.seeds) {
      const t = readTrainRecord(opts.out, name as NetName, seed);
      if (t !== null) evals.push(runEvalStage(cfg, data, opts.out, t, log));
      else if (opts.partial) missing.push(`${name} seed ${seed}`);
      else {
        throw new ValidationError(
          `network ${name} seed ${seed} is not trained in ${opts.out}; run --stage train first (or --partial)`,
        );
      }
    }
  }
  if (missing.length > 0) log(`partial report: not trained yet: ${missing.join(', ')}`);
  const [s1, s2] = cfg.search.seeds.map((s) => readSearchRecord(opts.out, s));
  if (!s1 || !s2) throw new ValidationError(`both searches must be finished in ${opts.out}`);
  const agreement = genotypeAgreement(s1.genotype, s2.genotype);
  const summary = {
    cfg,
    outDir: relative(process.cwd(), opts.out) || '.',
    data: {
      split: data.split,
      height: data.height,
      width: data.width,
      nCases: data.nCases,
      datasetDigest: data.datasetDigest,
      searchSlices: data.searchTrain.slices.length,
      trainSlices: data.train.slices.length,
      valSlices: data.val.slices.length,
      testSlices: data.test.slices.length,
    },
    searches: [s1, s2] as [SearchRecord, SearchRecord],
    spreads: cfg.search.seeds.map((seed) => finalWeightSpread(opts.out, seed)),
    margins: cfg.search.seeds.map((seed) => finalDecisionMargins(opts.out, seed, cfg.search)),
    agreement,
    evals,
  };
  for (const r of [s1, s2]) {
    const f = formatGenotype(r.genotype);
    log(`genotype of search seed ${r.seed}: down ${f.down} ; up ${f.up}`);
  }
  process.stdout.write(`\n${resultsTable(netResults(evals))}\n\n${checks(summary).join('\n')}\n\n`);
  const partialNote =
    missing.length > 0
      ? [`Partial report: not trained yet, so not in the tables: ${missing.join(', ')}.`]
      : [];
  writeSection(
    opts.benchmarks,
    sectionHeading(cfg),
    markdownSection(summary, [...partialNote, ...readNotes(opts.out)]),
  );
  log(`wrote the hippocampus section of ${opts.benchmarks}`);
}

/**
 * Refuses `--only` names that name no search (its seed) and no training (`network:seed`),
 * so a mistyped name fails instead of running nothing.
 */
function checkOnly(only: string[] | null, cfg: BenchConfig): void {
  if (only === null) return;
  const known = [
    ...cfg.search.seeds.map(String),
    ...NET_NAMES.flatMap((n) => cfg.train.seeds.map((s) => `${n}:${s}`)),
  ];
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new ValidationError(
      `--only: ${unknown.join(', ')} names no search or training; searches are their seeds (${cfg.search.seeds.join(', ')}), trainings network:seed (e.g. ${NET_NAMES[0]}:${cfg.train.seeds[0]})`,
    );
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const cfg = loadOrCreateConfig(opts.out, opts.data, opts.config, opts.full);
  checkOnly(opts.only, cfg);
  await initBackend({ backend: cfg.backend });
  const t0 = performance.now();
  const data = await prepareBenchData(cfg, padMultipleOf(cfg));
  log(
    `data: ${data.nCases} cases (${data.split.train.length} train / ${data.split.val.length} val / ${data.split.test.length} test), ` +
      `slices ${data.height}x${data.width}, search ${data.searchTrain.slices.length}, train ${data.train.slices.length}, ` +
      `val ${data.val.slices.length}, test ${data.test.slices.length} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  if (opts.stage === 'search' || opts.stage === 'all') await searches(opts, cfg, data);
  if (opts.stage === 'train' || opts.stage === 'all') await trainings(opts, cfg, data);
  if (opts.stage === 'eval' || opts.stage === 'all') evaluation(opts, cfg, data);
}

main().catch((e: unknown) => {
  const err = e as Error;
  process.stderr.write(`bench-hippocampus: ${err.name}: ${err.message}\n`);
  process.exitCode = 1;
});
