/** The markdown report of bench/perf: one table of all nets, targets, and where the time goes. */
import type { PerfCase } from './cases.js';
import { caseName } from './cases.js';
import type { OnnxForward } from './onnx-forward.js';
import type { KernelProfile } from './ours.js';

export interface OurRow {
  backend: string;
  params: number;
  forwardMs: number;
  trainMs: number;
  loopStepsPerS: number;
  firstLoss: number;
  kernels: number;
}

export interface TorchRow {
  threads: number;
  forwardMs?: number;
  trainMs?: number;
  loopStepsPerS?: number;
  firstLoss?: number;
  maxAbsDiff?: number;
  note: string;
}

export interface ReportInput {
  results: Array<{
    c: PerfCase;
    ours: OurRow[];
    torch: TorchRow[];
    onnx: OnnxForward[];
    profile?: KernelProfile;
  }>;
  machine: string;
  load: number[];
  date: string;
  commit: string;
  command: string;
  top: number;
  python: string;
}

/** Issue 10's targets: our train step at most this many times PyTorch's at equal threads. */
export function targetRatio(c: PerfCase): number {
  return c.family === 'supernet' ? 2 : 1.5;
}

/** Issue 10's inference target: our forward pass at most PyTorch's at equal threads. */
export const INFERENCE_TARGET = 1;

function ms(v: number | undefined): string {
  return v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`;
}

export function renderReport(r: ReportInput): string {
  const lo = Math.min(...r.load).toFixed(1);
  const hi = Math.max(...r.load).toFixed(1);
  const lines = [
    '## Speed on CPU: bench/perf (issue 10)',
    '',
    `Command: \`${r.command}\` (\`npm run bench:perf\`). Machine: ${r.machine}; load average ${lo}-${hi} ` +
      `while it ran (1-minute, sampled before each net); date ${r.date}; commit \`${r.commit}\`; PyTorch: ${r.python}.`,
    '',
    'Forward: one pass, result read back. Train step: our full step as the engine runs it ' +
      '(CE + soft Dice, backward, clip to global norm 5, AdamW lr 1e-3 wd 5e-4) against the same ' +
      'step in PyTorch. Loop: steps per second of the training loop with data (ours: `runTraining` ' +
      'with batch sampling and left-right flips; PyTorch: random batches of the same slices with ' +
      'the same flips), first step excluded. Medians after a warm-up. Every PyTorch twin is built ' +
      'from the same description (genotype JSON, supernet alphas, U-Net config), loads our initial ' +
      'weights and gives our logits to within the max abs difference shown before it is timed. ' +
      'Ours runs on one thread; the target compares with PyTorch on one thread (equal threads) ' +
      'for the backends that train (not `cpu`, the pure-JavaScript reference): ' +
      'train step at most 1.5x for the U-Net and the derived nets, 2x for the supernet. ' +
      'ONNX Runtime rows: the net exported by our exporter (probabilities within 1e-4 of ours), ' +
      'forward only, at the thread counts of the PyTorch twins; inference (forward, the faster ' +
      'of tfjs wasm and ONNX Runtime, as the services choose) at most 1.0x PyTorch at one thread.',
    '',
    '| net | batch | engine | params | forward ms | forward / PyTorch (same threads) | train step ms | loop steps/s | train / PyTorch 1 thr | train / PyTorch 2 thr | kernels per step | target (1 thr) |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  const misses: string[] = [];
  const inference: string[] = [];
  const profiles: string[] = [];
  for (const { c, ours, torch, onnx, profile } of r.results) {
    const name = caseName(c);
    const shape = `${c.batch} x ${c.side} x ${c.side}`;
    const t1 = torch.find((t) => t.threads === 1 && t.trainMs !== undefined);
    const t2 = torch.find((t) => t.threads === 2 && t.trainMs !== undefined);
    for (const o of ours) {
      const goal = targetRatio(c);
      let verdict = '-';
      if (o.backend === 'cpu') {
        verdict = 'none: the pure-JavaScript reference backend, not a training path';
      } else if (t1?.trainMs !== undefined) {
        const x = o.trainMs / t1.trainMs;
        verdict = x <= goal ? `met (<= ${goal}x)` : `MISSED by ${(x / goal).toFixed(1)}x (goal ${goal}x)`;
        if (x > goal) misses.push(name);
      }
      lines.push(
        `| ${name} | ${shape} | tfjs ${o.backend} | ${(o.params / 1000).toFixed(0)} k | ${ms(o.forwardMs)} | ` +
          `${ratio(o.forwardMs, t1?.forwardMs)} | ` +
          `${ms(o.trainMs)} | ${o.loopStepsPerS.toFixed(2)} | ${ratio(o.trainMs, t1?.trainMs)} | ` +
          `${ratio(o.trainMs, t2?.trainMs)} | ${o.kernels} | ${verdict} |`,
      );
    }
    for (const x of onnx) {
      const twin = torch.find((t) => t.threads === x.threads && t.forwardMs !== undefined);
      lines.push(
        `| ${name} | ${shape} | ONNX Runtime, ${x.threads} thread${x.threads === 1 ? '' : 's'} | | ${ms(x.forwardMs)} | ` +
          `${ratio(x.forwardMs, twin?.forwardMs)} | | | | | | max abs probability diff ${x.maxAbsDiff.toExponential(1)} |`,
      );
    }
    const wasm = ours.find((o) => o.backend === 'wasm');
    const ort1 = onnx.find((x) => x.threads === 1);
    if (c.family !== 'supernet' && t1?.forwardMs !== undefined && (wasm || ort1)) {
      const best = Math.min(wasm?.forwardMs ?? Infinity, ort1?.forwardMs ?? Infinity);
      const engine = best === wasm?.forwardMs ? 'tfjs wasm' : 'ONNX Runtime';
      const x = best / t1.forwardMs;
      inference.push(
        `${name} ${ratio(best, t1.forwardMs)} (${engine}, ${ms(best)} vs ${ms(t1.forwardMs)} ms): ` +
          (x <= INFERENCE_TARGET ? 'met' : `MISSED by ${x.toFixed(2)}x`),
      );
      if (x > INFERENCE_TARGET) misses.push(`${name} (inference)`);
    }
    for (const t of torch) {
      const note =
        t.maxAbsDiff === undefined
          ? t.note
          : `max abs logit diff ${t.maxAbsDiff.toExponential(1)}; first-step loss ${t.firstLoss?.toFixed(5)} ` +
            `(ours ${ours[0]?.firstLoss.toFixed(5)})`;
      lines.push(
        `| ${name} | ${shape} | PyTorch, ${t.threads} thread${t.threads === 1 ? '' : 's'} | | ${ms(t.forwardMs)} | ` +
          `${ms(t.trainMs)} | ${t.loopStepsPerS?.toFixed(2) ?? '-'} | | | | ${note} |`,
      );
    }
    if (profile !== undefined) {
      const total = profile.byName.reduce((s, k) => s + k.ms, 0);
      const topK = profile.byName
        .slice(0, r.top)
        .map((k) => `${k.name} ${k.count} x ${ms(k.ms)} ms (${((100 * k.ms) / total).toFixed(0)} %)`);
      profiles.push(
        `- ${name}: ${profile.total} kernels, ${ms(total)} ms of kernel time (profiled step): ${topK.join(', ')}`,
      );
    }
  }
  lines.push(
    '',
    `Inference at one thread (the faster engine's forward / PyTorch's, target <= ${INFERENCE_TARGET}x): ` +
      (inference.length === 0 ? 'no PyTorch forward figures.' : `${inference.join('; ')}.`),
    '',
    'Where the time goes: one training step under `tf.profile` on the first backend (kernel time summed by kernel name, largest first; profiling adds its own overhead, so the sum exceeds the timed step):',
    '',
    ...profiles,
    '',
    misses.length === 0
      ? 'Every target with a PyTorch figure is met.'
      : `Targets missed: ${[...new Set(misses)].join(', ')}.`,
  );
  return lines.join('\n');
}
