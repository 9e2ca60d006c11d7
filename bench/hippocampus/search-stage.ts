/**
 * Stage `search`: the spec's first-order DARTS search, run twice with different seeds on
 * the training cases. Each run writes, in `<outDir>/search-<seed>/`: `search.ckpt`
 * (resumable), `trajectory.json` (softmaxed alphas after every step), `genotype.json`,
 * `result.json` (genotype after each epoch, the initial-alpha genotype, alpha-update
 * count, curves, wall time) and `alphas-down.png` / `alphas-up.png`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PreconditionError } from '../../libs/core/src/index.js';
import { contextChannels } from '../../libs/data/src/index.js';
import {
  recipeAugmentFor,
  RECIPE_FOREGROUND_SHARE,
  runSearch,
  type EngineEvent,
  type SearchResult,
} from '../../libs/engine/src/index.js';
import {
  SearchNetwork,
  decisionMarginsOfWeights,
  formatGenotype,
  genotypesEqual,
  type DecisionMargin,
  type Genotype,
} from '../../libs/nas/src/index.js';
import { saveAlphaPlots, type AlphaTrajectory } from '../../libs/cli/src/index.js';
import type { BenchConfig } from './config.js';
import type { BenchData } from './data.js';
import { RunClock, readJsonIfExists, writeJson } from './run-files.js';

/** What a finished search leaves in `result.json`. */
export interface SearchRecord {
  seed: number;
  config: { inChannels: number; nClasses: number; channels: number; depth: number; nodes: number };
  genotype: Genotype;
  /** Genotype derived from the initial (untrained) alphas. */
  initialGenotype: Genotype;
  /** True when the final genotype is not the initial alphas' genotype (the search moved). */
  differsFromInitial: boolean;
  genotypeHistory: Genotype[];
  /** Epochs at the end of the run over which the genotype did not change. */
  stableEpochs: number;
  /** Alpha updates after warm-up: from the step count (steps - warm-up). */
  alphaUpdates: number;
  /** Alpha updates counted from the loop's step events (a cross-check of `alphaUpdates`). */
  alphaUpdatesCounted: number;
  warmupSteps: number;
  steps: number;
  epochs: number;
  stepsPerEpoch: number;
  reason: SearchResult['reason'];
  curve: SearchResult['curve'];
  initialValLoss: number | null;
  valDice: number;
  wallSeconds: number;
  trainSlices: number;
  plots: string[];
}

/** The softmaxed alphas (down, up, normal) at the last point of a search's `trajectory.json`, or null. */
function lastAlphaPoint(outDir: string, seed: number): number[][][] | null {
  const traj = readJsonIfExists<AlphaTrajectory>(join(searchDir(outDir, seed), 'trajectory.json'));
  return traj?.points.at(-1) ?? null;
}

/**
 * How far the search moved its ops' weights: per alpha matrix (down, up, normal), the
 * largest distance of a softmax weight from uniform over the edge's weighed ops, at the
 * last point of `trajectory.json` (null when the file is missing).
 */
export function finalWeightSpread(outDir: string, seed: number): [number, number, number] | null {
  const last = lastAlphaPoint(outDir, seed);
  if (!last) return null;
  const spread = (m: number[][]): number =>
    Math.max(
      ...m.map((row) => {
        const weighed = row.filter((w) => w > 0);
        return Math.max(...weighed.map((w) => Math.abs(w - 1 / weighed.length)));
      }),
    );
  return [spread(last[0]!), spread(last[1]!), spread(last[2]!)];
}

/**
 * By how much each choice of the final genotype was won, narrowest first, from the last
 * point of `trajectory.json` (null when the file is missing).
 */
export function finalDecisionMargins(
  outDir: string,
  seed: number,
  search: Pick<BenchConfig['search'], 'nodes' | 'excludedOps'>,
): DecisionMargin[] | null {
  const last = lastAlphaPoint(outDir, seed);
  if (!last) return null;
  return decisionMarginsOfWeights(
    { down: last[0] ?? [], up: last[1] ?? [], normal: last[2] ?? [] },
    search.nodes,
    search.excludedOps,
  );
}

/** Directory of the search with this seed. */
export function searchDir(outDir: string, seed: number): string {
  return join(outDir, `search-${seed}`);
}

/** Reads the record of a finished search, or null. */
export function readSearchRecord(outDir: string, seed: number): SearchRecord | null {
  return readJsonIfExists<SearchRecord>(join(searchDir(outDir, seed), 'result.json'));
}

/**
 * Steps and epochs of a search: the warm-up plus at least `alphaUpdates` (`minSteps`) and
 * at most `maxAlphaUpdates` (`steps`) alpha updates.
 */
export function planSearch(cfg: BenchConfig): {
  minSteps: number;
  steps: number;
  epochs: number;
  stepsPerEpoch: number;
} {
  const s = cfg.search;
  const minSteps = s.warmupSteps + s.alphaUpdates;
  const steps = s.warmupSteps + Math.max(s.alphaUpdates, s.maxAlphaUpdates);
  return { minSteps, steps, epochs: Math.ceil(steps / s.stepsPerEpoch), stepsPerEpoch: s.stepsPerEpoch };
}

/** Epochs at the end of a genotype history over which the genotype did not change. */
export function stableTail(history: readonly Genotype[]): number {
  let n = 0;
  for (
    let i = history.length - 1;
    i > 0 && genotypesEqual(history[i] as Genotype, history[i - 1] as Genotype);
    i--
  )
    n++;
  return n;
}

/** Runs (or resumes, or just reads) the search with `seed`. */
export async function runSearchStage(
  cfg: BenchConfig,
  data: BenchData,
  outDir: string,
  seed: number,
  log: (msg: string) => void,
): Promise<SearchRecord> {
  const done = readSearchRecord(outDir, seed);
  if (done) {
    log(`search seed ${seed}: already finished (${done.steps} steps)`);
    return done;
  }
  const dir = searchDir(outDir, seed);
  mkdirSync(dir, { recursive: true });
  const s = cfg.search;
  const config = {
    inChannels: contextChannels(cfg.contextSlices),
    nClasses: data.train.nClasses,
    channels: s.channels,
    depth: s.depth,
    nodes: s.nodes,
    excludedOps: s.excludedOps,
  };
  const net = new SearchNetwork(config, { seed });
  const ckpt = join(dir, 'search.ckpt');
  const trajPath = join(dir, 'trajectory.json');
  const clock = new RunClock(join(dir, 'clock.json'));
  try {
    // The alphas are initialised from the seed, so this is the initial genotype on resume too.
    const initialGenotype = net.deriveGenotype();
    const { minSteps, steps, epochs, stepsPerEpoch } = planSearch(cfg);
    const resume = existsSync(ckpt);
    const traj: AlphaTrajectory = (resume ? readJsonIfExists<AlphaTrajectory>(trajPath) : null) ?? {
      steps: [0],
      points: [net.softmaxAlphas()],
    };
    clock.counters['alphaUpdates'] ??= 0;
    log(
      `search seed ${seed}: ${data.searchTrain.slices.length} slices, ${stepsPerEpoch} steps/epoch, ${epochs} epochs, ` +
        `warm-up ${s.warmupSteps} steps${resume ? ', resuming' : ''}`,
    );
    const onEvent = (e: EngineEvent): void => {
      if (e.type === 'step') {
        if (e.alphaLoss !== null) clock.counters['alphaUpdates'] = (clock.counters['alphaUpdates'] ?? 0) + 1;
        traj.steps.push(e.step);
        traj.points.push(net.softmaxAlphas());
        if (e.step % 20 === 0) {
          log(
            `search seed ${seed}: step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(4)}` +
              (e.alphaLoss !== null ? ` alpha-loss ${e.alphaLoss.toFixed(4)}` : ' (warm-up)') +
              ` ${clock.elapsed().toFixed(0)} s`,
          );
        }
      } else if (e.type === 'checkpoint') {
        // Keep the trajectory consistent with the checkpoint it resumes from.
        const keep = traj.steps.findIndex((st) => st > e.step);
        if (keep >= 0) {
          writeJson(trajPath, { steps: traj.steps.slice(0, keep), points: traj.points.slice(0, keep) });
        } else {
          writeJson(trajPath, traj);
        }
        clock.save();
      } else if (e.type === 'epoch') {
        log(
          `search seed ${seed}: epoch ${e.epoch + 1} train ${e.trainLoss.toFixed(4)} val ${e.valLoss.toFixed(4)} ` +
            `val Dice ${e.valDice.toFixed(3)}`,
        );
      } else if (e.type === 'genotype') {
        const f = formatGenotype(e.genotype);
        log(
          `search seed ${seed}: genotype after epoch ${e.epoch + 1}${e.changed ? ' (changed)' : ''}: down ${f.down} ; up ${f.up}`,
        );
      }
    };
    const r = await runSearch(net, {
      train: data.searchTrain,
      val: data.searchVal,
      seed,
      batchSize: s.batchSize,
      maxEpochs: epochs,
      maxSteps: steps,
      sampling: { kind: 'foreground', foregroundShare: RECIPE_FOREGROUND_SHARE, stepsPerEpoch },
      augment: recipeAugmentFor(cfg.sliceAxis),
      alphaWarmupSteps: s.warmupSteps,
      alphaOptimiser: { lr: s.alphaLr },
      // At least the planned alpha updates, then on until the genotype has settled.
      patience: s.stableEpochs,
      minSteps,
      checkpointPath: ckpt,
      checkpointIntervalSeconds: 120,
      ...(resume ? { resumeFrom: ckpt } : {}),
      onEvent,
    });
    clock.save();
    writeJson(trajPath, traj);
    const alphaUpdates = Math.max(0, r.steps - s.warmupSteps);
    if (alphaUpdates < s.alphaUpdates) {
      throw new PreconditionError(
        `search seed ${seed}: only ${alphaUpdates} alpha updates after warm-up (wanted ${s.alphaUpdates}); stopped by ${r.reason}`,
      );
    }
    const plots = saveAlphaPlots(traj, s.nodes, join(dir, 'alphas'));
    const record: SearchRecord = {
      seed,
      config,
      genotype: r.genotype,
      initialGenotype,
      differsFromInitial: !genotypesEqual(r.genotype, initialGenotype),
      genotypeHistory: r.genotypeHistory,
      stableEpochs: stableTail(r.genotypeHistory),
      alphaUpdates,
      alphaUpdatesCounted: clock.counters['alphaUpdates'] ?? 0,
      warmupSteps: s.warmupSteps,
      steps: r.steps,
      epochs: r.epochs,
      stepsPerEpoch,
      reason: r.reason,
      curve: r.curve,
      initialValLoss: r.initialValLoss,
      valDice: r.valDice,
      wallSeconds: clock.elapsed(),
      trainSlices: data.searchTrain.slices.length,
      plots,
    };
    writeJson(join(dir, 'genotype.json'), r.genotype);
    writeJson(join(dir, 'result.json'), record);
    log(
      `search seed ${seed}: done in ${record.wallSeconds.toFixed(0)} s, ${alphaUpdates} alpha updates after warm-up ` +
        `(counted ${record.alphaUpdatesCounted}), differs from initial-alpha genotype: ${record.differsFromInitial}`,
    );
    return record;
  } finally {
    net.dispose();
  }
}
