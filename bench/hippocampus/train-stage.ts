/**
 * Stage `train`: trains each of the five networks with the same epoch budget, batch size,
 * seed and training slices. Each net writes, in `<outDir>/train-<name>/`: `spec.json`,
 * `train.ckpt` (resumable), `best-weights.ckpt` (best validation Dice), `result.json`
 * and `curves.png`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runTraining, type EngineEvent, type TrainResult } from '../../libs/engine/src/index.js';
import { savePlot } from '../../libs/cli/src/index.js';
import type { BenchConfig } from './config.js';
import type { BenchData } from './data.js';
import { buildNet, type NetName, type NetSpec } from './networks.js';
import { RunClock, readJsonIfExists, writeJson } from './run-files.js';

/** What a finished training leaves in `result.json`. */
export interface TrainRecord {
  spec: NetSpec;
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

/** Directory of a network's training. */
export function trainDir(outDir: string, name: NetName): string {
  return join(outDir, `train-${name}`);
}

/** Reads the record of a finished training, or null. */
export function readTrainRecord(outDir: string, name: NetName): TrainRecord | null {
  return readJsonIfExists<TrainRecord>(join(trainDir(outDir, name), 'result.json'));
}

/** Trains (or resumes, or just reads) one network. */
export async function runTrainStage(
  cfg: BenchConfig,
  data: BenchData,
  outDir: string,
  spec: NetSpec,
  log: (msg: string) => void,
): Promise<TrainRecord> {
  const done = readTrainRecord(outDir, spec.name);
  if (done) {
    log(`train ${spec.name}: already finished`);
    return done;
  }
  const dir = trainDir(outDir, spec.name);
  mkdirSync(dir, { recursive: true });
  writeJson(join(dir, 'spec.json'), spec);
  const t = cfg.train;
  const net = buildNet(spec, t.seed);
  const ckpt = join(dir, 'train.ckpt');
  const best = join(dir, 'best-weights.ckpt');
  const clock = new RunClock(join(dir, 'clock.json'));
  try {
    const resume = existsSync(ckpt);
    log(
      `train ${spec.name}: ${net.parameterCount()} parameters, ${data.train.slices.length} slices, batch ${t.batchSize}, ` +
        `${t.epochs} epochs${resume ? ', resuming' : ''}`,
    );
    const onEvent = (e: EngineEvent): void => {
      if (e.type === 'checkpoint' && e.reason !== 'best') clock.save();
      else if (e.type === 'step' && e.step % 25 === 0) {
        log(
          `train ${spec.name}: step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(4)} ${clock.elapsed().toFixed(0)} s`,
        );
      } else if (e.type === 'epoch') {
        log(
          `train ${spec.name}: epoch ${e.epoch + 1} train ${e.trainLoss.toFixed(4)} val Dice ${e.valDice.toFixed(3)}`,
        );
      }
    };
    const r = await runTraining(net, {
      train: data.train,
      val: data.val,
      seed: t.seed,
      batchSize: t.batchSize,
      maxEpochs: t.epochs,
      checkpointPath: ckpt,
      bestPath: best,
      checkpointIntervalSeconds: 120,
      ...(resume ? { resumeFrom: ckpt } : {}),
      onEvent,
    });
    clock.save();
    const record: TrainRecord = {
      spec,
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
          title: `${spec.name}: loss (CE + soft Dice)`,
          xLabel: 'epoch',
          xs,
          series: [
            { name: 'train', ys: r.curve.map((c) => c.trainLoss) },
            { name: 'validation', ys: r.curve.map((c) => c.valLoss) },
          ],
        },
        {
          title: `${spec.name}: validation Dice`,
          xLabel: 'epoch',
          xs,
          series: [{ name: 'val Dice', ys: r.curve.map((c) => c.valDice) }],
        },
      ]);
    }
    writeJson(join(dir, 'result.json'), record);
    log(
      `train ${spec.name}: done in ${record.trainWallSeconds.toFixed(0)} s, best val Dice ${r.bestValDice.toFixed(3)} (epoch ${r.bestEpoch + 1})`,
    );
    return record;
  } finally {
    net.dispose();
  }
}
