/**
 * bench/perf: speed of a training step on CPU, ours against a PyTorch twin in the same run.
 * For every net (derived NAS-Unet V2/V3, search supernet, U-Net; `family@preset`) and
 * every available tfjs backend: forward pass, one full training step (CE + soft Dice,
 * gradients, global clipping, AdamW: the engine's `optimiseOnBatch`), steps per second of
 * the real training loop (`runTraining`, data included) and the kernels one step runs.
 * The PyTorch twin (torch_perf.py) is built from the same description, loads our weights
 * and must give our logits (max abs difference < 1e-4) before it is timed, at 1 and 2
 * threads. The derived nets and the U-Net are also exported to ONNX and their forward pass
 * timed on ONNX Runtime (onnx-forward.ts) at the same thread counts. The pure-JS `cpu`
 * backend runs each family at the `tiny` preset only.
 *
 * Usage: node dist/bench/perf/main.js [--nets nasunet-v3@small,unet@small] [--batch 16]
 *        [--side 64] [--reps 3] [--warmup 3] [--loop-steps 4] [--backends wasm,cpu] [--torch-threads 1,2]
 *        [--no-torch] [--no-onnx] [--python PATH] [--top 8] [--write BENCHMARKS.md]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { BackendError, ValidationError } from '../../libs/core/src/errors.js';
import { saveWeights } from '../../libs/engine/src/index.js';
import { initBackend, tf, type BackendName, type Tensor4D } from '../../libs/tensor/src/index.js';
import { commit, findTorchPython, machine, writeSection } from '../common/files.js';
import { buildNet, caseName, describe, parseCase, positive, type PerfCase } from './cases.js';
import {
  benchSlices,
  fixedBatch,
  loopStepsPerSecond,
  profileStep,
  timeOurs,
  type KernelProfile,
} from './ours.js';
import { exportable, timeOnnxForward, type OnnxForward } from './onnx-forward.js';
import { renderReport, type OurRow, type TorchRow } from './report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const TORCH_SCRIPT = join(HERE, '../../../bench/perf/torch_perf.py');
/**
 * The nets timed by default; `/B` sets a net's own batch. The supernet runs at batch 8 (at
 * 16 its activations pass the 4 GiB a wasm heap can hold, and wasm aborts) and the paper-size
 * nets at 4 (their batch-16 steps take seconds each).
 */
const DEFAULT_NETS =
  'nasunet-v2@small,nasunet-v3@small,nasunet-v2@paper/4,nasunet-v3@paper/4,supernet@small/8,unet@small';
/** Slices the training loop draws from. */
const LOOP_SLICES = 64;

/** Writes what the twin needs into `dir`: description, initial weights, the fixed batch, our logits, the slices. */
function writeExchange(dir: string, c: PerfCase): void {
  mkdirSync(dir, { recursive: true });
  const net = buildNet(c);
  const set = benchSlices(LOOP_SLICES, c.side, 7);
  writeFileSync(join(dir, 'case.json'), JSON.stringify({ ...describe(net), batch: c.batch, side: c.side }));
  saveWeights(join(dir, 'weights'), net, { names: net.namedWeights().map((w) => w.name) });
  const b = fixedBatch(set, c.batch);
  const logits = tf.tidy(() => net.apply(b.x as Tensor4D, true));
  const f32 = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(join(dir, 'x.f32'), f32(b.x.dataSync() as Float32Array));
  writeFileSync(join(dir, 'y.u8'), Uint8Array.from(b.y.dataSync()));
  writeFileSync(join(dir, 'logits.f32'), f32(logits.dataSync() as Float32Array));
  const xs = new Float32Array(set.slices.length * c.side * c.side);
  const ys = new Uint8Array(xs.length);
  set.slices.forEach((s, i) => {
    xs.set(s.image, i * s.image.length);
    ys.set(s.label, i * s.label.length);
  });
  writeFileSync(join(dir, 'train_x.f32'), f32(xs));
  writeFileSync(join(dir, 'train_y.u8'), ys);
  tf.dispose([b.x, b.y, logits]);
  net.dispose();
}

/**
 * glibc malloc settings for the PyTorch twin: keep freed blocks up to 32 MiB (every
 * activation here) in the heap instead of returning them to the system. With the defaults
 * each step maps its activations afresh and pays their page faults, and one-thread step
 * times of the same twin spread from 96 to 320 ms on this machine (95-130 ms with these);
 * the reference is timed at its steadier and faster best.
 */
const TWIN_MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20),
  MALLOC_TRIM_THRESHOLD_: String(4 * 2 ** 30),
  MALLOC_TOP_PAD_: String(512 * 2 ** 20),
};

/** Timed repetitions (median reported) and the untimed steps before them, for both engines. */
interface Timing {
  reps: number;
  warmup: number;
}

function runTwin(python: string, dir: string, threads: number, timing: Timing, loopSteps: number): TorchRow {
  const r = spawnSync(
    python,
    [
      TORCH_SCRIPT,
      '--dir',
      dir,
      '--threads',
      `${threads}`,
      '--reps',
      `${timing.reps}`,
      '--warmup',
      `${timing.warmup}`,
      '--loop-steps',
      `${loopSteps}`,
    ],
    { encoding: 'utf8', env: { ...process.env, ...TWIN_MALLOC_ENV } },
  );
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    return { threads, note: `failed: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`}` };
  }
  const o = JSON.parse(last) as {
    max_abs_diff: number;
    forward_ms: number;
    train_ms: number;
    loop_steps_per_s: number;
    first_loss: number;
    threads: number;
    torch: string;
  };
  return {
    threads: o.threads,
    forwardMs: o.forward_ms,
    trainMs: o.train_ms,
    loopStepsPerS: o.loop_steps_per_s,
    firstLoss: o.first_loss,
    maxAbsDiff: o.max_abs_diff,
    note: `PyTorch ${o.torch}`,
  };
}

async function measureOurs(
  backend: Exclude<BackendName, 'auto'>,
  c: PerfCase,
  timing: Timing,
  loopSteps: number,
  onnxThreads: readonly number[],
): Promise<{ row: OurRow; profile?: KernelProfile; onnx: OnnxForward[] }> {
  const set = benchSlices(LOOP_SLICES, c.side, 7);
  const net = buildNet(c);
  try {
    const t = timeOurs(net, set, c, timing.reps, timing.warmup);
    const profile = await profileStep(net, set, c);
    const loop = await loopStepsPerSecond(net, set, c, loopSteps);
    if (onnxThreads.length > 0) {
      process.stderr.write(`${caseName(c)}: ONNX Runtime, ${onnxThreads.join(' and ')} thread(s) ...\n`);
    }
    const onnx = await timeOnnxForward(net, set, c, onnxThreads, timing.reps, timing.warmup);
    return {
      onnx,
      row: {
        backend,
        params: net.parameterCount(),
        forwardMs: t.forwardMs,
        trainMs: t.trainMs,
        loopStepsPerS: loop,
        firstLoss: t.firstLoss,
        kernels: profile.total,
      },
      profile,
    };
  } finally {
    net.dispose();
  }
}

async function main(): Promise<void> {
  const o = new Command()
    .name('bench-perf')
    .option('--nets <list>', 'family@preset[/batch], comma-separated', DEFAULT_NETS)
    .option('--batch <n>', 'batch size', '16')
    .option('--side <n>', 'slice height and width', '64')
    .option('--reps <n>', 'timed repetitions (median reported)', '3')
    .option(
      '--warmup <n>',
      'untimed steps first, both engines (our first steps still grow the wasm heap, page faults included)',
      '3',
    )
    .option('--loop-steps <n>', 'timed steps of the training loop', '4')
    .option('--backends <list>', 'tfjs backends (cpu runs the tiny preset, batch 2 x 32 x 32)', 'wasm,cpu')
    .option('--torch-threads <list>', 'PyTorch thread counts', '1,2')
    .option('--no-torch', 'skip the PyTorch twins')
    .option('--no-onnx', 'skip ONNX Runtime (forward of the exported derived nets and U-Net)')
    .option('--python <path>', 'Python with torch (default: python3, then /usr/bin/python3)')
    .option('--top <n>', 'kernels listed per net in the profile', '8')
    .option('--write <file>', 'also write the report as a section of this markdown file')
    .parse()
    .opts<{
      nets: string;
      batch: string;
      side: string;
      reps: string;
      warmup: string;
      loopSteps: string;
      backends: string;
      torchThreads: string;
      torch: boolean;
      onnx: boolean;
      python?: string;
      top: string;
      write?: string;
    }>();
  const batch = positive('batch', o.batch);
  const side = positive('side', o.side);
  const timing: Timing = { reps: positive('reps', o.reps), warmup: positive('warmup', o.warmup) };
  const loopSteps = positive('loop-steps', o.loopSteps);
  const top = positive('top', o.top);
  const threads = o.torchThreads.split(',').map((t) => positive('torch-threads', t));
  const backends = o.backends.split(',').map((s) => s.trim()) as Array<Exclude<BackendName, 'auto'>>;
  for (const b of backends) {
    if (!['tensorflow', 'webgpu', 'wasm', 'cpu'].includes(b))
      throw new ValidationError(`--backends: unknown backend '${b}' (use tensorflow, webgpu, wasm, cpu)`);
  }
  // The commit whose code this run loaded (read now: the tree may move while it runs).
  const startCommit = commit();
  const cases = o.nets.split(',').map((s) => parseCase(s.trim(), batch, side));
  const python = o.torch ? findTorchPython(o.python) : undefined;
  const runDir = resolve('runs/bench-perf');
  const results = new Map<
    string,
    { c: PerfCase; ours: OurRow[]; torch: TorchRow[]; onnx: OnnxForward[]; profile?: KernelProfile }
  >();
  const key = (c: PerfCase): string => `${caseName(c)}-${c.batch}x${c.side}`;
  const load: number[] = [];
  for (const backend of backends) {
    try {
      await initBackend({ backend, logger: (m) => process.stderr.write(`${m}\n`) });
    } catch (e) {
      if (!(e instanceof BackendError)) throw e;
      process.stderr.write(`tfjs ${backend} unavailable: ${e.message}\n`);
      continue;
    }
    const own =
      backend === 'cpu'
        ? [
            ...new Map(
              cases.map((c) => [c.family, { ...c, preset: 'tiny' as const, batch: 2, side: 32 }]),
            ).values(),
          ]
        : cases;
    for (const c of own) {
      const k = key(c);
      let entry = results.get(k);
      if (entry === undefined) {
        entry = { c, ours: [], torch: [], onnx: [] };
        results.set(k, entry);
        writeExchange(join(runDir, k), c);
      }
      process.stderr.write(`${k}: tfjs ${backend} (load average ${loadavg()[0]!.toFixed(1)}) ...\n`);
      load.push(loadavg()[0]!);
      const onnxThreads =
        o.onnx && backend !== 'cpu' && entry.onnx.length === 0 && exportable(c) ? threads : [];
      const m = await measureOurs(backend, c, timing, loopSteps, onnxThreads);
      entry.ours.push(m.row);
      entry.onnx.push(...m.onnx);
      if (backend === 'wasm' || entry.profile === undefined) entry.profile = m.profile;
      if (python !== undefined && entry.torch.length === 0) {
        for (const t of threads) {
          process.stderr.write(`${k}: PyTorch, ${t} thread(s) ...\n`);
          entry.torch.push(runTwin(python, join(runDir, k), t, timing, loopSteps));
        }
      }
    }
  }
  const report = renderReport({
    results: [...results.values()],
    machine: `${machine().nproc} CPUs (${machine().cpu})`,
    load,
    date: new Date().toISOString(),
    commit: startCommit,
    command: `node dist/bench/perf/main.js ${process.argv.slice(2).join(' ')}`.trim(),
    top,
    python: o.torch ? (python ?? 'unavailable (no python3 with torch)') : 'skipped (--no-torch)',
  });
  console.log(report);
  if (o.write !== undefined) writeSection(o.write, '## Speed on CPU: bench/perf (issue 10)', report);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
  process.exitCode = 1;
});
