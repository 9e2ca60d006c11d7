/**
 * One of our wasm kernel sets on and off: CPU time of one training step (`optimiseOnBatch`:
 * loss, gradients, clipping, AdamW; median of `--reps` after a warm-up) with the set
 * registered ("on") and removed ("off", wasm's own kernels or the composition of tfjs ops),
 * the two in alternation per net, `--rounds` times; then the kernels one step runs and the
 * share of the step's kernel time the set's kernels take (`tf.profile`). CPU time
 * (`process.cpuUsage`) rather than wall time: it does not grow with the machine's load. A
 * second table times the set's operation alone at shapes the nets use, the same way.
 *
 * Sets: `group-norm` (GroupNorm forward and backward as one kernel each,
 * group-norm-kernels.ts), `blas` (conv2d with both its gradients, Sum and Mean, and the large
 * strided copies, through the BLAS addon, blas-kernels.ts), `layout` (wasm-kernels.ts: the
 * buffer-sharing Identity and Cast, strided Slice / SplitV / Concat, MaxPoolGrad), `gemm`
 * (the BLAS convolutions' matrix products on the addon's AVX-512 tiles; off: OpenBLAS's sgemm).
 *
 * Usage: node dist/bench/perf/kernel-sets.js --set group-norm|blas|layout|gemm
 *        [--nets nasunet-v3@small,nasunet-v2@small,unet@small] [--batch 16] [--side 64]
 *        [--reps 3] [--rounds 2]
 */
import { loadavg } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { AdamW, WEIGHT_OPTIMISER } from '../../libs/engine/src/index.js';
import { optimiseOnBatch } from '../../libs/engine/src/loop-control.js';
import {
  gemmKernel,
  groupNorm,
  initBackend,
  registerBlasKernels,
  registerGroupNormKernels,
  registerWasmKernels,
  restoreWasmStockKernels,
  tf,
  unregisterBlasKernels,
  unregisterGroupNormKernels,
  type Tensor,
  type Tensor4D,
} from '../../libs/tensor/src/index.js';
import { GROUP_NORM, GROUP_NORM_GRAD } from '../../libs/tensor/src/group-norm-kernels.js';
import { BLAS_CONV_KERNELS, BLAS_KERNELS } from '../../libs/tensor/src/blas-kernels.js';
import { WASM_REPLACED_KERNELS } from '../../libs/tensor/src/wasm-kernels.js';
import { commit, machine } from '../common/files.js';
import { buildNet, caseName, parseCase, positive, type PerfCase } from './cases.js';
import { STEP, benchSlices, fixedBatch, profileStep } from './ours.js';
import { median } from '../../libs/core/src/index.js';

const VARIANTS = ['off', 'on'] as const;
type Variant = (typeof VARIANTS)[number];

/** One operation alone, forward and backward, at one shape. */
interface OpCase {
  label: string;
  /** Inputs and the `dy` of the output; disposed by the caller. */
  make(): { inputs: Tensor[]; dy: Tensor };
  op(...inputs: Tensor[]): Tensor;
}

/** A kernel set: how to switch it, the kernels it runs, and its operation alone. */
interface KernelSet {
  what: string;
  on(): void;
  off(): void;
  kernels: readonly string[];
  ops(batch: number, side: number): OpCase[];
}

const random = (shape: number[], seed: number): Tensor => tf.randomUniform(shape, -1, 1, 'float32', seed);

function normCase(shape: [number, number, number, number], groups: number, affine: boolean): OpCase {
  const c = shape[3];
  return {
    label: `GroupNorm ${shape.join(' x ')}, ${groups} group(s)${affine ? '' : ', no affine'}`,
    make: () => ({
      inputs: [random(shape, 1), ...(affine ? [tf.ones([c]), tf.zeros([c])] : [])],
      dy: random(shape, 2),
    }),
    op: (...v) => groupNorm(v[0] as Tensor4D, groups, 1e-5, v[1], v[2]),
  };
}

function convCase(x: [number, number, number, number], k: number, cout: number, stride: number): OpCase {
  const out = [x[0], Math.ceil(x[1] / stride), Math.ceil(x[2] / stride), cout];
  return {
    label: `conv2d ${k}x${k}${stride > 1 ? ` stride ${stride}` : ''}, ${x.join(' x ')} -> ${cout} channels`,
    make: () => ({ inputs: [random(x, 1), random([k, k, x[3], cout], 3)], dy: random(out, 2) }),
    op: (a, w) => tf.conv2d(a as Tensor4D, w as Tensor4D, stride, 'same'),
  };
}

function maxPoolCase(x: [number, number, number, number]): OpCase {
  return {
    label: `maxPool 2x2 stride 2, ${x.join(' x ')}`,
    make: () => ({ inputs: [random(x, 1)], dy: random([x[0], x[1] / 2, x[2] / 2, x[3]], 2) }),
    op: (a) => tf.maxPool(a as Tensor4D, 2, 2, 'valid'),
  };
}

function channelShuffleCase(x: [number, number, number, number], groups: number): OpCase {
  return {
    label: `split into ${groups} channel groups and concatenated in reverse, ${x.join(' x ')}`,
    make: () => ({ inputs: [random(x, 1)], dy: random(x, 2) }),
    op: (a) => tf.concat(tf.split(a!, groups, 3).reverse(), 3),
  };
}

function spatialMeanCase(x: [number, number, number, number]): OpCase {
  return {
    label: `mean over H and W (keepDims), ${x.join(' x ')}`,
    make: () => ({ inputs: [random(x, 1)], dy: random([x[0], 1, 1, x[3]], 2) }),
    op: (a) => tf.mean(a!, [1, 2], true),
  };
}

const SETS: Record<string, KernelSet> = {
  'group-norm': {
    what: 'GroupNorm as one wasm kernel each way (off: the composition of tfjs ops)',
    on: registerGroupNormKernels,
    off: unregisterGroupNormKernels,
    kernels: [GROUP_NORM, GROUP_NORM_GRAD],
    ops: (batch, side) => [
      normCase([batch, side, side, 8], 1, true),
      normCase([batch, side, side, 16], 1, true),
      normCase([batch, side / 2, side / 2, 64], 4, true),
      normCase([batch, side / 2, side / 2, 16], 1, false),
    ],
  },
  blas: {
    what: "conv2d with both gradients, sums and means, and the large strided copies, through the BLAS addon (off: wasm's XNNPACK conv, the composed gradients, wasm's Sum and Mean, and the JavaScript copy loop)",
    on: () => {
      const r = registerBlasKernels();
      if (!r.startsWith('BLAS kernels: OpenBLAS')) throw new Error(r);
    },
    off: unregisterBlasKernels,
    kernels: BLAS_KERNELS,
    ops: (batch, side) => [
      convCase([batch, side, side, 8], 3, 8, 1),
      convCase([batch, side, side, 16], 3, 16, 1),
      convCase([batch, side / 2, side / 2, 64], 3, 64, 1),
      convCase([batch, side, side, 16], 3, 16, 2),
      convCase([batch, side, side, 64], 1, 16, 1),
      spatialMeanCase([batch, side, side, 16]),
      channelShuffleCase([batch, side, side, 64], 4),
    ],
  },
  gemm: {
    what: "the BLAS convolutions' matrix products on the addon's AVX-512 register tiles (off: OpenBLAS's sgemm with the kernels OPENBLAS_CORETYPE selects)",
    on: () => void gemmKernel('avx512'),
    off: () => void gemmKernel('openblas'),
    kernels: BLAS_CONV_KERNELS,
    ops: (batch, side) => [
      convCase([batch, side, side, 8], 3, 8, 1),
      convCase([batch, side, side, 16], 3, 16, 1),
      convCase([batch, side / 2, side / 2, 32], 3, 32, 1),
      convCase([batch, side / 4, side / 4, 64], 3, 64, 1),
      convCase([batch, side / 8, side / 8, 128], 3, 128, 1),
      convCase([batch, side, side, 64], 1, 16, 1),
    ],
  },
  layout: {
    what: "our layout kernels on wasm: Identity and Cast sharing buffers, strided Slice / SplitV / Concat (their large copies through the BLAS addon where it is registered) and MaxPoolGrad as one loop (off: wasm's own kernels, and the composed max-pool gradient)",
    on: registerWasmKernels,
    off: restoreWasmStockKernels,
    kernels: WASM_REPLACED_KERNELS,
    ops: (batch, side) => [
      maxPoolCase([batch, side, side, 8]),
      maxPoolCase([batch, side / 2, side / 2, 16]),
      channelShuffleCase([batch, side, side, 64], 4),
    ],
  },
};

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

/** Median CPU ms of `reps` forward + backward passes (given `dy`) after one warm-up. */
function cpuMsPerOp(k: OpCase, reps: number): number {
  const { inputs, dy } = k.make();
  const times: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const c0 = process.cpuUsage();
    const grads = tf.grads(k.op)(inputs, dy);
    const u = process.cpuUsage(c0);
    tf.dispose(grads);
    if (i > 0) times.push((u.user + u.system) / 1000);
  }
  tf.dispose([...inputs, dy]);
  return median(times);
}

interface Profiled {
  kernels: number;
  kernelMs: number;
  /** Summed time of the set's kernels. */
  setMs: number;
}

async function profiled(c: PerfCase, kernels: readonly string[]): Promise<Profiled> {
  const net = buildNet(c);
  const set = benchSlices(c.batch, c.side, 7);
  // One step first, so that the profiled one is a warm step.
  await profileStep(net, set, c);
  const p = await profileStep(net, set, c);
  net.dispose();
  return {
    kernels: p.total,
    kernelMs: p.byName.reduce((s, k) => s + k.ms, 0),
    setMs: p.byName.filter((k) => kernels.includes(k.name)).reduce((s, k) => s + k.ms, 0),
  };
}

function kernelSetName(name: string): string {
  if (SETS[name] === undefined) throw new InvalidArgumentError(`one of ${Object.keys(SETS).join(', ')}`);
  return name;
}

async function main(): Promise<void> {
  const o = new Command()
    .name('bench-perf-kernel-sets')
    .requiredOption('--set <name>', `kernel set: ${Object.keys(SETS).join(' | ')}`, kernelSetName)
    .option('--nets <list>', 'family@preset, comma-separated', 'nasunet-v3@small,nasunet-v2@small,unet@small')
    .option('--batch <n>', 'batch size', '16')
    .option('--side <n>', 'slice height and width', '64')
    .option('--reps <n>', 'timed steps per measurement (median reported)', '3')
    .option('--rounds <n>', 'alternations of off and on per net', '2')
    .parse()
    .opts<{ set: string; nets: string; batch: string; side: string; reps: string; rounds: string }>();
  const [batch, side, reps, rounds] = (['batch', 'side', 'reps', 'rounds'] as const).map((k) =>
    positive(k, o[k]),
  ) as [number, number, number, number];
  const ks = SETS[o.set]!;
  const use = (v: Variant): void => (v === 'on' ? ks.on() : ks.off());
  const cases = o.nets.split(',').map((s) => parseCase(s.trim(), batch, side));
  const startCommit = commit();
  await initBackend({ backend: 'wasm', logger: (m) => process.stderr.write(`${m}\n`) });
  const rows: string[] = [];
  const loads: number[] = [];
  for (const c of cases) {
    const cpu: Record<Variant, number[]> = { off: [], on: [] };
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
      prof[v] = await profiled(c, ks.kernels);
    }
    const [before, after] = [prof.off!, prof.on!];
    const change = (median(cpu.on) / median(cpu.off) - 1) * 100;
    rows.push(
      `| ${caseName(c)} | ${cpu.off.map((t) => t.toFixed(0)).join(' / ')} | ` +
        `${cpu.on.map((t) => t.toFixed(0)).join(' / ')} | ${change.toFixed(0)} % | ` +
        `${before.kernels} -> ${after.kernels} | ${before.kernelMs.toFixed(0)} -> ${after.kernelMs.toFixed(0)} | ` +
        `${((before.setMs / before.kernelMs) * 100).toFixed(1)} % -> ${((after.setMs / after.kernelMs) * 100).toFixed(1)} % |`,
    );
  }
  const opRows: string[] = [];
  for (const k of ks.ops(batch, side)) {
    const cpu: Record<Variant, number[]> = { off: [], on: [] };
    for (let r = 0; r < rounds; r++) {
      for (const v of VARIANTS) {
        use(v);
        loads.push(loadavg()[0]!);
        cpu[v].push(cpuMsPerOp(k, 5 * reps));
      }
    }
    opRows.push(
      `| ${k.label} | ${cpu.off.map((t) => t.toFixed(1)).join(' / ')} | ${cpu.on.map((t) => t.toFixed(1)).join(' / ')} | ` +
        `${(median(cpu.off) / median(cpu.on)).toFixed(1)}x |`,
    );
  }
  use('on');
  const m = machine();
  console.log(
    [
      `Kernel set \`${o.set}\`: ${ks.what}.`,
      `Machine: ${m.nproc} CPUs (${m.cpu}); 1-minute load average ${Math.min(...loads).toFixed(1)}-` +
        `${Math.max(...loads).toFixed(1)}; ${new Date().toISOString()}; commit ${startCommit}; batch ${batch} x ` +
        `${side} x ${side}, median of ${reps} steps after a warm-up, ${rounds} rounds (off, on, ...).`,
      '',
      "| net | CPU ms per step, off (per round) | on | change (medians) | kernels per step | kernel ms (one profiled step) | the set's kernels, share of kernel time |",
      '|---|---|---|---:|---:|---:|---:|',
      ...rows,
      '',
      `The operation alone, forward and backward for a given dy (CPU ms, median of ${5 * reps} after a warm-up, per round):`,
      '',
      '| operation | off | on | speed-up (medians) |',
      '|---|---|---|---:|',
      ...opRows,
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
  process.exitCode = 1;
});
