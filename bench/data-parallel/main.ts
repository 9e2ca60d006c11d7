/**
 * Steps per second of the training step with 1 and N data-parallel workers
 * (libs/engine/src/data-parallel.ts), side by side in one run: U-Net width 8 (depth 3) on
 * 16 x 64 x 48 batches and NAS-Unet V3 at the `small` preset on 16 x 64 x 64 batches (its
 * depth 4 needs multiples of 32), three classes, random slices with the recipe's sampling
 * and augmentation, the batch of the next step prepared while the workers compute. Each
 * configuration runs warm-up steps first; the load average is printed beside every figure.
 *
 * Usage: node dist/bench/data-parallel/main.js [--steps 6] [--warmup 2] [--workers 1,2] [--nets unet-w8,nasunet-v3-small]
 */
import { cpus, loadavg } from 'node:os';
import { execSync } from 'node:child_process';
import { initBackend, tf, uniformArray } from '../../libs/tensor/src/index.js';
import { createModel, presetConfig, referenceGenotype } from '../../libs/nas/src/index.js';
import {
  AdamW,
  RECIPE_AUGMENT,
  WEIGHT_OPTIMISER,
  makeHostBatch,
  makeSampler,
  openStepper,
  type ReplicaSpec,
  type SliceSet,
} from '../../libs/engine/src/index.js';
import { BatchPrefetch, followingPosition } from '../../libs/engine/src/loop-control.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const steps = Number(arg('steps', '6'));
const warmup = Number(arg('warmup', '2'));
const workerCounts = arg('workers', '1,2').split(',').map(Number);
const nets = arg('nets', 'unet-w8,nasunet-v3-small').split(',');

const NETS: Record<string, { replica: ReplicaSpec; height: number; width: number }> = {
  'unet-w8': {
    replica: {
      architecture: 'unet',
      config: presetConfig('unet', 'small', { baseWidth: 8, depth: 3, nClasses: 3 }),
    },
    height: 64,
    width: 48,
  },
  'nasunet-v3-small': {
    replica: {
      architecture: 'nasunet',
      config: presetConfig('nasunet', 'small', { nClasses: 3 }),
      genotype: referenceGenotype('v3'),
    },
    height: 64,
    width: 64,
  },
};

/** 256 random slices with a blob of foreground in a third of them. */
function randomSet(height: number, width: number): SliceSet {
  const hw = height * width;
  const slices = Array.from({ length: 256 }, (_, i) => {
    const label = new Uint8Array(hw);
    if (i % 3 === 0) for (let p = hw / 3; p < hw / 3 + width * 4; p++) label[p] = 1 + (p % 2);
    return { caseId: `c${i >> 4}`, index: i & 15, image: uniformArray(hw, i + 1, -2, 2), label };
  });
  return { height, width, channels: 1, nClasses: 3, classNames: ['bg', 'a', 'b'], slices };
}

const load = (): string => loadavg()[0]!.toFixed(2);

async function measure(
  name: string,
  workers: number,
): Promise<{
  seconds: number;
  cpuSeconds: number;
  startSeconds: number;
  loadBefore: string;
  loadAfter: string;
}> {
  const spec = NETS[name]!;
  const set = randomSet(spec.height, spec.width);
  const net = createModel(spec.replica.architecture, spec.replica.config, {
    ...(spec.replica.genotype ? { genotype: spec.replica.genotype } : {}),
  });
  const opt = new AdamW(net.weightParams(), WEIGHT_OPTIMISER);
  const sampler = makeSampler(
    set,
    16,
    { kind: 'foreground', foregroundShare: 1 / 3, stepsPerEpoch: 1000 },
    0,
  );
  const batches = new BatchPrefetch((p) =>
    makeHostBatch(set, sampler.batch(p.epoch, p.stepInEpoch, p.step), RECIPE_AUGMENT, p.step),
  );
  const s0 = performance.now();
  const stepper = await openStepper(net, [{ role: 'weights', vars: net.weightParams(), opt }], {
    workers,
    replica: spec.replica,
  });
  const startSeconds = (performance.now() - s0) / 1000;
  const pos = { epoch: 0, stepInEpoch: 0, step: 0 };
  const run = async (): Promise<void> => {
    const next = followingPosition(pos, 1000);
    await stepper.step(0, batches.take(pos), { clip: 5, diceWeight: 1 }, () => batches.prepare(next));
    Object.assign(pos, next);
  };
  try {
    for (let i = 0; i < warmup; i++) await run();
    const loadBefore = load();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await run();
    const seconds = (performance.now() - t0) / 1000 / steps;
    const cpu = process.cpuUsage(c0);
    return {
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6 / steps,
      startSeconds,
      loadBefore,
      loadAfter: load(),
    };
  } finally {
    await stepper.close();
    opt.dispose();
    net.dispose();
  }
}

/** Milliseconds to prepare (sample, augment, copy) one batch of 16, the work taken off the critical path. */
function batchPrepMs(name: string): number {
  const spec = NETS[name]!;
  const set = randomSet(spec.height, spec.width);
  const sampler = makeSampler(
    set,
    16,
    { kind: 'foreground', foregroundShare: 1 / 3, stepsPerEpoch: 1000 },
    0,
  );
  const t0 = performance.now();
  for (let s = 0; s < 20; s++) makeHostBatch(set, sampler.batch(0, s, s), RECIPE_AUGMENT, s);
  return (performance.now() - t0) / 20;
}

await initBackend({ backend: 'wasm', logger: () => {} });
let commit = 'unknown';
try {
  commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
} catch {
  // not a git checkout
}
console.log(
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}; backend ${tf.getBackend()}; ${new Date().toISOString()}; commit ${commit}`,
);
console.log(`${steps} timed steps after ${warmup} warm-up steps, batch 16, three classes\n`);
console.log(
  '| network | batch | workers | s / step | steps / s | speed-up vs 1 | CPU s / step (all threads) | workers start s | load avg (1 min) before / after | batch preparation (off the critical path) |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---|---:|');
for (const name of nets) {
  const spec = NETS[name];
  if (!spec) throw new Error(`unknown net ${name}; known: ${Object.keys(NETS).join(', ')}`);
  const prep = batchPrepMs(name);
  let base: number | null = null;
  for (const w of workerCounts) {
    const r = await measure(name, w);
    base ??= r.seconds;
    console.log(
      `| ${name} | 16 x ${spec.height} x ${spec.width} | ${w} | ${r.seconds.toFixed(3)} | ${(1 / r.seconds).toFixed(2)} | ${(base / r.seconds).toFixed(2)}x | ${r.cpuSeconds.toFixed(3)} | ${r.startSeconds.toFixed(2)} | ${r.loadBefore} / ${r.loadAfter} | ${prep.toFixed(1)} ms |`,
    );
  }
}
