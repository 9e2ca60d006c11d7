/**
 * Stage `eval`: every trained network (best validation weights) on every slice of the
 * test cases; 3D Dice per class per case (slices stacked back into volumes, padding
 * cropped), parameters, forward FLOPs per slice and inference wall time. Each network is
 * scored twice: its plain forward pass, and as served: with the test-time mirroring and
 * postprocessing `planInference` chooses for it on the validation slices, as `nasunet
 * train` records them in a model bundle. Writes `<outDir>/eval-<name>-s<seed>.json`.
 */
import { join } from 'node:path';
import {
  evaluate,
  loadWeights,
  planInference,
  recipeAugmentFor,
  summarise,
  trainedMirrorAxes,
  type EvaluationReport,
  type Summary,
} from '../../libs/engine/src/index.js';
import { estimateCost, type InferenceSettings } from '../../libs/nas/src/index.js';
import type { BenchConfig } from './config.js';
import type { BenchData } from './data.js';
import { buildNet, type NetName } from './networks.js';
import { readJsonIfExists, writeJson } from './run-files.js';
import { trainDir, type TrainRecord } from './train-stage.js';

/** Test-set Dice of one way of segmenting. */
export interface DiceRecord {
  /** Per class (anterior, posterior): mean and sd over cases of the 3D Dice. */
  dice: Record<string, Summary>;
  /** Mean of the per-class means. */
  meanDice: number;
  /** Per case: 3D Dice of each foreground class, in `classNames` order. */
  perCase: Array<{ caseId: string; dice: number[] }>;
}

/** Test-set figures of one network. */
export interface EvalRecord extends DiceRecord {
  name: NetName;
  seed: number;
  parameters: number;
  /** Forward FLOPs for one `H x W` slice (multiply-adds counted as 2). */
  flopsPerSlice: number;
  nCases: number;
  nSlices: number;
  classNames: string[];
  trainWallSeconds: number;
  /** Wall seconds to predict all test slices (batch 16). */
  inferenceSeconds: number;
  /**
   * As served: the inference settings chosen on the validation slices (with the reason of
   * each choice) and the test-set Dice with them. Absent in evaluations written before it.
   */
  served?: DiceRecord & { settings: InferenceSettings; reasons: string[] };
}

/** The Dice figures of an evaluation report. */
function diceRecord(report: EvaluationReport): DiceRecord {
  const dice: Record<string, Summary> = {};
  report.classNames.slice(1).forEach((name, c) => {
    dice[name] = summarise(report.perCase.map((pc) => pc.classes[c]?.dice ?? null));
  });
  return {
    dice,
    meanDice: report.meanDice,
    perCase: report.perCase.map((pc) => ({ caseId: pc.caseId, dice: pc.classes.map((m) => m.dice) })),
  };
}

/** Path of the evaluation file of a network trained with one seed. */
export function evalPath(outDir: string, name: NetName, seed: number): string {
  return join(outDir, `eval-${name}-s${seed}.json`);
}

/** Evaluates (or reads the earlier evaluation of) one trained network. */
export function runEvalStage(
  cfg: BenchConfig,
  data: BenchData,
  outDir: string,
  train: TrainRecord,
  log: (msg: string) => void,
): EvalRecord {
  const path = evalPath(outDir, train.spec.name, train.seed);
  const label = `${train.spec.name} seed ${train.seed}`;
  const done = readJsonIfExists<EvalRecord>(path);
  if (done) {
    log(`eval ${label}: already done`);
    return done;
  }
  const { spec } = train;
  const net = buildNet(spec, 0);
  try {
    loadWeights(join(trainDir(outDir, spec.name, train.seed), 'best-weights.ckpt'), net);
    const t0 = performance.now();
    const report = evaluate(net, data.test, { batchSize: 16, hd95: false });
    const inferenceSeconds = (performance.now() - t0) / 1000;
    const plan = planInference(net, data.val, {
      trainedMirrorAxes: trainedMirrorAxes(recipeAugmentFor(cfg.sliceAxis)),
      batchSize: 16,
    });
    const served = evaluate(net, data.test, { batchSize: 16, hd95: false, inference: plan.settings });
    const cost = estimateCost(
      {
        architecture: spec.architecture,
        config: spec.config,
        ...(spec.genotype ? { genotype: spec.genotype } : {}),
      },
      { batch: 1, height: data.height, width: data.width },
    );
    const record: EvalRecord = {
      name: spec.name,
      seed: train.seed,
      parameters: net.parameterCount(),
      flopsPerSlice: cost.flopsPerSample,
      nCases: report.nCases,
      nSlices: data.test.slices.length,
      ...diceRecord(report),
      classNames: report.classNames.slice(1),
      trainWallSeconds: train.trainWallSeconds,
      inferenceSeconds,
      served: {
        ...diceRecord(served),
        settings: plan.settings,
        reasons: plan.choices.map((c) => `${c.name} = ${JSON.stringify(c.value)}: ${c.reason}`),
      },
    };
    writeJson(path, record);
    log(
      `eval ${label}: mean Dice ${report.meanDice.toFixed(4)} on ${report.nCases} cases, ${inferenceSeconds.toFixed(1)} s; ` +
        `as served ${served.meanDice.toFixed(4)} (mirror ${JSON.stringify(plan.settings.mirror)}, postprocessing ${plan.settings.postprocessing})`,
    );
    return record;
  } finally {
    net.dispose();
  }
}
