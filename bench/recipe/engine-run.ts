/**
 * Our side of the recipe benchmark: one seed of the protocol trained with the product's
 * own training loop (`runTraining`), evaluated on the test cases at each protocol step.
 * Resumable: a checkpoint every 250 steps, and curve points already written are kept.
 * A trace instead records the loss of each of the first steps, for the lockstep comparison.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RECIPE_AUGMENT,
  evaluate,
  loadWeights,
  runTraining,
  type SliceSet,
} from '../../libs/engine/src/index.js';
import { CancelledError } from '../../libs/core/src/index.js';
import { contextChannels } from '../../libs/data/src/index.js';
import { UNet } from '../../libs/nas/src/index.js';
import { FILES, recipeSampling, type CurvePoint, type RecipeProtocol, type TracePoint } from './protocol.js';

/** Mean 3D Dice per foreground class over the cases of `test`. */
export function meanCaseDice(net: UNet, test: SliceSet): number[] {
  const report = evaluate(net, test, { batchSize: 32, hd95: false });
  const out: number[] = [];
  for (let c = 1; c < test.nClasses; c++) {
    const v = report.perCase.map((k) => k.classes[c - 1]?.dice ?? 0);
    out.push(v.reduce((a, b) => a + b, 0) / Math.max(1, v.length));
  }
  return out;
}

/** The JSON lines of a run file (empty when absent). */
function jsonLines(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Curve points of a run file (empty when absent). */
export function readCurve(path: string): CurvePoint[] {
  return jsonLines(path).filter(
    (p): p is CurvePoint & Record<string, unknown> =>
      typeof p['step'] === 'number' && Array.isArray(p['dice']),
  );
}

/** The losses of a trace file, in step order (empty when absent). */
export function readTrace(path: string): TracePoint[] {
  return jsonLines(path)
    .filter(
      (p): p is TracePoint & Record<string, unknown> =>
        typeof p['step'] === 'number' && typeof p['loss'] === 'number',
    )
    .sort((a, b) => a.step - b.step);
}

/** The net of seed `seed` under `p`, with the run's initial weights. */
function initialNet(dir: string, p: RecipeProtocol, nClasses: number, seed: number): UNet {
  const net = new UNet(
    { inChannels: contextChannels(p.contextSlices ?? 0), nClasses, baseWidth: p.width, depth: p.depth },
    { seed },
  );
  loadWeights(join(dir, FILES.init(seed)), net);
  return net;
}

/** Options of `runTraining` that make a run of seed `seed` under protocol `p`. */
function protocolTraining(p: RecipeProtocol, sets: { train: SliceSet; val: SliceSet }, seed: number) {
  return {
    train: sets.train,
    val: sets.val,
    seed,
    batchSize: p.batchSize,
    maxSteps: Math.max(...p.steps),
    maxEpochs: 1_000_000,
    sampling: recipeSampling(p),
    augment: RECIPE_AUGMENT,
    gradClip: p.clip,
    optimiser: { lr: p.lr, weightDecay: p.weightDecay },
    restoreBest: false,
  };
}

/**
 * The loss of each of the first `steps` steps of seed `seed` in our engine (the batch's loss
 * before its update), written to `path` as JSON lines `{step, loss}`.
 */
export async function traceOurs(
  dir: string,
  p: RecipeProtocol,
  sets: { train: SliceSet; val: SliceSet },
  seed: number,
  steps: number,
  path: string,
): Promise<void> {
  const net = initialNet(dir, p, sets.train.nClasses, seed);
  const lines: string[] = [];
  const stop = new AbortController();
  try {
    await runTraining(net, {
      ...protocolTraining(p, sets, seed),
      validateInitial: false,
      signal: stop.signal,
      onEvent: (e) => {
        if (e.type !== 'step') return;
        lines.push(JSON.stringify({ step: e.step, loss: e.loss }));
        if (e.step >= steps) stop.abort();
      },
    });
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
  } finally {
    net.dispose();
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** Trains seed `seed` of the protocol in our engine; appends curve points to its file. */
export async function runOurs(
  dir: string,
  p: RecipeProtocol,
  sets: { train: SliceSet; val: SliceSet; test: SliceSet },
  seed: number,
  log: (m: string) => void,
): Promise<void> {
  const curvePath = join(dir, FILES.curve('ours', seed));
  const done = new Set(readCurve(curvePath).map((c) => c.step));
  const last = Math.max(...p.steps);
  if (done.has(last)) return;
  const net = initialNet(dir, p, sets.train.nClasses, seed);
  const ckpt = join(dir, FILES.checkpoint(seed));
  const start = performance.now();
  let evalMs = 0;
  let lastLoss = NaN;
  await runTraining(net, {
    ...protocolTraining(p, sets, seed),
    checkpointPath: ckpt,
    checkpointEverySteps: 250,
    ...(existsSync(ckpt) ? { resumeFrom: ckpt } : {}),
    onEvent: (e) => {
      if (e.type === 'step') lastLoss = e.loss;
      if (e.type === 'step' && p.steps.includes(e.step) && !done.has(e.step)) {
        const t0 = performance.now();
        const dice = meanCaseDice(net, sets.test);
        evalMs += performance.now() - t0;
        const seconds = (performance.now() - start - evalMs) / 1000;
        const point: CurvePoint = { step: e.step, seconds: Math.round(seconds), loss: lastLoss, dice };
        appendFileSync(curvePath, JSON.stringify(point) + '\n');
        done.add(e.step);
        log(`ours seed ${seed} step ${e.step}: Dice ${dice.map((d) => d.toFixed(3)).join(' / ')}`);
      }
    },
  });
  net.dispose();
}
