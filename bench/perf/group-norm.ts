/**
 * GroupNorm as one wasm kernel each way against the composition of tfjs ops: CPU time of
 * one training step (`optimiseOnBatch`: loss, gradients, clipping, AdamW; median of
 * `--reps` after a warm-up) with the fused kernels registered ("fused") and removed
 * ("composed", what every other backend runs), the two in alternation per net, `--rounds`
 * times; then the kernels one step runs and the share of the step's kernel time the fused
 * kernels take (`tf.profile`). CPU time (`process.cpuUsage`) rather than wall time: it does
 * not grow with the machine's load. A second table times one GroupNorm alone (forward and
 * backward for a given `dy`) at shapes the nets use, the same way.
 *
 * Usage: node dist/bench/perf/group-norm.js [--nets nasunet-v3@small,nasunet-v2@small,unet@small]
 *        [--batch 16] [--side 64] [--reps 3] [--rounds 2]
 */
import { loadavg } from 'node:os';
import { Command } from 'commander';
import { AdamW, WEIGHT_OPTIMISER } from '../../libs/engine/src/index.js';
import { optimiseOnBatch } from '../../libs/engine/src/loop-control.js';
import {
  groupNorm,
  initBackend,
  registerGroupNormKernels,
  tf,
  unregisterGroupNormKernels,
  type Tensor,
  type Tensor4D,
} from '../../libs/tensor/src/index.js';
import { GROUP_NORM, GROUP_NORM_GRAD } from '../../libs/tensor/src/group-norm-kernels.js';
import { commit, machine } from '../common/files.js';
import { buildNet, caseName, parseCase, positive, type PerfCase } from './cases.js';
import { STEP, benchSlices, fixedBatch, median, profileStep } from './ours.js';

const VARIANTS = ['composed', 'fused'] as const;
type Variant = (typeof VARIANTS)[number];

function use(v: Variant): void {
  if (v === 'fused') registerGroupNormKernels();
  else unregisterGroupNormKernels();
}

/** Median CPU ms of `reps` training steps after one warm-up step, on a fresh net (seed 1). */
function cpuMsPerStep(c: PerfCase, reps: number): number {
  const net = buildNet(c);
  const set = benchSlices(c.batch, c.side, 7);
  const weights = net.weightParams();
  const opt = new AdamW(weights, WEIGHT_OPTIMISER);
  const times: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const c0 = process.cpuUsage();
    optimiseOnBatch(net, weights, opt, fixedBatch(set, c.batch), STEP);
    const u = process.cpuUsage(c0);
    if (i > 0) times.push((u.user + u.system) / 1000);
  }
  opt.dispose();
  net.dispose();
  return median(times);
}

/** One norm as the nets run it: `[N, H, W, C]`, its group count and whether it is affine. */
interface NormCase {
  shape: [number, number, number, number];
  groups: number;
  affine: boolean;
}

function normCases(batch: number, side: number): NormCase[] {
  return [
    { shape: [batch, side, side, 8], groups: 1, affine: true },
    { shape: [batch, side, side, 16], groups: 1, affine: true },
    { shape: [batch, side / 2, side / 2, 64], groups: 4, affine: true },
    { shape: [batch, side / 2, side / 2, 16], groups: 1, affine: false },
  ];
}

/** Median CPU ms of `reps` GroupNorm forward + backward passes (given `dy`) after one warm-up. */
function cpuMsPerNorm(k: NormCase, reps: number): number {
  const c = k.shape[3];
  const [x, dy] = [1, 2].map((seed) => tf.randomUniform(k.shape, -1, 1, 'float32', seed) as Tensor4D);
  const params = k.affine ? [tf.ones([c]), tf.zeros([c])] : [];
  const f = (...v: Tensor[]): Tensor => groupNorm(v[0] as Tensor4D, k.groups, 1e-5, v[1], v[2]);
  const times: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const c0 = process.cpuUsage();
    const grads = tf.grads(f)([x!, ...params], dy);
    const u = process.cpuUsage(c0);
    tf.dispose(grads);
    if (i > 0) times.push((u.user + u.system) / 1000);
  }
  tf.dispose([x!, dy!, ...params]);
  return median(times);
}

interface Profiled {
  kernels: number;
  kernelMs: number;
  /** Summed time of the fused GroupNorm kernels (0 when composed). */
  normMs: number;
}

async function profiled(c: PerfCase): Promise<Profiled> {
  const net = buildNet(c);
  const set = benchSlices(c.batch, c.side, 7);
  // One step first, so that the profiled one is a warm step.
  await profileStep(net, set, c);
  const p = await profileStep(net, set, c);
  net.dispose();
  const ms = (name: string): number => p.byName.find((k) => k.name === name)?.ms ?? 0;
  return {
    kernels: p.total,
    kernelMs: p.byName.reduce((s, k) => s + k.ms, 0),
    normMs: ms(GROUP_NORM) + ms(GROUP_NORM_GRAD),
  };
}

async function main(): Promise<void> {
  const o = new Command()
    .name('bench-perf-group-norm')
    .option('--nets <list>', 'family@preset, comma-separated', 'nasunet-v3@small,nasunet-v2@small,unet@small')
    .option('--batch <n>', 'batch size', '16')
    .option('--side <n>', 'slice height and width', '64')
    .option('--reps <n>', 'timed steps per measurement (median reported)', '3')
    .option('--rounds <n>', 'alternations of composed and fused per net', '2')
    .parse()
    .opts<{ nets: string; batch: string; side: string; reps: string; rounds: string }>();
  const [batch, side, reps, rounds] = (['batch', 'side', 'reps', 'rounds'] as const).map((k) =>
    positive(k, o[k]),
  ) as [number, number, number, number];
  const cases = o.nets.split(',').map((s) => parseCase(s.trim(), batch, side));
  const startCommit = commit();
  await initBackend({ backend: 'wasm', logger: (m) => process.stderr.write(`${m}\n`) });
  const rows: string[] = [];
  const loads: number[] = [];
  for (const c of cases) {
    const cpu: Record<Variant, number[]> = { composed: [], fused: [] };
    for (let r = 0; r < rounds; r++) {
      for (const v of VARIANTS) {
        use(v);
        loads.push(loadavg()[0]!);
        process.stderr.write(`${caseName(c)} ${v}, round ${r + 1} (load ${loadavg()[0]!.toFixed(1)}) ...\n`);
        cpu[v].push(cpuMsPerStep(c, reps));
      }
    }
    const prof: Partial<Record<Variant, Profiled>> = {};
    for (const v of VARIANTS) {
      use(v);
      prof[v] = await profiled(c);
    }
    const [before, after] = [prof.composed!, prof.fused!];
    const change = (median(cpu.fused) / median(cpu.composed) - 1) * 100;
    rows.push(
      `| ${caseName(c)} | ${cpu.composed.map((t) => t.toFixed(0)).join(' / ')} | ` +
        `${cpu.fused.map((t) => t.toFixed(0)).join(' / ')} | ${change.toFixed(0)} % | ` +
        `${before.kernels} -> ${after.kernels} | ${before.kernelMs.toFixed(0)} -> ${after.kernelMs.toFixed(0)} | ` +
        `${((after.normMs / after.kernelMs) * 100).toFixed(1)} % |`,
    );
  }
  const normRows: string[] = [];
  for (const k of normCases(batch, side)) {
    const cpu: Record<Variant, number[]> = { composed: [], fused: [] };
    for (let r = 0; r < rounds; r++) {
      for (const v of VARIANTS) {
        use(v);
        loads.push(loadavg()[0]!);
        cpu[v].push(cpuMsPerNorm(k, 5 * reps));
      }
    }
    normRows.push(
      `| ${k.shape.join(' x ')}, ${k.groups} group(s)${k.affine ? '' : ', no affine'} | ` +
        `${cpu.composed.map((t) => t.toFixed(1)).join(' / ')} | ${cpu.fused.map((t) => t.toFixed(1)).join(' / ')} | ` +
        `${(median(cpu.composed) / median(cpu.fused)).toFixed(1)}x |`,
    );
  }
  use('fused');
  const m = machine();
  console.log(
    [
      `Machine: ${m.nproc} CPUs (${m.cpu}); 1-minute load average ${Math.min(...loads).toFixed(1)}-` +
        `${Math.max(...loads).toFixed(1)}; ${new Date().toISOString()}; commit ${startCommit}; batch ${batch} x ` +
        `${side} x ${side}, median of ${reps} steps after a warm-up, ${rounds} rounds (composed, fused, ...).`,
      '',
      '| net | CPU ms per step, composed (per round) | fused | change (medians) | kernels per step | kernel ms (one profiled step) | fused GroupNorm kernels, share of kernel time |',
      '|---|---|---|---:|---:|---:|---:|',
      ...rows,
      '',
      `One GroupNorm, forward and backward for a given dy (CPU ms, median of ${5 * reps} after a warm-up, per round):`,
      '',
      '| norm | composed | fused | speed-up (medians) |',
      '|---|---|---|---:|',
      ...normRows,
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
  process.exitCode = 1;
});
