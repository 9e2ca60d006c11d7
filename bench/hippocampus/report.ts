/**
 * The benchmark's summary: the printed table (mean ± sd over training seeds), the checks
 * the issue asks for (paired bootstrap confidence intervals for every comparison with the
 * found network), and this benchmark's section of BENCHMARKS.md (replaced in place, other
 * sections untouched).
 */
import {
  describeExclusions,
  describeMargins,
  formatGenotype,
  genotypesEqual,
  upsamplingWarning,
  type DecisionMargin,
} from '../../libs/nas/src/index.js';
import { defaultConfig, type BenchConfig } from './config.js';
import type { BenchData } from './data.js';
import type { DiceRecord, EvalRecord } from './eval-stage.js';
import type { Agreement } from './genotypes.js';
import type { SearchRecord } from './search-stage.js';
import { pairedBootstrap, recipeAugmentFor, type PairedComparison } from '../../libs/engine/src/index.js';
import { NET_NAMES, type NetName } from './networks.js';
import { commit, machine } from '../common/files.js';

/** Heading of this benchmark's section in BENCHMARKS.md for the default configuration. */
export const SECTION_HEADING = '## Hippocampus: found cells vs random cells vs U-Net (issue 9)';

/**
 * The section's heading: a run with another slicing axis, depth, step budget, number of
 * training seeds, derived-net size or search space than the default gets its own section.
 */
export function sectionHeading(cfg: BenchConfig): string {
  const d = defaultConfig(cfg.dataDir);
  const excluded = cfg.search.excludedOps;
  const differs = [
    ...(cfg.sliceAxis !== d.sliceAxis ? [`slices along voxel axis ${cfg.sliceAxis}`] : []),
    ...(cfg.contextSlices !== d.contextSlices ? [`${cfg.contextSlices} context slice(s) either side`] : []),
    ...(cfg.search.depth !== d.search.depth || cfg.train.unetDepth !== d.train.unetDepth
      ? [`depth ${cfg.search.depth} (U-Nets ${cfg.train.unetDepth})`]
      : []),
    ...(cfg.train.steps !== d.train.steps ? [`${cfg.train.steps} training steps`] : []),
    ...(cfg.train.seeds.length !== d.train.seeds.length ? [`${cfg.train.seeds.length} training seeds`] : []),
    ...(cfg.train.minParameters !== d.train.minParameters
      ? [`derived nets of at least ${Math.round(cfg.train.minParameters / 1000)} k parameters`]
      : []),
    ...(cfg.search.alphaLr !== d.search.alphaLr ? [`alpha lr ${cfg.search.alphaLr}`] : []),
    ...(excluded.join() !== d.search.excludedOps.join()
      ? [excluded.length === 0 ? 'every op searched' : `searched without ${excluded.join(', ')}`]
      : []),
  ];
  return differs.length === 0
    ? SECTION_HEADING
    : `## Hippocampus, ${differs.join(', ')}: found cells vs random cells vs U-Net (issue 9)`;
}

/** What the recipe's augmentation is for slices along `axis` (recipeAugmentFor). */
function flipsText(axis: 0 | 1 | 2): string {
  return recipeAugmentFor(axis) === false ? 'no flips (the columns run front to back)' : 'left-right flips';
}

/** Everything the summary is built from. */
export interface Summary {
  cfg: BenchConfig;
  /** The run folder, as given to --out. */
  outDir: string;
  data: Pick<BenchData, 'split' | 'height' | 'width' | 'nCases' | 'datasetDigest'> & {
    searchSlices: number;
    trainSlices: number;
    valSlices: number;
    testSlices: number;
  };
  searches: [SearchRecord, SearchRecord];
  /** Per search: largest distance of a final softmax weight from uniform (down, up, normal); null if unknown. */
  spreads: Array<[number, number, number] | null>;
  /** Per search: the final genotype's choices with the weight each was won by, narrowest first; null if unknown. */
  margins: Array<DecisionMargin[] | null>;
  agreement: Agreement;
  evals: EvalRecord[];
}

const meanOf = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const sdOf = (v: number[]): number => {
  const m = meanOf(v);
  return v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
};
const pm = (v: number[]): string => (v.length ? `${meanOf(v).toFixed(3)} ± ${sdOf(v).toFixed(3)}` : '-');

/** One network over its training seeds. */
export interface NetResult {
  name: NetName;
  parameters: number;
  flopsPerSlice: number;
  seeds: number[];
  /** Per class name: the test-set mean Dice of each seed. */
  classDice: Record<string, number[]>;
  /** Per seed: mean over classes of the test-set mean Dice. */
  meanDice: number[];
  /** Per test case (in case order): Dice averaged over classes and seeds. */
  perCase: number[];
  /** Per class name, per test case (in case order): Dice averaged over seeds. */
  perCaseByClass: Record<string, number[]>;
  caseIds: string[];
  trainSeconds: number[];
  inferenceSeconds: number[];
  /** The same figures as served (test-time mirroring, postprocessing); null unless every seed has them. */
  served: {
    classDice: Record<string, number[]>;
    meanDice: number[];
    perCase: number[];
    perCaseByClass: Record<string, number[]>;
    /** Per seed: `mirror ... / postprocessing ...`. */
    settings: string[];
  } | null;
}

/**
 * Per class, the test-set mean Dice of each run; per case, the Dice averaged over classes and
 * runs; per class and case, the Dice averaged over runs.
 */
function aggregate(
  runs: DiceRecord[],
  classNames: string[],
  caseIds: string[],
): Pick<NetResult, 'classDice' | 'meanDice' | 'perCase' | 'perCaseByClass'> {
  const classDice: Record<string, number[]> = {};
  const perCaseByClass: Record<string, number[]> = {};
  const caseDice = (r: DiceRecord, id: string): number[] =>
    r.perCase.find((c) => c.caseId === id)?.dice ?? [0];
  classNames.forEach((cls, k) => {
    classDice[cls] = runs.map((r) => r.dice[cls]?.mean ?? 0);
    perCaseByClass[cls] = caseIds.map((id) => meanOf(runs.map((r) => caseDice(r, id)[k] ?? 0)));
  });
  const perCase = caseIds.map((id) => meanOf(runs.map((r) => meanOf(caseDice(r, id)))));
  return { classDice, meanDice: runs.map((r) => r.meanDice), perCase, perCaseByClass };
}

/** Groups the per-seed evaluations by network (table order). */
export function netResults(evals: EvalRecord[]): NetResult[] {
  return NET_NAMES.flatMap((name) => {
    const runs = evals.filter((e) => e.name === name).sort((a, b) => a.seed - b.seed);
    const first = runs[0];
    if (!first) return [];
    const caseIds = first.perCase.map((c) => c.caseId);
    const served = runs.flatMap((r) => (r.served ? [r.served] : []));
    return [
      {
        name,
        parameters: first.parameters,
        flopsPerSlice: first.flopsPerSlice,
        seeds: runs.map((r) => r.seed),
        ...aggregate(runs, first.classNames, caseIds),
        caseIds,
        trainSeconds: runs.map((r) => r.trainWallSeconds),
        inferenceSeconds: runs.map((r) => r.inferenceSeconds),
        served:
          served.length === runs.length
            ? {
                ...aggregate(served, first.classNames, caseIds),
                settings: served.map(
                  (v) =>
                    `mirror ${v.settings.mirror.join('+') || 'none'} / postprocessing ${v.settings.postprocessing}`,
                ),
              }
            : null,
      },
    ];
  });
}

/** The results table (Markdown): mean ± sd over training seeds of the test-set mean Dice. */
export function resultsTable(nets: NetResult[]): string {
  const rows = [
    '| network | parameters | MFLOPs / slice | seeds | anterior Dice | posterior Dice | mean Dice | mean Dice as served | train s / seed | inference s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const n of nets) {
    rows.push(
      `| ${n.name} | ${n.parameters.toLocaleString('en-US')} | ${(n.flopsPerSlice / 1e6).toFixed(1)} | ${n.seeds.length} | ` +
        `${pm(n.classDice['anterior'] ?? [])} | ${pm(n.classDice['posterior'] ?? [])} | ${pm(n.meanDice)} | ${pm(n.served?.meanDice ?? [])} | ` +
        `${meanOf(n.trainSeconds).toFixed(0)} | ${meanOf(n.inferenceSeconds).toFixed(1)} |`,
    );
  }
  return rows.join('\n');
}

/** Core-hours of the whole run: every search, training and evaluation ran on one core. */
export function coreHours(s: Summary, nets: NetResult[]): number {
  const seconds =
    s.searches.reduce((a, r) => a + r.wallSeconds, 0) +
    nets.reduce(
      (a, n) => a + n.trainSeconds.reduce((x, y) => x + y, 0) + n.inferenceSeconds.reduce((x, y) => x + y, 0),
      0,
    );
  return seconds / 3600;
}

/** How far the weights moved, for a search's check line. */
function spreadText(spread: [number, number, number] | null): string {
  if (spread === null) return '';
  const [d, u, n] = spread.map((v) => v.toFixed(3));
  return `; final softmax weights within ${d} (down) / ${u} (up) / ${n} (normal) of uniform`;
}

/** How narrowly the final genotype was chosen, for a search's check line. */
function marginText(margins: DecisionMargin[] | null): string {
  return margins === null || margins.length === 0 ? '' : `; ${describeMargins(margins)}`;
}

/** Dice figures of one network: plain or as served. */
type NetDice = Pick<NetResult, 'classDice' | 'perCase' | 'perCaseByClass'>;

/** The 0.88 target for the found net and its paired comparison with every other network. */
export function targetAndComparisons(
  found: NetResult,
  others: NetResult[],
  dice: (n: NetResult) => NetDice,
): string[] {
  const f = dice(found);
  const ant = meanOf(f.classDice['anterior'] ?? []);
  const post = meanOf(f.classDice['posterior'] ?? []);
  const target = ant >= 0.88 && post >= 0.88 && found.parameters < 1e6;
  const lines = [
    `target (found net: mean 3D Dice >= 0.88 on both classes with < 1 M parameters): ${target ? 'MET' : 'MISSED'} ` +
      `(anterior ${ant.toFixed(3)}, posterior ${post.toFixed(3)}, ${found.parameters} parameters, ${found.seeds.length} seeds)`,
  ];
  for (const o of others) {
    const c = pairedBootstrap(f.perCase, dice(o).perCase, { seed: 7 });
    lines.push(
      `found vs ${o.name}: per-case mean Dice difference ${signed(c.meanDiff)}, 95% paired bootstrap CI ${bounds(c)}` +
        ` over ${c.n} test cases -> ${VERDICT[sideOfZero(c)]}` +
        `; per class: ${classDifferences(f, dice(o))}; higher on ${casesAbove(f.perCase, dice(o).perCase)} of ${c.n} cases`,
    );
  }
  return lines;
}

/** Where a paired interval of a difference lies: above zero, below it, or across it. */
type Side = 'above' | 'below' | 'across';
const sideOfZero = (c: PairedComparison): Side => (c.lo > 0 ? 'above' : c.hi < 0 ? 'below' : 'across');
const VERDICT: Record<Side, string> = {
  above: 'found is better',
  below: 'found is WORSE',
  across: 'no significant difference',
};
const CLASS_MARK: Record<Side, string> = { above: ' (higher)', below: ' (LOWER)', across: '' };

/** A difference with its sign: `+0.0014`, `-0.0003`. */
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
/** An interval's bounds: `[-0.0022, 0.0053]`. */
const bounds = (c: PairedComparison): string => `[${c.lo.toFixed(4)}, ${c.hi.toFixed(4)}]`;

/** The paired comparison of each class on its own: `anterior +0.0010 [...], posterior ...`. */
function classDifferences(a: NetDice, b: NetDice): string {
  return Object.keys(a.perCaseByClass)
    .map((cls) => {
      const c = pairedBootstrap(a.perCaseByClass[cls] ?? [], b.perCaseByClass[cls] ?? [], { seed: 7 });
      return `${cls} ${signed(c.meanDiff)} ${bounds(c)}${CLASS_MARK[sideOfZero(c)]}`;
    })
    .join(', ');
}

/** Number of cases where `a` is above `b`. */
function casesAbove(a: number[], b: number[]): number {
  return a.filter((v, i) => v > (b[i] as number)).length;
}

/** The issue's checks, as text lines with a verdict each. */
export function checks(s: Summary): string[] {
  const [a, b] = s.searches;
  const nets = netResults(s.evals);
  const byName = new Map(nets.map((n) => [n.name, n]));
  const found = byName.get('found');
  const lines: string[] = [];
  for (const r of s.searches) {
    const warning = upsamplingWarning(r.genotype);
    lines.push(
      `search seed ${r.seed}: ${r.alphaUpdates} alpha updates after a warm-up of ${r.warmupSteps} steps, stopped by ${r.reason} ` +
        `(counted from step events: ${r.alphaUpdatesCounted}) -> at least 1000: ${r.alphaUpdates >= 1000 ? 'yes' : 'NO'}; ` +
        `genotype unchanged over the last ${r.stableEpochs} epoch(s) (wanted ${s.cfg.search.stableEpochs}): ` +
        `${r.stableEpochs >= s.cfg.search.stableEpochs ? 'stable' : 'NOT stable'}; ` +
        `differs from the argmax of the initial alphas: ${r.differsFromInitial ? 'yes' : 'NO'}` +
        spreadText(s.spreads[s.searches.indexOf(r)] ?? null) +
        marginText(s.margins[s.searches.indexOf(r)] ?? null) +
        (warning === null ? '' : `; WARNING: ${warning}`),
    );
  }
  lines.push(
    `the two searches agree on ${s.agreement.same} of ${s.agreement.total} (op, input) choices ` +
      `(down ${s.agreement.perCell.down.same}/${s.agreement.perCell.down.total}, up ${s.agreement.perCell.up.same}/${s.agreement.perCell.up.total}; ` +
      `same inputs ${s.agreement.sameInputs}/${s.agreement.total}); identical: ${genotypesEqual(a.genotype, b.genotype) ? 'yes' : 'no'}`,
  );
  if (found) {
    const others = NET_NAMES.filter((n) => n !== 'found').flatMap((n) => byName.get(n) ?? []);
    lines.push(...targetAndComparisons(found, others, (n) => n));
    if (found.served && others.every((o) => o.served)) {
      lines.push(
        `as served: each network with the test-time mirroring and postprocessing planInference chose for it on the validation slices (as nasunet train records them in the bundle); found: ${[...new Set(found.served.settings)].join(', ')}`,
        ...targetAndComparisons(found, others, (n) => n.served!).map((l) => `as served, ${l}`),
      );
    }
  }
  lines.push(
    `compute: ${coreHours(s, nets).toFixed(2)} core-hours (searches, trainings and test inference, one core each)`,
  );
  return lines;
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
    sectionHeading(cfg),
    '',
    `Command: \`npm run bench:hippocampus\` (\`--full\` for the long run; stages \`search\`, \`train\`, \`eval\` resume from files in the run folder).`,
    `Machine: ${m.nproc} cores, ${m.cpu}; backend \`${cfg.backend}\`; date ${new Date().toISOString()}; commit \`${commit()}\`. ` +
      'Two processes at a time, one per core.',
    '',
    `Data: MSD Task04 hippocampus, ${data.nCases} cases; fixed case-level split (seed ${cfg.splitSeed}): ` +
      `${data.split.train.length} train, ${data.split.val.length} validation, ${data.split.test.length} test cases ` +
      `(test cases never seen by search or training). Slices along voxel axis ${cfg.sliceAxis}${cfg.sliceAxis === 2 ? ' (axial)' : ''}${cfg.contextSlices > 0 ? `, each with the ${cfg.contextSlices} on either side as input channels` : ''}, per-case z-score, padded to ${data.height} x ${data.width}. ` +
      `Test: all ${data.testSlices} slices of the test cases, 3D Dice per case after stacking and cropping the padding.`,
    '',
    'Sizes chosen:',
    `- search: supernet C=${st.channels}, depth ${st.depth}, M=${st.nodes}; batch ${st.batchSize}; all ${data.searchSlices} slices of the training cases ` +
      `(split 50/50 by case into weight and alpha halves; a third of each batch with foreground, ${flipsText(cfg.sliceAxis)}), ${st.valSlices} validation slices; ` +
      `warm-up ${st.warmupSteps} steps, then at least ${st.alphaUpdates} alpha updates and on until the genotype is unchanged for ${st.stableEpochs} epochs ` +
      `(at most ${st.maxAlphaUpdates}), genotype derived every ${st.stepsPerEpoch} steps; ` +
      `first-order bilevel, weights AdamW lr 1e-3 wd 5e-4, alphas Adam lr ${st.alphaLr} betas (0.5, 0.999) wd 1e-3, clip 5; seeds ${st.seeds.join(' and ')}; ` +
      `candidate ops: ${describeExclusions(st.excludedOps)}, the random genotypes drawn from the same ops.`,
    `- training: every network ${tr.steps} steps of batch ${tr.batchSize} over all ${data.trainSlices} training slices by the recipe ` +
      `(a third of each batch with foreground, ${flipsText(cfg.sliceAxis)}, AdamW lr 1e-3 wd 5e-4 cosine, CE + Dice, clip 5), ` +
      `best of four checkpoints by Dice on ${data.valSlices} validation slices; seeds ${tr.seeds.join(', ')}. ` +
      `Derived nets at the smallest C of ${tr.channelChoices.join('/')} giving >= ${tr.minParameters} parameters to the found cells.`,
    '',
    'Genotypes found (spec notation, `(op,input)` pairs, nodes separated by `|`):',
    ...g(s.searches[0]),
    ...g(s.searches[1]),
    '',
    `Alpha trajectories: \`${s.outDir}/search-<seed>/alphas-down.png\` and \`alphas-up.png\`.`,
    '',
    resultsTable(netResults(s.evals)),
    '',
    'Checks:',
    ...checks(s).map((l) => `- ${l}`),
    '',
    ...(notes.length ? ['Notes:', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}
