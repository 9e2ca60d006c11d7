/**
 * The benchmark's summary: the printed table, the checks the issue asks for, and the
 * `## Hippocampus (issue 5)` section of BENCHMARKS.md (replaced in place, other sections
 * untouched).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { formatGenotype } from '../../libs/nas/src/index.js';
import type { BenchConfig } from './config.js';
import type { BenchData } from './data.js';
import type { EvalRecord } from './eval-stage.js';
import type { Agreement } from './genotypes.js';
import type { SearchRecord } from './search-stage.js';

/** Heading of this benchmark's section in BENCHMARKS.md. */
export const SECTION_HEADING = '## Hippocampus (issue 5)';

/** Everything the summary is built from. */
export interface Summary {
  cfg: BenchConfig;
  data: Pick<BenchData, 'split' | 'height' | 'width' | 'nCases' | 'datasetDigest'> & {
    searchSlices: number;
    trainSlices: number;
    valSlices: number;
    testSlices: number;
  };
  searches: [SearchRecord, SearchRecord];
  agreement: Agreement;
  evals: EvalRecord[];
}

const pm = (s: { mean: number | null; sd: number | null } | undefined): string =>
  s && s.mean !== null ? `${s.mean.toFixed(3)} ± ${(s.sd ?? 0).toFixed(3)}` : '-';

/** The results table (Markdown). */
export function resultsTable(evals: EvalRecord[]): string {
  const rows = [
    '| network | parameters | MFLOPs / slice | anterior Dice (mean ± sd) | posterior Dice (mean ± sd) | mean Dice | train s | inference s (ms / slice) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const e of evals) {
    rows.push(
      `| ${e.name} | ${e.parameters.toLocaleString('en-US')} | ${(e.flopsPerSlice / 1e6).toFixed(1)} | ${pm(e.dice['anterior'])} | ` +
        `${pm(e.dice['posterior'])} | ${e.meanDice.toFixed(3)} | ${e.trainWallSeconds.toFixed(0)} | ` +
        `${e.inferenceSeconds.toFixed(1)} (${((1000 * e.inferenceSeconds) / e.nSlices).toFixed(1)}) |`,
    );
  }
  return rows.join('\n');
}

/** The issue's checks, as text lines with a verdict each. */
export function checks(s: Summary): string[] {
  const [a, b] = s.searches;
  const byName = new Map(s.evals.map((e) => [e.name, e]));
  const found = byName.get('found');
  const lines: string[] = [];
  for (const r of s.searches) {
    lines.push(
      `search seed ${r.seed}: ${r.alphaUpdates} alpha updates after a warm-up of ${r.warmupSteps} steps ` +
        `(counted from step events: ${r.alphaUpdatesCounted}) -> ${r.alphaUpdates >= 200 ? 'at least 200: yes' : 'at least 200: NO'}; ` +
        `final genotype differs from the argmax of the initial alphas: ${r.differsFromInitial ? 'yes' : 'NO'}`,
    );
  }
  lines.push(
    `the two searches agree on ${s.agreement.same} of ${s.agreement.total} (op, input) choices ` +
      `(down ${s.agreement.perCell.down.same}/${s.agreement.perCell.down.total}, up ${s.agreement.perCell.up.same}/${s.agreement.perCell.up.total}; ` +
      `same inputs ${s.agreement.sameInputs}/${s.agreement.total}); identical: ${JSON.stringify(a.genotype) === JSON.stringify(b.genotype) ? 'yes' : 'no'}`,
  );
  if (found) {
    const ant = found.dice['anterior']?.mean ?? 0;
    const post = found.dice['posterior']?.mean ?? 0;
    const target = ant >= 0.8 && post >= 0.8 && found.parameters < 1e6;
    lines.push(
      `target (found net: mean Dice >= 0.80 on both classes with < 1 M parameters): ${target ? 'MET' : 'MISSED'} ` +
        `(anterior ${ant.toFixed(3)}, posterior ${post.toFixed(3)}, ${found.parameters} parameters)`,
    );
    for (const other of ['random-1', 'random-2', 'unet-matched', 'unet-wide'] as const) {
      const o = byName.get(other);
      if (!o) continue;
      lines.push(
        `found vs ${other}: mean Dice ${found.meanDice.toFixed(3)} vs ${o.meanDice.toFixed(3)} -> ` +
          `${found.meanDice > o.meanDice ? 'found is better' : 'found is NOT better'}`,
      );
    }
  }
  return lines;
}

function machine(): { nproc: number; cpu: string } {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) cpu = m[1].trim();
  } catch {
    /* keep the os module's answer */
  }
  return { nproc: cpus().length, cpu };
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** The Markdown section for BENCHMARKS.md. */
export function markdownSection(s: Summary, notes: string[]): string {
  const { cfg, data } = s;
  const m = machine();
  const g = (r: SearchRecord): string[] => {
    const f = formatGenotype(r.genotype);
    const i = formatGenotype(r.initialGenotype);
    return [
      `- seed ${r.seed} (${r.steps} steps, ${r.epochs} epochs of ${r.stepsPerEpoch} steps, ${r.wallSeconds.toFixed(0)} s):`,
      `  - down: \`${f.down}\``,
      `  - up: \`${f.up}\``,
      `  - initial-alpha genotype: down \`${i.down}\`; up \`${i.up}\``,
      `  - genotype after each epoch: ${r.genotypeHistory.map((h, k) => `${k + 1}: \`${formatGenotype(h).down}\` / \`${formatGenotype(h).up}\``).join('; ')}`,
    ];
  };
  const st = cfg.search;
  const tr = cfg.train;
  return [
    SECTION_HEADING,
    '',
    `Command: \`node dist/bench/hippocampus/main.js --stage all --workers 3\` (stages \`search\`, \`train\`, \`eval\` resume from files in \`runs/bench-hippocampus/\`).`,
    `Machine: ${m.nproc} cores, ${m.cpu}; backend \`${cfg.backend}\`; date ${new Date().toISOString()}; commit \`${commit()}\`. ` +
      'The machine was shared with other jobs during the run, so wall times are upper bounds.',
    '',
    `Data: MSD Task04 hippocampus, ${data.nCases} cases; fixed case-level split (seed ${cfg.splitSeed}): ` +
      `${data.split.train.length} train, ${data.split.val.length} validation, ${data.split.test.length} test cases ` +
      `(test cases never seen by search or training). Axial slices (axis ${cfg.sliceAxis}), per-case z-score, padded to ${data.height} x ${data.width}. ` +
      `Test: all ${data.testSlices} slices of the test cases, 3D Dice per case after stacking and cropping the padding.`,
    '',
    'Sizes chosen:',
    `- search: supernet C=${st.channels}, depth ${st.depth}, M=${st.nodes}; batch ${st.batchSize}; ${data.searchSlices} foreground slices of the training cases ` +
      `(split 50/50 by case into weight and alpha halves), ${data.valSlices > 0 ? `${st.valSlices} validation slices` : ''}; warm-up ${st.warmupSteps} steps; ` +
      `first-order bilevel, weights AdamW lr 1e-3 wd 5e-4, alphas Adam lr 3e-4 betas (0.5, 0.999) wd 1e-3, clip 5; seeds ${st.seeds.join(' and ')}.`,
    `- training: derived nets C=${tr.channels}, depth ${st.depth}, M=${st.nodes}; ${tr.epochs} epochs over the same ${data.trainSlices} training slices ` +
      `(${Math.round(tr.foregroundFraction * 100)}% with foreground), batch ${tr.batchSize}, AdamW lr 1e-3 cosine, CE + Dice, flips + shifts, seed ${tr.seed}; ` +
      `best epoch by Dice on ${data.valSlices} validation slices. Same budget and pipeline for all five networks.`,
    '',
    'Genotypes found (spec notation, `(op,input)` pairs, nodes separated by `|`):',
    ...g(s.searches[0]),
    ...g(s.searches[1]),
    '',
    `Alpha trajectories: \`runs/bench-hippocampus/search-<seed>/alphas-down.png\` and \`alphas-up.png\`.`,
    '',
    resultsTable(s.evals),
    '',
    'Checks:',
    ...checks(s).map((l) => `- ${l}`),
    '',
    ...(notes.length ? ['Notes:', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}
