/**
 * The recipe benchmark's section of BENCHMARKS.md: mean and spread over seeds of the test
 * Dice of both implementations at every protocol step, their difference and the verdict
 * (within 0.02 at every point), plus seconds per step.
 */
import { median } from '../../libs/core/src/index.js';
import { commit } from '../common/files.js';
import {
  DEFAULT_OUT,
  DEFAULT_PROTOCOL,
  type BatchDraws,
  type CurvePoint,
  type RecipeProtocol,
  type TracePoint,
} from './protocol.js';

/** How a run's batches were drawn (older run folders say nothing: each its own). */
function batchDraws(p: RecipeProtocol): BatchDraws {
  return p.batches ?? 'own';
}

/** What a run's protocol changes from the default one, as headings name it and as flags. */
function departures(p: RecipeProtocol): Array<{ name: string; flag: string }> {
  const k = p.contextSlices ?? 0;
  return [
    ...(p.width !== DEFAULT_PROTOCOL.width
      ? [{ name: `U-Net width ${p.width}`, flag: `--width ${p.width}` }]
      : []),
    ...(k > 0 ? [{ name: `2.5D input (${k} slice(s) either side)`, flag: `--context-slices ${k}` }] : []),
    ...(batchDraws(p) !== DEFAULT_PROTOCOL.batches
      ? [{ name: 'each engine drawing its own batches', flag: '--batches own' }]
      : []),
  ];
}

/** BENCHMARKS.md heading of a run: one section per protocol (width, single slices or 2.5D). */
export function sectionHeading(p: RecipeProtocol): string {
  return `## Recipe parity with PyTorch${departures(p)
    .map((d) => `, ${d.name}`)
    .join('')} (issue 9)`;
}

/** The command that makes (and resumes) a run of protocol `p` in the folder `out`. */
export function commandLine(p: RecipeProtocol, out: string): string {
  const flags = departures(p).map((d) => ` ${d.flag}`);
  return `node dist/bench/recipe/main.js --workers 2${flags.join('')}${out === DEFAULT_OUT ? '' : ` --out ${out}`}`;
}

/** Mean and sample standard deviation. */
export function meanSd(v: number[]): { mean: number; sd: number } {
  const mean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, sd };
}

const fmt = (m: { mean: number; sd: number }): string => `${m.mean.toFixed(3)} ± ${m.sd.toFixed(3)}`;

/** The lockstep traces of one seed: the loss of each first step in each implementation. */
export interface Traces {
  seed: number;
  ours: TracePoint[];
  torch1: TracePoint[];
  torch2: TracePoint[];
}

/** Steps the lockstep table shows (those the traces reach). */
const TRACE_STEPS = [1, 2, 5, 10, 20, 50, 100, 150, 200, 250, 300, 400, 500];

/** `|a - b| / |b|` of the losses at `step` (undefined where a trace lacks it). */
function drift(a: TracePoint[], b: TracePoint[], step: number): number | undefined {
  const x = a.find((t) => t.step === step)?.loss;
  const y = b.find((t) => t.step === step)?.loss;
  return x === undefined || y === undefined ? undefined : Math.abs(x - y) / Math.abs(y);
}

/**
 * The lockstep table: at each step, how far our loss is from PyTorch's (one thread) and how
 * far PyTorch on two threads is from PyTorch on one, both relative; then the median ratio.
 */
export function lockstepLines(t: Traces): string[] {
  const last = Math.min(...[t.ours, t.torch1, t.torch2].map((x) => x.at(-1)?.step ?? 0));
  const steps = TRACE_STEPS.filter((s) => s <= last);
  const rows = steps.map((s) => {
    const [o, c] = [drift(t.ours, t.torch1, s), drift(t.torch2, t.torch1, s)];
    const cell = (v: number | undefined): string => (v === undefined ? '-' : v.toExponential(1));
    return `| ${s} | ${cell(o)} | ${cell(c)} |`;
  });
  // Over the steps where both runs have drifted measurably (past the first few rounding steps).
  const ratios = steps
    .map((s) => [drift(t.ours, t.torch1, s), drift(t.torch2, t.torch1, s)] as const)
    .filter((r): r is readonly [number, number] => r[0] !== undefined && r[1] !== undefined && r[1] > 1e-6)
    .map(([o, c]) => o / c);
  const medianRatio = median(ratios);
  return [
    `Lockstep check (seed ${t.seed}, stage \`trace\`): the loss of each of the first ${last} steps' batches, from the same initial weights and the same batches, in our engine, in PyTorch on one thread and in PyTorch on two (which adds up its sums in another order). Relative difference of the losses:`,
    '',
    '| step | ours vs PyTorch 1 thread | PyTorch 2 threads vs PyTorch 1 thread |',
    '|---:|---:|---:|',
    ...rows,
    '',
    `Median ratio of the two drifts (steps where PyTorch's own exceeds 1e-6): ${Number.isNaN(medianRatio) ? '-' : medianRatio.toFixed(2)}. ` +
      'A recipe difference (loss, optimiser, schedule, clipping, normalisation) would show from the first steps and grow faster than ' +
      "PyTorch's drift against itself; float rounding alone drifts at the same rate in both columns.",
  ];
}

/** Markdown section; `ours[i]` / `torch[i]` are the curves of seed `seeds[i]`; `out` the run folder. */
export function recipeSection(
  p: RecipeProtocol,
  out: string,
  seeds: number[],
  ours: CurvePoint[][],
  torch: CurvePoint[][],
  machine: { cpu: string; nproc: number; load: number },
  notes: string[] = [],
  traces?: Traces,
): string {
  const classes = ['anterior', 'posterior'];
  const rows: string[] = [];
  let within = true;
  let complete = true;
  for (const step of p.steps) {
    const at = (curves: CurvePoint[][]) =>
      curves.map((c) => c.find((x) => x.step === step)).filter((x): x is CurvePoint => x !== undefined);
    const o = at(ours);
    const t = at(torch);
    if (o.length < seeds.length || t.length < seeds.length) complete = false;
    const cells: string[] = [String(step)];
    classes.forEach((_, c) => {
      const om = meanSd(o.map((x) => x.dice[c] as number));
      const tm = meanSd(t.map((x) => x.dice[c] as number));
      const diff = om.mean - tm.mean;
      if (o.length && t.length && Math.abs(diff) > 0.02) within = false;
      cells.push(
        o.length ? fmt(om) : '-',
        t.length ? fmt(tm) : '-',
        o.length && t.length ? diff.toFixed(3) : '-',
      );
    });
    const perStep = (x: CurvePoint[]) =>
      x.length ? (meanSd(x.map((y) => y.seconds)).mean / step).toFixed(3) : '-';
    cells.push(perStep(o), perStep(t), `${o.length} / ${t.length}`);
    rows.push(`| ${cells.join(' | ')} |`);
  }
  const perSeed = seeds.map((seed, i) => {
    const cell = (c: CurvePoint[] | undefined, step: number): string => {
      const x = c?.find((y) => y.step === step);
      return x ? x.dice.map((d) => d.toFixed(3)).join(' / ') : '-';
    };
    return `| ${seed} | ${p.steps.map((st) => `${cell(ours[i], st)} vs ${cell(torch[i], st)}`).join(' | ')} |`;
  });
  const verdict = !complete
    ? 'INCOMPLETE: not every seed has reached every step in both implementations'
    : within
      ? 'MET: our engine is within 0.02 of PyTorch at every step (mean of seeds)'
      : 'MISSED: the difference exceeds 0.02 at some step';
  return [
    sectionHeading(p),
    '',
    `Command: \`${commandLine(p, out)}\` (stages \`prepare\`, \`run\`, \`trace\`, \`report\`; resumable from \`${out}/\`).`,
    `Machine: ${machine.nproc} cores, ${machine.cpu}; load average ${machine.load.toFixed(1)} when the report was written; ` +
      `date ${new Date().toISOString()}; commit \`${commit()}\`; our engine on \`wasm\`, PyTorch on CPU, one thread each, two runs at a time.`,
    '',
    `Protocol (both implementations, bench/recipe/protocol.ts): MSD hippocampus axial slices, per-case z-score, centre-padded to 64 x 48, ` +
      `seeded case split 192 / 16 / 52; ${(p.contextSlices ?? 0) > 0 ? `each slice with the ${p.contextSlices} on either side as input channels; ` : ''}U-Net width ${p.width}, depth ${p.depth}, GroupNorm; batch ${p.batchSize} drawn at random with ` +
      `${Math.floor(p.batchSize * p.foregroundShare)} slices holding foreground; per-sample left-right flips; CE + soft Dice; AdamW lr ${p.lr} ` +
      `wd ${p.weightDecay}, cosine to 0 over ${p.steps[p.steps.length - 1]} steps, clip ${p.clip}. Both start from the same initial weights ` +
      `(ours, loaded into the PyTorch twin) and train on the same slice arrays${batchDraws(p) === 'shared' ? ', in the same batches with the same flips (drawn by our sampler, replayed by the twin)' : ', each engine drawing its own batches and flips'}. Test: mean 3D Dice over the 52 test cases. Seeds ${seeds.join(', ')}.`,
    '',
    '| step | ours anterior | PyTorch anterior | diff | ours posterior | PyTorch posterior | diff | ours s/step | PyTorch s/step | seeds (ours / PyTorch) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Verdict: ${verdict}. Seconds per step include the per-epoch validation of our loop, not the test evaluation.`,
    '',
    'Per seed, anterior / posterior Dice, ours vs PyTorch (same initial weights):',
    '',
    `| seed | ${p.steps.map((st) => `step ${st}`).join(' | ')} |`,
    `|---:|${p.steps.map(() => '---').join('|')}|`,
    ...perSeed,
    ...(traces ? ['', ...lockstepLines(traces)] : []),
    ...(notes.length ? ['', 'Notes:', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}
