/**
 * Stage `train`: trains each of the five networks once per training seed with the same
 * step budget, batch size and training slices, by the recipe (a third of each batch with
 * foreground, left-right flips, AdamW with a cosine schedule). Each run writes, in
 * `<outDir>/train-<name>-s<seed>/`: `spec.json`, `train.ckpt` (resumable),
 * `best-weights.ckpt` (best validation Dice of four checks), `result.json` and `curves.png`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  recipeAugmentFor,
  RECIPE_FOREGROUND_SHARE,
  runTraining,
  type EngineEvent,
  type TrainResult,
} from '../../libs/engine/src/index.js';
import { savePlot } from '../../libs/cli/src/index.js';
import { PreconditionError } from '../../libs/core/src/index.js';
import type { BenchConfig } from './config.js';
import type { BenchData } from './data.js';
import { buildNet, type NetName, type NetSpec } from './networks.js';
import { RunClock, readJsonIfExists, writeJson } from './run-files.js';

/** What a finished training leaves in `result.json`. */
export interface TrainRecord {
  spec: NetSpec;
  seed: number;
  parameters: number;
  /** Wall seconds of the training, interruptions excluded. */
  trainWallSeconds: number;
  epochs: number;
  steps: number;
  bestEpoch: number;
  bestValDice: number;
  initialValDice: number | null;
  curve: TrainResult['curve'];
  reason: TrainResult['reason'];
}

/** Directory of a network's training with one seed. */
export function trainDir(outDir: string, name: NetName, seed: number): string {
  return join(outDir, `train-${name}-s${seed}`);
}

/** Reads the record of a finished training, or null. */
export function readTrainRecord(outDir: string, name: NetName, seed: number): TrainRecord | null {
  return readJsonIfExists<TrainRecord>(join(trainDir(outDir, name, seed), 'result.json'));
}

/** Trains (or resumes, or just reads) one network. */
export async function runTrainStage(
  cfg: BenchConfig,
  data: BenchData,
  outDir: string,
  spec: NetSpec,
  seed: number,
  log: (msg: string) => void,
): Promise<TrainRecord> {
  const label = `${spec.name} seed ${seed}`;
  const dir = trainDir(outDir, spec.name, seed);
  const stored = readJsonIfExists<NetSpec>(join(dir, 'spec.json'));
  const network = (n: NetSpec): string => JSON.stringify([n.architecture, n.config, n.genotype]);
  if (stored !== null && network(stored) !== network(spec)) {
    throw new PreconditionError(
      `${dir} holds a training of another network (spec.json: ${stored.note}; now: ${spec.note}); move it away or use another --out`,
    );
  }
  const done = readTrainRecord(outDir, spec.name, seed);
  if (done) {
    log(`train ${label}: already finished`);
    return done;
  }
  mkdirSync(dir, { recursive: true });
  writeJson(join(dir, 'spec.json'), spec);
  const t = cfg.train;
  const net = buildNet(spec, seed);
  const ckpt = join(dir, 'train.ckpt');
  const best = join(dir, 'best-weights.ckpt');
  const clock = new RunClock(join(dir, 'clock.json'));
  try {
    const resume = existsSync(ckpt);
    log(
      `train ${label}: ${net.parameterCount()} parameters, ${data.train.slices.length} slices, batch ${t.batchSize}, ` +
        `${t.steps} steps${resume ? ', resuming' : ''}`,
    );
    const onEvent = (e: EngineEvent): void => {
      if (e.type === 'checkpoint' && e.reason !== 'best') clock.save();
      else if (e.type === 'step' && e.step % 25 === 0) {
        log(
          `train ${label}: step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(4)} ${clock.elapsed().toFixed(0)} s`,
        );
      } else if (e.type === 'epoch') {
        log(
          `train ${label}: check ${e.epoch + 1} train ${e.trainLoss.toFixed(4)} val Dice ${e.valDice.toFixed(3)}`,
        );
      }
    };
    const checks = 4;
    const r = await runTraining(net, {
      train: data.train,
      val: data.val,
      seed,
      batchSize: t.batchSize,
      maxSteps: t.steps,
      maxEpochs: checks,
      sampling: {
        kind: 'foreground',
        foregroundShare: RECIPE_FOREGROUND_SHARE,
        stepsPerEpoch: Math.ceil(t.steps / checks),
      },
      augment: recipeAugmentFor(cfg.sliceAxis),
      checkpointPath: ckpt,
      bestPath: best,
      checkpointIntervalSeconds: 120,
      ...(resume ? { resumeFrom: ckpt } : {}),
      onEvent,
    });
    clock.save();
    const record: TrainRecord = {
      spec,
      seed,
      parameters: net.parameterCount(),
      trainWallSeconds: clock.elapsed(),
      epochs: r.epochs,
      steps: r.steps,
      bestEpoch: r.bestEpoch,
      bestValDice: r.bestValDice,
      initialValDice: r.initialValDice,
      curve: r.curve,
      reason: r.reason,
    };
    if (r.curve.length > 0) {
      const xs = r.curve.map((c) => c.epoch + 1);
      savePlot(join(dir, 'curves.png'), [
        {
          title: `${label}: loss (CE + soft Dice)`,
          xLabel: 'epoch',
          xs,
          series: [
            { name: 'train', ys: r.curve.map((c) => c.trainLoss) },
            { name: 'validation', ys: r.curve.map((c) => c.valLoss) },
          ],
        },
        {
          title: `${label}: validation Dice`,
          xLabel: 'epoch',
          xs,
          series: [{ name: 'val Dice', ys: r.curve.map((c) => c.valDice) }],
        },
      ]);
    }
    writeJson(join(dir, 'result.json'), record);
    log(
      `train ${label}: done in ${record.trainWallSeconds.toFixed(0)} s, best val Dice ${r.bestValDice.toFixed(3)} (epoch ${r.bestEpoch + 1})`,
    );
    return record;
  } finally {
    net.dispose();
  }
}
