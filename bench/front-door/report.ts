/**
 * The front-door benchmark's section of BENCHMARKS.md: per dataset, what the automatic
 * configuration chose for the search and the training, how long each took, and the test
 * Dice of the model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commit, machine } from '../common/files.js';

export const SECTION_HEADING = '## The front door: `search` then `train` with no flags (issue 9)';

interface Plan {
  width: number;
  depth: number;
  batchSize: number;
  patch: [number, number];
  steps: number;
  minSteps?: number;
  warmupSteps?: number;
}

/** What one dataset's run produced. */
export interface Outcome {
  name: string;
  search: { plan: Plan; steps: number; reason: string; minutes: number };
  train: { plan: Plan; parameters: number; minutes: number };
  evaluate: { classes: Array<{ name: string; dice: number | null; sd: number | null }>; cases: number };
  loadAverage: number;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** Reads a finished dataset folder of the bench (`<out>/<name>`). */
export function readOutcome(name: string, dir: string): Outcome {
  const run = join(dir, 'nasunet-run');
  const done = (c: string) => readJson<{ seconds: number; loadAverage: number }>(join(dir, `${c}.done`));
  const search = readJson<{ steps: number; reason: string }>(join(run, 'search-result.json'));
  const manifest = readJson<{ weightsByteLength: number }>(join(run, 'model', 'manifest.json'));
  const report = readJson<{
    nCases: number;
    perClass: Array<{ name: string; dice: { mean: number | null; sd: number | null } }>;
  }>(join(run, 'eval', 'report.json'));
  return {
    name,
    search: {
      plan: readJson<Plan>(join(run, 'search-plan.json')),
      steps: search.steps,
      reason: search.reason,
      minutes: done('search').seconds / 60,
    },
    train: {
      plan: readJson<Plan>(join(run, 'plan.json')),
      parameters: manifest.weightsByteLength / 4,
      minutes: done('train').seconds / 60,
    },
    evaluate: {
      cases: report.nCases,
      classes: report.perClass.map((c) => ({ name: c.name, dice: c.dice.mean, sd: c.dice.sd })),
    },
    loadAverage: Math.max(done('search').loadAverage, done('train').loadAverage),
  };
}

const shape = (p: Plan): string =>
  `C ${p.width}, depth ${p.depth}, ${p.patch.join(' x ')}, batch ${p.batchSize}`;
const dice = (c: { dice: number | null; sd: number | null }): string =>
  c.dice === null ? '-' : `${c.dice.toFixed(3)} ± ${(c.sd ?? 0).toFixed(3)}`;

/** The Markdown section. */
export function markdownSection(outcomes: Outcome[], now: { loadAverage: number }): string {
  const m = machine();
  const lines = [
    SECTION_HEADING,
    '',
    'Command: `node dist/bench/front-door/main.js --workers 2` (resumable from `runs/bench-front-door/`). ' +
      'On each dataset, in a fresh folder: `nasunet search --data DIR`, `nasunet train --data DIR` ' +
      "(it picks up the found `genotype.json`), `nasunet evaluate --split test` (the CLI's seeded case split), " +
      'no other flags. `png` is a 2D PNG folder made from MSD hippocampus (one axial slice per patient, ' +
      '8-bit window of the 1st to 99th percentile, masks of class codes), `synthetic` the built-in phantoms.',
    '',
    `Machine: ${m.nproc} cores, ${m.cpu}; date ${new Date().toISOString()}; commit \`${commit()}\`; ` +
      `load average ${now.loadAverage.toFixed(1)} when the report was written (per dataset: the highest at the end of its search or training).`,
    '',
    '| dataset | search plan | alpha updates (stop) | search min | training plan | parameters | steps | train min | test cases | test Dice per class (mean ± sd) | load |',
    '|---|---|---:|---:|---|---:|---:|---:|---:|---|---:|',
  ];
  for (const o of outcomes) {
    const alphaUpdates = o.search.steps - (o.search.plan.warmupSteps ?? 0);
    lines.push(
      `| ${o.name} | ${shape(o.search.plan)} | ${alphaUpdates} (${o.search.reason}) | ${o.search.minutes.toFixed(0)} | ` +
        `${shape(o.train.plan)} | ${o.train.parameters.toLocaleString('en-US')} | ${o.train.plan.steps} | ` +
        `${o.train.minutes.toFixed(0)} | ${o.evaluate.cases} | ` +
        `${o.evaluate.classes.map((c) => `${c.name} ${dice(c)}`).join('; ')} | ${o.loadAverage.toFixed(1)} |`,
    );
  }
  if (outcomes.length === 0) lines.push('| (no dataset finished yet) | | | | | | | | | | |');
  return lines.join('\n') + '\n';
}
