/**
 * The demo pipeline: search -> train -> evaluate -> segment on the built-in synthetic set,
 * sized to finish in a few minutes on a 2-core CPU (tiny preset, 32 px phantoms).
 */
import { join } from 'node:path';
import { NotFoundError } from '../../core/src/index.js';
import { encodePngGray, generateSyntheticDataset } from '../../data/src/index.js';
import { writeFileAtomic, type EngineEvent } from '../../engine/src/index.js';
import type { Runner } from './runner.js';

/** Demo settings: the synthetic set and loop sizes. */
export const DEMO = {
  synthetic: { count: 24, size: 32, seed: 7, noise: 0.12 },
  search: { epochs: 4, batchSize: 2, warmupSteps: 2, patience: 3 },
  train: { epochs: 40, batchSize: 4, lr: 1e-2, channels: 8 },
} as const;

/** Options of {@link runDemo}. */
export interface DemoOptions {
  outDir: string;
  seed: number;
  onEvent?: (e: EngineEvent) => void;
  signal?: AbortSignal;
  log: (s: string) => void;
}

/** Result figures of the demo. */
export interface DemoResult {
  testDice: number;
  untrainedValDice: number | null;
  bestValDice: number;
  genotypeFile: string;
  modelDir: string;
  overlayPath: string;
}

/** Runs the demo; every file lands in `outDir`. */
export async function runDemo(runner: Runner, o: DemoOptions): Promise<DemoResult> {
  const s = DEMO.synthetic;
  const ref = `synthetic:count=${s.count},size=${s.size},seed=${s.seed},noise=${s.noise}`;
  const data = { ref, sliceAxis: 2 as const, valFraction: 0.2, testFraction: 0.2, skipBadCases: false };
  const ctx = { ...(o.onEvent ? { onEvent: o.onEvent } : {}), ...(o.signal ? { signal: o.signal } : {}) };
  const common = {
    data,
    preset: 'tiny',
    seed: o.seed,
    outDir: o.outDir,
    resume: false,
    overwrite: true,
    augment: 'flips' as const,
    diceWeight: 1,
    checkpointIntervalSeconds: 60,
  };

  o.log(`[1/4] search on ${s.count} synthetic ${s.size}x${s.size} phantoms (tiny preset)\n`);
  const sr = await runner.search({ ...common, ...DEMO.search }, ctx);
  o.log(`      genotype (${sr.reason}): ${JSON.stringify(sr.genotype)}\n`);

  o.log('[2/4] train the derived network\n');
  const tr = await runner.train({ ...common, ...DEMO.train, arch: 'nasunet', genotype: sr.genotype }, ctx);
  o.log(
    `      best val Dice ${tr.bestValDice.toFixed(4)} (untrained ${tr.initialValDice?.toFixed(4) ?? '?'}), ${tr.parameterCount} parameters\n`,
  );

  o.log('[3/4] evaluate on the held-out test cases\n');
  const ev = await runner.evaluate(
    { modelDir: tr.modelDir, data, split: 'test', seed: o.seed, outDir: o.outDir, hd95: true },
    ctx,
  );

  o.log('[4/4] segment one test image\n');
  const caseId = ev.report.perCase[0]?.caseId;
  const ds = generateSyntheticDataset(s);
  const c = ds.cases.find((x) => x.id === caseId) ?? ds.cases[0];
  if (!c) throw new NotFoundError('synthetic set is empty');
  const [w, h] = c.image.shape;
  const input = join(o.outDir, `${c.id}.png`);
  writeFileAtomic(
    input,
    encodePngGray(
      c.image.data.map((v) => v * 200),
      w,
      h,
    ),
  );
  const seg = await runner.segment({ modelDir: tr.modelDir, input, outDir: o.outDir }, ctx);

  o.log(
    `\n${ev.report.perClass.map((p) => `  ${p.name}: Dice ${p.dice.mean?.toFixed(4) ?? '-'} +- ${p.dice.sd?.toFixed(4) ?? '-'}`).join('\n')}\n`,
  );
  o.log(
    `Test Dice (mean over foreground classes, ${ev.report.nCases} cases): ${ev.report.meanDice.toFixed(4)}\n`,
  );
  o.log(
    `Files in ${o.outDir}: genotype.json, alphas-down.png, alphas-up.png, search-curves.png, train-curves.png, model/, report.txt, ${seg.overlayPath}\n`,
  );
  return {
    testDice: ev.report.meanDice,
    untrainedValDice: tr.initialValDice,
    bestValDice: tr.bestValDice,
    genotypeFile: sr.genotypeFile,
    modelDir: tr.modelDir,
    overlayPath: seg.overlayPath,
  };
}
