/**
 * Backend benchmark: times the forward pass and one SGD train step (medians) of the fixed
 * U-Net (unet.ts) on every tfjs backend available on this machine and, when
 * `python3 -c 'import torch'` works, of the same net in PyTorch in the same run; prints a
 * table with ratios to PyTorch (to wasm when PyTorch is absent).
 *
 * Usage: node dist/bench/backends/main.js [--size full|small] [--reps 5]
 *        [--backends tensorflow,webgpu,wasm,cpu] [--no-torch] [--torch-threads 1,2] [--python PATH]
 *        [--kernels]
 * Default backends: tensorflow, webgpu, wasm, and cpu only with --size small (the pure-JS
 * cpu backend needs minutes per full-size train step).
 */
import { spawnSync } from 'node:child_process';
import { findTorchPython, machine } from '../common/files.js';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { BackendError, ValidationError } from '../../libs/core/src/errors.js';
import { initBackend, tf, type BackendName, uniformArray, mulberry32 } from '../../libs/tensor/src/index.js';
import { buildUNet, segmentationLoss, SIZES, type UNetSize } from './unet.js';
import { benchGradientKernels } from './gradient-kernels.js';
import { median } from '../../libs/core/src/index.js';

interface Row {
  engine: string;
  forwardMs?: number;
  trainMs?: number;
  note: string;
}

const ALL: readonly Exclude<BackendName, 'auto'>[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

async function benchBackend(name: Exclude<BackendName, 'auto'>, size: UNetSize, reps: number): Promise<Row> {
  try {
    await initBackend({ backend: name, logger: (m) => process.stderr.write(`${m}\n`) });
  } catch (e) {
    if (e instanceof BackendError) return { engine: `tfjs ${name}`, note: `unavailable: ${e.message}` };
    throw e;
  }
  const net = buildUNet(size.base);
  const n = size.batch * size.side * size.side;
  const x = tf.tensor4d(uniformArray(n, 11), [size.batch, size.side, size.side, 1]);
  const rnd = mulberry32(12);
  const labels = tf.tensor3d(
    Int32Array.from({ length: n }, () => (rnd() < 0.5 ? 0 : 1)),
    [size.batch, size.side, size.side],
    'int32',
  );
  const warm = name === 'webgpu' ? 2 : 1;
  const fwd: number[] = [];
  for (let i = 0; i < warm + reps; i++) {
    const t0 = performance.now();
    const y = tf.tidy(() => tf.sum(net.forward(x)));
    await y.data();
    y.dispose();
    if (i >= warm) fwd.push(performance.now() - t0);
  }
  const opt = tf.train.sgd(0.01);
  const train: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < warm + reps; i++) {
    const t0 = performance.now();
    const loss = opt.minimize(() => segmentationLoss(net.forward(x), labels) as tf.Scalar, true, net.params);
    losses.push((await loss!.data())[0]!);
    loss!.dispose();
    if (i >= warm) train.push(performance.now() - t0);
  }
  opt.dispose();
  tf.dispose([x, labels, ...net.params]);
  const finite = losses.every(Number.isFinite);
  return {
    engine: `tfjs ${name}`,
    forwardMs: median(fwd),
    trainMs: median(train),
    note: `${(net.count / 1000).toFixed(0)} k params; loss ${losses[0]!.toFixed(4)} -> ${losses.at(-1)!.toFixed(4)}${finite ? '' : ' (NOT FINITE)'}`,
  };
}

function benchTorch(size: UNetSize, reps: number, threads: number, preferred: string | undefined): Row {
  const python = findTorchPython(preferred);
  if (python === undefined) {
    return { engine: 'PyTorch', note: `unavailable: ${preferred ?? 'python3'} cannot import torch` };
  }
  const script = join(dirname(fileURLToPath(import.meta.url)), '../../../bench/backends/torch_unet.py');
  const args = [
    script,
    '--base',
    `${size.base}`,
    '--batch',
    `${size.batch}`,
    '--side',
    `${size.side}`,
    '--reps',
    `${reps}`,
  ];
  args.push('--threads', `${threads}`);
  const r = spawnSync(python, args, { encoding: 'utf8' });
  if (r.status !== 0)
    return { engine: 'PyTorch', note: `failed: ${r.stderr.trim().split('\n').at(-1) ?? ''}` };
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    forward_ms: number;
    train_ms: number;
    torch: string;
    threads: number;
    params: number;
  };
  return {
    engine: `PyTorch ${out.torch} CPU`,
    forwardMs: out.forward_ms,
    trainMs: out.train_ms,
    note: `${out.threads} thread${out.threads === 1 ? '' : 's'}; ${(out.params / 1000).toFixed(0)} k params; ${python}`,
  };
}

function fmt(v: number | undefined): string {
  return v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function table(rows: Row[], refName: string, ref: Row | undefined): string {
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? '-' : `${(a / b).toFixed(1)}x`;
  const lines = [
    `| engine | forward ms | train step ms | forward / ${refName} | train / ${refName} | note |`,
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.engine} | ${fmt(r.forwardMs)} | ${fmt(r.trainMs)} | ${ratio(r.forwardMs, ref?.forwardMs)} | ${ratio(r.trainMs, ref?.trainMs)} | ${r.note} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const program = new Command()
    .name('bench-backends')
    .addOption(new Option('--size <size>', 'net size preset').choices(['full', 'small']).default('full'))
    .option('--reps <n>', 'timed repetitions per measurement (median reported)', '5')
    .option(
      '--backends <list>',
      'comma-separated tfjs backends (default: tensorflow,webgpu,wasm [+cpu with --size small])',
    )
    .option('--no-torch', 'skip the PyTorch reference')
    .option(
      '--torch-threads <list>',
      'PyTorch intra-op thread counts, one row each; the fastest is the reference (default: 1,<CPUs>)',
    )
    .option('--python <path>', 'Python interpreter with torch (default: python3, then /usr/bin/python3)')
    .option('--kernels', 'also time each gradient kernel: stock backprop kernel vs our composition')
    .parse();
  const o = program.opts<{
    size: 'full' | 'small';
    reps: string;
    backends?: string;
    torch: boolean;
    torchThreads?: string;
    python?: string;
    kernels?: boolean;
  }>();
  const reps = Number(o.reps);
  if (!Number.isInteger(reps) || reps < 1)
    throw new ValidationError(`--reps: expected a positive integer (got ${o.reps})`);
  const threadList = (o.torchThreads ?? [...new Set([1, cpus().length])].join(',')).split(',').map(Number);
  if (threadList.some((t) => !Number.isInteger(t) || t < 1)) {
    throw new ValidationError(
      `--torch-threads: expected positive integers separated by commas (got ${o.torchThreads})`,
    );
  }
  const size = SIZES[o.size];
  const names = (o.backends ?? (o.size === 'small' ? 'tensorflow,webgpu,wasm,cpu' : 'tensorflow,webgpu,wasm'))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const s of names) {
    if (!(ALL as readonly string[]).includes(s))
      throw new ValidationError(`--backends: unknown backend '${s}' (use ${ALL.join(', ')})`);
  }
  const rows: Row[] = [];
  for (const name of names as Exclude<BackendName, 'auto'>[]) {
    process.stderr.write(`benchmarking tfjs ${name} ...\n`);
    rows.push(await benchBackend(name, size, reps));
  }
  if (o.size === 'full' && !names.includes('cpu')) {
    rows.push({
      engine: 'tfjs cpu',
      note: 'skipped at --size full (pure JS: minutes per train step); add --backends cpu to force',
    });
  }
  const torchRows: Row[] = [];
  if (o.torch) {
    process.stderr.write('benchmarking PyTorch ...\n');
    for (const threads of threadList) torchRows.push(benchTorch(size, reps, threads, o.python));
    rows.push(...torchRows);
  }
  // Reference: the fastest PyTorch row (by train step), else wasm.
  const timed = torchRows.filter((r) => r.trainMs !== undefined).sort((a, b) => a.trainMs! - b.trainMs!);
  const torchOk = timed.length > 0;
  const ref = torchOk ? timed[0] : rows.find((r) => r.engine === 'tfjs wasm' && r.forwardMs !== undefined);
  const refName = torchOk ? `PyTorch (${ref!.note.split(';')[0]})` : 'wasm';
  const cpuModel = machine().cpu;
  console.log(
    `U-Net ${o.size}: base ${size.base} channels, batch ${size.batch} x ${size.side} x ${size.side} x 1, ` +
      `median of ${reps}; ${cpus().length} CPUs (${cpuModel}); load average ${loadavg()[0]!.toFixed(1)}; ` +
      new Date().toISOString(),
  );
  console.log(table(rows, refName, ref));
  if (o.kernels === true) {
    for (const name of names) {
      if (rows.find((r) => r.engine === `tfjs ${name}`)?.forwardMs === undefined) continue;
      console.log(`\n${await benchGradientKernels(name as 'wasm', reps)}`);
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
  process.exitCode = 1;
});
